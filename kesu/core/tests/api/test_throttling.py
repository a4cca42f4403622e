"""The per-address limit counts every API request, failed sign-ins and bad tokens included."""

import json
from types import SimpleNamespace

import pytest
from axes.models import AccessAttempt
from django.contrib.auth.models import AnonymousUser
from rest_framework.test import APIClient

from kesu.complaints.tests.api.helpers import error_of
from kesu.core.api.throttling import TokenRateThrottle, throttled_response
from kesu.organisation.choices import Role

ADDRESS = "198.51.100.9"


def _assert_throttled(response):
    assert response.status_code == 429, (response.status_code, response.content)
    assert int(response["Retry-After"]) > 0
    assert error_of(response)["code"] == "throttled"


@pytest.fixture
def four_a_minute(settings):
    settings.KESU_API_RATE_PER_ADDRESS = "4/minute"
    settings.KESU_API_RATE_PER_TOKEN = "1000/minute"


def test_made_up_tokens_from_one_address_reach_429(world, four_a_minute):
    statuses = []
    for n in range(6):
        client = APIClient(REMOTE_ADDR=ADDRESS)
        client.credentials(HTTP_AUTHORIZATION=f"Token made-up-{n}")
        statuses.append(client.get("/api/v1/me/").status_code)
    assert statuses[:4] == [401] * 4
    assert statuses[4:] == [429, 429]
    # Another address is not affected.
    other = APIClient(REMOTE_ADDR="203.0.113.5")
    other.credentials(HTTP_AUTHORIZATION="Token made-up")
    assert other.get("/api/v1/me/").status_code == 401


def test_the_token_endpoint_is_limited_per_address(world, four_a_minute):
    client = APIClient(REMOTE_ADDR=ADDRESS)
    answers = [
        client.post(
            "/api/v1/auth/token/", {"username": f"nobody-{n}", "password": "x"}, format="json"
        ).status_code
        for n in range(4)
    ]
    assert answers == [400] * 4
    # Over the limit even the right password gets no token.
    response = client.post(
        "/api/v1/auth/token/", {"username": "director-east", "password": "pw"}, format="json"
    )
    _assert_throttled(response)
    assert "token" not in response.json()


@pytest.mark.parametrize(
    ("method", "path"),
    [
        ("get", "/api/v1/nothing-here/"),
        ("get", "/api/v1/complaints"),
        ("get", "/api/schema/"),
        ("post", "/api/v1/complaints/"),
        ("delete", "/api/v1/auth/token/"),
    ],
)
def test_every_kind_of_api_request_counts_against_the_address(world, settings, method, path):
    settings.KESU_API_RATE_PER_ADDRESS = "2/minute"
    client = APIClient(REMOTE_ADDR=ADDRESS)
    for _ in range(2):
        assert getattr(client, method)(path).status_code != 429
    response = getattr(client, method)(path)
    _assert_throttled(response)


def test_the_429_is_in_the_clients_language(world, settings):
    settings.KESU_API_RATE_PER_ADDRESS = "1/minute"
    client = APIClient(REMOTE_ADDR=ADDRESS, HTTP_ACCEPT_LANGUAGE="zh-hans")
    client.get("/api/v1/me/")
    response = client.get("/api/v1/me/")
    _assert_throttled(response)
    message = error_of(response)["message"]
    assert not any("a" <= c.lower() <= "z" for c in message), message


def test_pages_outside_the_api_are_not_counted(world, settings, client):
    settings.KESU_API_RATE_PER_ADDRESS = "1/minute"
    for _ in range(3):
        assert client.get("/login/").status_code == 200


def _fail(client, username, times):
    for _ in range(times):
        response = client.post(
            "/api/v1/auth/token/", {"username": username, "password": "wrong"}, format="json"
        )
        assert response.status_code == 400


@pytest.mark.parametrize(("language", "minutes"), [("en", "15 minutes"), ("zh-hans", "15 分钟")])
def test_a_locked_out_user_is_told_so_even_with_the_right_password(
    world, settings, language, minutes
):
    user = world.user(Role.DIRECTOR)
    client = APIClient(REMOTE_ADDR=ADDRESS, HTTP_ACCEPT_LANGUAGE=language)
    _fail(client, user.username, settings.AXES_FAILURE_LIMIT)
    assert AccessAttempt.objects.filter(username=user.username).exists()
    response = client.post(
        "/api/v1/auth/token/", {"username": user.username, "password": "pw"}, format="json"
    )
    assert response.status_code == 429, response.content
    assert int(response["Retry-After"]) == settings.AXES_COOLOFF_TIME.total_seconds()
    error = error_of(response)
    assert error["code"] == "locked_out"
    assert minutes in error["message"]
    assert "token" not in response.json()
    if language == "zh-hans":
        assert not any("a" <= c.lower() <= "z" for c in error["message"]), error["message"]
    # The lock is for this user at this address: elsewhere the right password works.
    elsewhere = APIClient(REMOTE_ADDR="203.0.113.5")
    fine = elsewhere.post(
        "/api/v1/auth/token/", {"username": user.username, "password": "pw"}, format="json"
    )
    assert fine.status_code == 200


def test_sign_ins_up_to_and_after_the_lockout_are_answered_in_the_api_shape(world, settings):
    user = world.user(Role.DIRECTOR)
    client = APIClient(REMOTE_ADDR=ADDRESS, HTTP_ACCEPT_LANGUAGE="zh-hans")
    answers = [
        client.post(
            "/api/v1/auth/token/", {"username": user.username, "password": "wrong"}, format="json"
        )
        for _ in range(settings.AXES_FAILURE_LIMIT + 1)
    ]
    # Every answer, up to and after the lockout, is the API's JSON (not the sign-in page's
    # lockout page that AXES_LOCKOUT_CALLABLE renders).
    for response in answers:
        assert response["Content-Type"].startswith("application/json"), response.content[:200]
    assert answers[-1].status_code == 429
    assert error_of(answers[-1])["code"] == "locked_out"
    assert "Retry-After" in answers[-1]


def test_the_429_rounds_the_wait_up_to_whole_seconds():
    response = throttled_response(2.1)
    assert response.status_code == 429
    assert response["Retry-After"] == "3"
    assert json.loads(response.content)["error"]["code"] == "throttled"
    assert throttled_response(None)["Retry-After"] == "1"
    assert throttled_response(0.2)["Retry-After"] == "1"


def test_the_token_limit_counts_per_token_then_per_user_never_anonymously(world):
    throttle = TokenRateThrottle()
    user = world.user(Role.HANDLER)
    by_token = throttle.get_cache_key(
        SimpleNamespace(auth=SimpleNamespace(key="k1"), user=user), None
    )
    other_token = throttle.get_cache_key(
        SimpleNamespace(auth=SimpleNamespace(key="k2"), user=user), None
    )
    assert by_token != other_token and "k1" not in by_token
    assert throttle.get_cache_key(SimpleNamespace(auth=None, user=user), None).endswith(
        f"user{user.pk}"
    )
    assert throttle.get_cache_key(SimpleNamespace(auth=None, user=AnonymousUser()), None) is None
