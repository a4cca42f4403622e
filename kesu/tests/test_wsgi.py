"""The WSGI module loads every view while a worker boots, so its first request is not slow."""

import importlib
import os
import subprocess
import sys

import pytest
from django.conf import settings
from django.core.exceptions import ImproperlyConfigured
from django.core.handlers.wsgi import WSGIHandler

PROBE = (
    "import sys, kesu.wsgi; "
    "print(all(m in sys.modules for m in "
    "['kesu.urls', 'kesu.complaints.api.views', 'kesu.complaints.views', 'kesu.callbacks.views']))"
)


def test_importing_kesu_wsgi_imports_the_urlconf_and_its_views(tmp_path):
    env = {
        **{k: v for k, v in os.environ.items() if not k.startswith("KESU_")},
        "KESU_DEBUG": "1",
        "KESU_VAR_DIR": str(tmp_path),
        "DATABASE_URL": f"sqlite:///{tmp_path / 'db.sqlite3'}",
    }
    result = subprocess.run(
        [sys.executable, "-c", PROBE],
        cwd=settings.BASE_DIR,
        env=env,
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert result.returncode == 0, result.stderr
    assert result.stdout.strip() == "True", result.stdout + result.stderr


@pytest.fixture
def wsgi(settings):
    """kesu.wsgi imported in this process (under DEBUG, so the test key passes its check)."""
    settings.DEBUG = True
    return importlib.import_module("kesu.wsgi")


def test_the_application_is_djangos_wsgi_handler(wsgi):
    assert isinstance(wsgi.application, WSGIHandler)


def test_with_debug_on_any_key_is_accepted(wsgi, settings):
    settings.SECRET_KEY = "short"
    wsgi._refuse_the_development_key()


def test_with_debug_off_the_development_key_is_refused(wsgi, settings):
    settings.DEBUG = False
    settings.SECRET_KEY = settings.DEVELOPMENT_SECRET_KEY
    with pytest.raises(ImproperlyConfigured, match="KESU_SECRET_KEY is not set"):
        wsgi._refuse_the_development_key()


@pytest.mark.parametrize("key", ["changeme", "ab" * 40, "x" * 31 + "abcdef"])
def test_with_debug_off_a_guessable_key_is_refused(wsgi, settings, key):
    settings.DEBUG = False
    settings.SECRET_KEY = key
    with pytest.raises(ImproperlyConfigured, match="too easy to guess"):
        wsgi._refuse_the_development_key()


def test_with_debug_off_a_long_random_key_is_accepted(wsgi, settings):
    settings.DEBUG = False
    settings.SECRET_KEY = "Vq3-x8Kp_2mZrT7wLb9YcN4hJd6sFa1gEu5o0iQ"
    wsgi._refuse_the_development_key()
