"""The WSGI entry point of the production server (`gunicorn kesu.wsgi`) and of runserver."""

import os

from django.core.exceptions import ImproperlyConfigured
from django.core.wsgi import get_wsgi_application

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "kesu.settings")
application = get_wsgi_application()


# Sessions, password-reset links and the audit trail's MACs rest on the key: with DEBUG off, a
# key anyone could guess ("changeme", a few repeated letters) is refused like a missing one.
SHORTEST_SECRET_KEY = 32
FEWEST_DISTINCT_CHARACTERS = 8
HOW_TO_MAKE_A_KEY = (
    "set KESU_SECRET_KEY to a long random value "
    '(e.g. python -c "import secrets; print(secrets.token_urlsafe(50))").'
)


def _refuse_the_development_key() -> None:
    from django.conf import settings

    if settings.DEBUG:
        return
    key = settings.SECRET_KEY
    if key == settings.DEVELOPMENT_SECRET_KEY:
        raise ImproperlyConfigured(
            "KESU_SECRET_KEY is not set. With DEBUG off Kesu will not serve requests signed with "
            "the public development key: " + HOW_TO_MAKE_A_KEY
        )
    if len(key) < SHORTEST_SECRET_KEY or len(set(key)) < FEWEST_DISTINCT_CHARACTERS:
        raise ImproperlyConfigured(
            f"KESU_SECRET_KEY is too easy to guess (it needs at least {SHORTEST_SECRET_KEY} "
            f"characters, {FEWEST_DISTINCT_CHARACTERS} of them different): " + HOW_TO_MAKE_A_KEY
        )


def _load_every_view() -> None:
    """Import the URLconf and every view now, while the worker boots, not in its first request.

    That import takes about 3 s on a busy 2-core machine: without this, the first request of
    every new worker (a restart after a crash, a deploy, --max-requests) waits that long,
    while the worker is already taking connections (bench/faults.py, docs/benchmarks.md).
    """
    from django.urls import get_resolver

    get_resolver().url_patterns  # noqa: B018 (the import is the point)


_refuse_the_development_key()
_load_every_view()
