"""API rate limits per token (or signed-in user) and per client address.

The address limit counts every request under /api/ (AddressRateLimitMiddleware), failed
sign-ins and bad tokens included; the token limit counts authenticated requests (a DRF
throttle, after authentication).

The counters live in Django's cache: Redis (KESU_CACHE_URL) where several app servers or
workers run, so the limit is shared by all of them; the in-process cache of the embedded
default is enough for its single process. The rates are read from the settings on each
request so they can be changed without a restart of the test process.
"""

import hashlib
import logging
import math

from django.conf import settings
from django.http import JsonResponse
from rest_framework import exceptions
from rest_framework.throttling import AnonRateThrottle, SimpleRateThrottle

logger = logging.getLogger(__name__)


class _SettingsRateThrottle(SimpleRateThrottle):
    setting = ""

    def get_rate(self):
        return getattr(settings, self.setting) or None

    def allow_request(self, request, view):
        self.rate = self.get_rate()
        if self.rate is None:
            return True
        self.num_requests, self.duration = self.parse_rate(self.rate)
        try:
            return super().allow_request(request, view)
        except Exception:  # the shared cache (Redis) is down: serve, unlimited, until it is back
            logger.warning("API rate limit not applied: the cache is unreachable", exc_info=True)
            return True


class SignInRateThrottle(AnonRateThrottle):
    """Anonymous requests to the token endpoint per address (DRF's "anon" rate), failing open."""

    def allow_request(self, request, view):
        try:
            return super().allow_request(request, view)
        except Exception:  # the shared cache (Redis) is down
            logger.warning(
                "sign-in rate limit not applied: the cache is unreachable", exc_info=True
            )
            return True


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
