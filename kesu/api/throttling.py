"""API rate limits per token (or signed-in user) and per client address.

The counters live in Django's cache: Redis (KESU_CACHE_URL) where several app servers or
workers run, so the limit is shared by all of them; the in-process cache of the embedded
default is enough for its single process. The rates are read from the settings on each
request so they can be changed without a restart of the test process.
"""

import hashlib
import logging

from django.conf import settings
from rest_framework.throttling import SimpleRateThrottle

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
    """Requests per client address (REMOTE_ADDR, set from trusted proxies only)."""

    scope = "address"
    setting = "KESU_API_RATE_PER_ADDRESS"

    def get_cache_key(self, request, view):
        return self.cache_format % {"scope": self.scope, "ident": self.get_ident(request)}
