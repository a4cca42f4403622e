"""The WSGI entry point of the production server (`gunicorn kesu.wsgi`) and of runserver."""

import os

from django.core.exceptions import ImproperlyConfigured
from django.core.wsgi import get_wsgi_application

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "kesu.settings")
application = get_wsgi_application()


def _refuse_the_development_key() -> None:
    from django.conf import settings

    if not settings.DEBUG and settings.SECRET_KEY == settings.DEVELOPMENT_SECRET_KEY:
        raise ImproperlyConfigured(
            "KESU_SECRET_KEY is not set. With DEBUG off Kesu will not serve requests signed with "
            "the public development key: set KESU_SECRET_KEY to a long random value "
            '(e.g. python -c "import secrets; print(secrets.token_urlsafe(50))").'
        )


_refuse_the_development_key()
