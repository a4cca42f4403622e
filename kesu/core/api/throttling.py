"""API rate limits per token (or signed-in user) and per client address.

The address limit counts every request under /api/ (AddressRateLimitMiddleware), failed
sign-ins and bad tokens included; the token limit counts authenticated requests (a DRF
throttle, after authentication).

The counters are kesu/core/counters.py's, shared by every worker and server: in the database,
or in Redis when KESU_CACHE_URL is set. A limit of N a period allows N requests in a window
that opens with the first one; Retry-After says when the window ends. The limits fail open:
if the counters cannot be reached (Redis down), requests are served, unlimited, and a warning
is logged. The rates are read from the settings on each request so they can be changed
without a restart of the test process.
"""

import hashlib
import logging
import math

from django.conf import settings
from django.http import JsonResponse
from rest_framework import exceptions
from rest_framework.throttling import AnonRateThrottle, SimpleRateThrottle

from kesu.core import counters

logger = logging.getLogger(__name__)


class SharedRateThrottle(SimpleRateThrottle):
    """A DRF throttle counting in kesu/core/counters.py instead of one process's history."""

    def allow_request(self, request, view):
        if self.rate is None:
            return True
        key = self.get_cache_key(request, view)
        if key is None:
            return True
        try:
            allowed, self.counted = counters.allow(key, self.num_requests, self.duration)
        except counters.CounterUnavailable:  # serve, unlimited, until the counters are back
            logger.warning(
                "API rate limit not applied: the counters are unreachable", exc_info=True
            )
            return True
        return allowed

    def wait(self):
        counted = getattr(self, "counted", None)
        return counted.seconds_left() if counted is not None else None


class _SettingsRateThrottle(SharedRateThrottle):
    setting = ""

    def __init__(self):  # the rate from the settings on every request, not at import
        self.rate = getattr(settings, self.setting) or None
        if self.rate is not None:
            self.num_requests, self.duration = self.parse_rate(self.rate)


class SignInRateThrottle(SharedRateThrottle, AnonRateThrottle):
    """Anonymous requests to the token endpoint per address (DRF's "anon" rate)."""


class TokenRateThrottle(_SettingsRateThrottle):
    """Requests per token; a browser session counts per user."""

    scope = "token"
    setting = "KESU_API_RATE_PER_TOKEN"

    def get_cache_key(self, request, view):
        if request.auth is not None and hasattr(request.auth, "key"):
            ident = hashlib.sha256(request.auth.key.encode()).hexdigest()[:32]
        elif request.user and request.user.is_authenticated:
            ident = f"user{request.user.pk}"
        else:
            return None  # anonymous requests are limited by address only
        return self.cache_format % {"scope": self.scope, "ident": ident}


class AddressRateThrottle(_SettingsRateThrottle):
    """Requests per client address (REMOTE_ADDR, set from trusted proxies only).

    Applied by AddressRateLimitMiddleware to every API request, before authentication, not
    as a DRF throttle (which would count only requests that authenticated).
    """

    scope = "address"
    setting = "KESU_API_RATE_PER_ADDRESS"

    def get_cache_key(self, request, view):
        return self.cache_format % {"scope": self.scope, "ident": self.get_ident(request)}


class AddressRateLimitMiddleware:
    """The per-address limit for every request under /api/, before anything else looks at it.

    DRF authenticates before it throttles, so a request with a made-up token (or a wrong
    password at the token endpoint) would be refused with 401/400 before any throttle counted
    it: guessing would be unlimited. Counting here, ahead of authentication and routing, covers
    every API request from an address, whatever becomes of it. It runs after LocaleMiddleware
    so the refusal is in the client's language; like the throttles, it fails open.
    """

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        if request.path_info.startswith("/api/"):
            throttle = AddressRateThrottle()
            if not throttle.allow_request(request, None):
                return throttled_response(throttle.wait())
        return self.get_response(request)


def throttled_response(wait) -> JsonResponse:
    """429 in the API's error shape, with Retry-After in whole seconds (at least one)."""
    seconds = max(1, math.ceil(wait or 1))
    detail = exceptions.Throttled(wait=seconds).detail
    return JsonResponse(
        {"error": {"code": "throttled", "message": str(detail), "fields": {}}},
        status=429,
        headers={"Retry-After": str(seconds)},
    )
