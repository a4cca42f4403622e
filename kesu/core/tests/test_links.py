"""kesu/core/links.py: the one place outgoing links are made."""

import logging

from kesu.core.links import public_base, public_url


def test_the_public_address_wins_over_the_requests_host(rf, settings):
    settings.KESU_PUBLIC_URL = "https://kesu.example.com"
    request = rf.get("/", HTTP_HOST="127.0.0.1:8000")
    assert public_url("/portal/track/", request) == "https://kesu.example.com/portal/track/"
    assert public_url("portal/") == "https://kesu.example.com/portal/"


def test_unset_a_request_gives_its_own_address(rf, settings):
    settings.KESU_PUBLIC_URL = ""
    settings.ALLOWED_HOSTS = ["kesu.internal"]
    request = rf.get("/", HTTP_HOST="kesu.internal", secure=True)
    assert public_url("/callbacks/s/t/", request) == "https://kesu.internal/callbacks/s/t/"


def test_unset_without_a_request_no_loopback_address_is_made_up(settings, caplog):
    settings.KESU_PUBLIC_URL = ""
    with caplog.at_level(logging.WARNING, logger="kesu.core.links"):
        assert public_url("/complaints/1/") == "/complaints/1/"
        assert public_base() == ""
    assert "KESU_PUBLIC_URL is not set" in caplog.text


def test_the_former_name_kesu_base_url_is_read(monkeypatch):
    import importlib

    import kesu.settings as kesu_settings

    monkeypatch.delenv("KESU_PUBLIC_URL", raising=False)
    monkeypatch.setenv("KESU_BASE_URL", "https://old.example.com/")
    try:
        assert importlib.reload(kesu_settings).KESU_PUBLIC_URL == "https://old.example.com"
    finally:
        monkeypatch.delenv("KESU_BASE_URL")
        importlib.reload(kesu_settings)
