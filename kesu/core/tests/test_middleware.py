"""The client's address and scheme from a trusted proxy only."""

import pytest
from django.http import HttpResponse
from django.test import RequestFactory

from kesu.core.middleware import TrustedProxyMiddleware


def _seen(settings, proxies, remote, **headers):
    settings.KESU_TRUSTED_PROXIES = proxies
    seen = {}

    def view(request):
        seen.update(request.META)
        return HttpResponse()

    request = RequestFactory().get("/", REMOTE_ADDR=remote, **headers)
    TrustedProxyMiddleware(view)(request)
    return seen


def test_forwarded_for_from_a_trusted_proxy_names_the_client(settings):
    meta = _seen(settings, ["10.0.0.0/8"], "10.0.0.5", HTTP_X_FORWARDED_FOR="203.0.113.9")
    assert meta["REMOTE_ADDR"] == "203.0.113.9"


def test_the_right_most_untrusted_hop_wins_over_a_forged_left_part(settings):
    # The client wrote "1.2.3.4" itself; the proxy appended the address it saw.
    meta = _seen(
        settings,
        ["10.0.0.0/8"],
        "10.0.0.5",
        HTTP_X_FORWARDED_FOR="1.2.3.4, 198.51.100.7, 10.0.0.6",
    )
    assert meta["REMOTE_ADDR"] == "198.51.100.7"


@pytest.mark.parametrize("proxies", [[], ["10.0.0.0/8"]])
def test_headers_from_anyone_else_are_dropped(settings, proxies):
    meta = _seen(
        settings,
        proxies,
        "203.0.113.50",
        HTTP_X_FORWARDED_FOR="10.9.9.9",
        HTTP_X_FORWARDED_PROTO="https",
    )
    assert meta["REMOTE_ADDR"] == "203.0.113.50"
    assert "HTTP_X_FORWARDED_FOR" not in meta
    assert "HTTP_X_FORWARDED_PROTO" not in meta


def test_garbage_in_forwarded_for_keeps_the_proxy_address(settings):
    meta = _seen(settings, ["10.0.0.5"], "10.0.0.5", HTTP_X_FORWARDED_FOR="not-an-ip")
    assert meta["REMOTE_ADDR"] == "10.0.0.5"
