"""Reading many timestamps from PostgreSQL quickly, for the large exports.

Django reads each `timestamptz` value through a loader of its own written in Python (psycopg's
pure-Python parser, then the zone set again): about 5 µs a value, which is a second and more
for the hundreds of thousands of moments of a month's Excel export (each complaint's own
moments and its milestones). `quick_timestamps()` puts, for the time of a `with` block, a
loader on the connection that parses with `datetime.fromisoformat` (C) and gives the same
values; whatever it does not know (years before 1 or after 9999, infinity, another offset than
the connection's zero) goes to Django's loader as before. Outside PostgreSQL, or where Django
reads moments in another zone than UTC, it does nothing.
"""

from collections.abc import Iterator
from contextlib import contextmanager
from datetime import UTC, datetime, timedelta

from django.db import connections

_ZERO = timedelta(0)


def _quick_loader(django_loader):
    """A subclass of Django's loader (so the connection keeps the zone Django checks) whose
    `load` parses the common form itself."""

    class QuickTimestampLoader(django_loader):
        def load(self, data):
            try:
                moment = datetime.fromisoformat(bytes(data).decode())
            except ValueError:
                return super().load(data)
            if moment.tzinfo is UTC:  # what fromisoformat gives for "+00"
                return moment
            if moment.utcoffset() != _ZERO:
                return super().load(data)
            return moment.replace(tzinfo=UTC)

    return QuickTimestampLoader


@contextmanager
def quick_timestamps(using: str = "default") -> Iterator[None]:
    """Read the timestamps of the queries in the block with the quick loader (see above)."""
    connection = connections[using]
    if connection.vendor != "postgresql":
        yield
        return
    from django.db.backends.postgresql.psycopg_any import is_psycopg3

    if not is_psycopg3 or connection.timezone is not UTC:
        yield
        return
    from psycopg import adapters
    from psycopg.pq import Format

    connection.ensure_connection()
    registry = connection.connection.adapters
    oid = adapters.types["timestamptz"].oid
    django_loader = registry.get_loader(oid, Format.TEXT)
    if getattr(django_loader, "timezone", None) is not UTC:
        yield
        return
    registry.register_loader(oid, _quick_loader(django_loader))
    try:
        yield
    finally:
        registry.register_loader(oid, django_loader)
