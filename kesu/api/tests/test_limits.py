"""Rate limits per token and per address (429 + Retry-After)."""

import socket
import uuid

import pytest
import redis
from rest_framework.authtoken.models import Token
from rest_framework.test import APIClient

from kesu.complaints.tests.api.helpers import error_of
from kesu.core.models import RateCounter
from kesu.organisation.choices import Role


def _token_client(user, address="198.51.100.1"):
    client = APIClient(REMOTE_ADDR=address)
    token = Token.objects.create(user=user)
    client.credentials(HTTP_AUTHORIZATION=f"Token {token.key}")
    return client


def test_a_token_over_its_rate_gets_429_with_retry_after(world, settings):
    settings.KESU_API_RATE_PER_TOKEN = "3/minute"
    client = _token_client(world.user(Role.DIRECTOR))
    assert [client.get("/api/v1/me/").status_code for _ in range(3)] == [200, 200, 200]
    response = client.get("/api/v1/me/")
    assert response.status_code == 429
    assert int(response["Retry-After"]) > 0
    assert error_of(response)["code"] == "throttled"


def test_an_address_over_its_rate_is_limited_whatever_the_token(world, settings):
    settings.KESU_API_RATE_PER_ADDRESS = "4/minute"
    first = _token_client(world.user(Role.DIRECTOR))
    second = _token_client(world.user(Role.HANDLER))
    assert [c.get("/api/v1/me/").status_code for c in (first, second, first, second)] == [200] * 4
    assert second.get("/api/v1/me/").status_code == 429
    elsewhere = _token_client(world.user(Role.GENERAL_MANAGER), address="203.0.113.77")
    assert elsewhere.get("/api/v1/me/").status_code == 200


def test_the_api_keeps_answering_while_the_shared_cache_is_down(world, settings):
    with socket.socket() as probe:  # a loopback port nobody listens on
        probe.bind(("127.0.0.1", 0))
        closed_port = probe.getsockname()[1]
    settings.KESU_CACHE_URL = f"redis://127.0.0.1:{closed_port}/1"
    settings.CACHES = {
        "default": {
            "BACKEND": "django.core.cache.backends.redis.RedisCache",
            "LOCATION": settings.KESU_CACHE_URL,
            "OPTIONS": {"socket_connect_timeout": 0.5, "socket_timeout": 0.5},
        }
    }
    settings.KESU_API_RATE_PER_TOKEN = "1/minute"
    client = _token_client(world.user(Role.DIRECTOR))
    # Limits fail open: an outage of Redis must not take the API down with it.
    assert [client.get("/api/v1/me/").status_code for _ in range(2)] == [200, 200]


def test_limits_are_shared_through_redis(world, settings):
    prefix = f"kesu-test-{uuid.uuid4().hex}"
    settings.KESU_CACHE_URL = "redis://127.0.0.1:6379/1"
    settings.CACHES = {
        "default": {
            "BACKEND": "django.core.cache.backends.redis.RedisCache",
            "LOCATION": settings.KESU_CACHE_URL,
            "KEY_PREFIX": prefix,
        }
    }
    settings.KESU_API_RATE_PER_TOKEN = "2/minute"
    client = _token_client(world.user(Role.DIRECTOR))
    client.get("/api/v1/me/")
    client.get("/api/v1/me/")
    # Another app server sees the same counters: they are in Redis, not in this process.
    other_server = redis.Redis.from_url("redis://127.0.0.1:6379/1")
    keys = other_server.keys(f"{prefix}:*throttle_token*")
    assert keys, "the token's count is in Redis"
    assert not RateCounter.objects.exists()  # not in the database
    assert client.get("/api/v1/me/").status_code == 429
    other_server.delete(*other_server.keys(f"{prefix}:*"))


@pytest.mark.parametrize("rate", ["", None])
def test_no_rate_means_no_limit(world, settings, rate):
    settings.KESU_API_RATE_PER_TOKEN = rate
    client = _token_client(world.user(Role.DIRECTOR))
    assert all(client.get("/api/v1/me/").status_code == 200 for _ in range(5))
