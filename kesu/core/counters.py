"""Rate-limit counters shared by every process: the API's limits and the portal's.

gunicorn runs several workers and Kesu may run on several servers; a limit counted in one
process's memory would let each of them allow it in full. So every counter lives where all
processes see it:

- in the database (table core_ratecounter, one row per key) unless KESU_CACHE_URL is set. A hit
  is one statement — INSERT … ON CONFLICT DO UPDATE SET count = count + 1 … RETURNING count —
  on SQLite and PostgreSQL alike, so two processes never both read the same count: the hit
  that makes it limit + 1 is refused, whoever sent it.
- in Redis (Django's cache) when KESU_CACHE_URL is set: `add` then `incr`, atomic in Redis.

A window opens with the first hit on a key and lasts `seconds`; the first hit after it ended
opens the next (a fixed window, not a sliding one: at most the limit in any window, up to twice
the limit across the end of one and the start of the next). Rows of ended windows are deleted
by the hits themselves, at most every PRUNE_SECONDS in each process.

When the store cannot be reached, the functions raise CounterUnavailable; each caller says
whether its limit then fails open or closed (docs/deploy.md, "Rate limits").
"""

import contextlib
import logging
import time
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta

from django.conf import settings
from django.core.cache import cache
from django.db import DatabaseError, connection, transaction
from django.db.models import F
from django.utils import timezone
from django.utils.dateparse import parse_datetime

from kesu.core.models import RateCounter

logger = logging.getLogger(__name__)

PRUNE_SECONDS = 300
_last_prune = 0.0


class CounterUnavailable(Exception):
    """The counters' store (Redis, or the database) did not answer."""


@dataclass(frozen=True)
class Hit:
    """A key's count after a hit, and when its window ends."""

    count: int
    ends_at: datetime

    def seconds_left(self, now: datetime | None = None) -> float:
        return max(0.0, (self.ends_at - (now or timezone.now())).total_seconds())


def shared_in_cache() -> bool:
    """Whether the counters are in Redis (KESU_CACHE_URL) rather than in the database."""
    return bool(settings.KESU_CACHE_URL)


def hit(key: str, seconds: int, *, now: datetime | None = None) -> Hit:
    """Count one more for `key` in its window of `seconds` (opened by this hit if none is)."""
    now = now or timezone.now()
    if seconds <= 0:  # no window: every hit is the first
        return Hit(count=1, ends_at=now)
    try:
        if shared_in_cache():
            return _cache_hit(key, seconds, now)
        return _db_hit(key, seconds, now)
    except CounterUnavailable:
        raise
    except Exception as exc:  # Redis down, the database locked or gone
        raise CounterUnavailable(str(exc)) from exc


def allow(key: str, limit: int, seconds: int, *, now: datetime | None = None) -> tuple[bool, Hit]:
    """Hit `key`; allowed while its count in the window is at most `limit`."""
    counted = hit(key, seconds, now=now)
    return counted.count <= limit, counted


def count(key: str, *, now: datetime | None = None) -> int:
    """The count of `key` in its current window (0 if none is open)."""
    now = now or timezone.now()
    try:
        if shared_in_cache():
            return int(cache.get(key) or 0)
        row = RateCounter.objects.filter(key=key, expires_at__gt=now).values("count").first()
        return row["count"] if row else 0
    except Exception as exc:
        raise CounterUnavailable(str(exc)) from exc


def give_back(key: str) -> None:
    """Undo one hit of `key` (a code counted before it was sent, then not sent)."""
    try:
        if shared_in_cache():
            with contextlib.suppress(ValueError):  # its window ended meanwhile
                cache.decr(key)
            return
        RateCounter.objects.filter(key=key, count__gt=0).update(count=F("count") - 1)
    except Exception as exc:
        raise CounterUnavailable(str(exc)) from exc


# ---- In the database ---------------------------------------------------------------------


def _upsert_sql() -> str:
    table = connection.ops.quote_name(RateCounter._meta.db_table)
    key = connection.ops.quote_name("key")
    old = f"{table}.expires_at <= %s"
    # The names are the model's own; every value is a parameter.
    return (
        f"INSERT INTO {table} ({key}, count, window_start, expires_at) VALUES (%s, 1, %s, %s) "  # noqa: S608
        f"ON CONFLICT ({key}) DO UPDATE SET "
        f"count = CASE WHEN {old} THEN 1 ELSE {table}.count + 1 END, "
        f"window_start = CASE WHEN {old} THEN excluded.window_start "
        f"ELSE {table}.window_start END, "
        f"expires_at = CASE WHEN {old} THEN excluded.expires_at ELSE {table}.expires_at END "
        f"RETURNING count, expires_at"
    )


def _as_datetime(value) -> datetime:
    if isinstance(value, str):  # SQLite gives the stored text back
        value = parse_datetime(value)
    assert isinstance(value, datetime)
    return value if timezone.is_aware(value) else value.replace(tzinfo=UTC)


def _db_hit(key: str, seconds: int, now: datetime) -> Hit:
    adapt = connection.ops.adapt_datetimefield_value
    start, end = adapt(now), adapt(now + timedelta(seconds=seconds))
    try:
        # A savepoint when called inside a transaction: a failed hit leaves it usable.
        with transaction.atomic(), connection.cursor() as cursor:
            if connection.vendor == "postgresql":
                # A count may be lost in a crash: not waiting for the disk makes a hit ~3x faster.
                cursor.execute("SET LOCAL synchronous_commit TO OFF")
            cursor.execute(_upsert_sql(), [key, start, end, start, start, start])
            counted, ends_at = cursor.fetchone()
    except DatabaseError as exc:
        raise CounterUnavailable(str(exc)) from exc
    _prune_now_and_then(now)
    return Hit(count=counted, ends_at=_as_datetime(ends_at))


def _prune_now_and_then(now: datetime) -> None:
    global _last_prune
    if time.monotonic() - _last_prune < PRUNE_SECONDS:
        return
    _last_prune = time.monotonic()
    try:
        with transaction.atomic():
            RateCounter.objects.filter(expires_at__lte=now).delete()
    except DatabaseError:  # another process is at it; the next prune will do
        logger.info("expired rate counters not pruned this time", exc_info=True)


def clear_all() -> None:
    """Forget every count, wherever they are (the tests' clean slate)."""
    if shared_in_cache():
        cache.clear()
    else:
        RateCounter.objects.all().delete()


def prune(now: datetime | None = None) -> int:
    """Delete the rows of ended windows; returns how many."""
    deleted, _ = RateCounter.objects.filter(expires_at__lte=now or timezone.now()).delete()
    return deleted


# ---- In Redis (Django's cache) -----------------------------------------------------------


def _cache_hit(key: str, seconds: int, now: datetime) -> Hit:
    ends_key = f"{key}:ends"
    ends = now.timestamp() + seconds
    cache.add(key, 0, seconds)
    cache.add(ends_key, ends, seconds)
    try:
        counted = cache.incr(key)
    except ValueError:  # the window ended between add and incr
        cache.set(key, 1, seconds)
        cache.set(ends_key, ends, seconds)
        counted = 1
    ends = float(cache.get(ends_key) or ends)
    return Hit(count=int(counted), ends_at=datetime.fromtimestamp(ends, tz=UTC))
