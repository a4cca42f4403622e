"""API tokens that expire, and are revoked on sign-out (kesu/core/api/authentication.py)."""

from datetime import timedelta

from django.utils import timezone
from rest_framework.authtoken.models import Token
from rest_framework.test import APIClient

from kesu.api.tests.test_limits import _token_client
from kesu.complaints.tests.api.helpers import error_of
from kesu.core.api.authentication import (
    masked_key,
    token_expires_at,
    token_for,
    token_is_expired,
    tokens_revoke,
)
from kesu.organisation.choices import Role


def test_an_expired_token_is_refused_and_signing_in_issues_a_new_one(world, settings):
    user = world.user(Role.DIRECTOR)
    client = _token_client(user)
    old = Token.objects.get(user=user)
    Token.objects.filter(pk=old.pk).update(
        created=timezone.now() - timedelta(hours=settings.KESU_TOKEN_TTL_HOURS + 1)
    )
    response = client.get("/api/v1/me/")
    assert response.status_code == 401
    assert "expired" in error_of(response)["message"]
    fresh = APIClient().post(
        "/api/v1/auth/token/", {"username": user.username, "password": "pw"}, format="json"
    )
    assert fresh.status_code == 200
    assert fresh.json()["token"] != old.key
    assert fresh.json()["expires_at"]


def test_delete_revokes_the_token_in_use(world):
    client = _token_client(world.user(Role.DIRECTOR))
    assert client.delete("/api/v1/auth/token/").status_code == 204
    assert client.get("/api/v1/me/").status_code == 401


def test_signing_out_of_the_workspace_revokes_the_api_token(world, client):
    user = world.user(Role.DIRECTOR)
    api = _token_client(user)
    client.force_login(user)
    client.post("/logout/")
    assert api.get("/api/v1/me/").status_code == 401


def test_a_key_is_shown_by_its_first_four_characters_only():
    assert masked_key("abcdef123456") == "abcd…"
    assert masked_key("") == ""


def test_token_for_keeps_a_live_token_and_replaces_an_expired_one(world, settings):
    user = world.user(Role.HANDLER)
    first = token_for(user)
    assert token_for(user).key == first.key
    Token.objects.filter(pk=first.pk).update(
        created=timezone.now() - timedelta(hours=settings.KESU_TOKEN_TTL_HOURS)
    )
    fresh = token_for(user)
    assert fresh.key != first.key
    assert Token.objects.filter(user=user).count() == 1


def test_a_token_expires_exactly_after_its_lifetime(world, settings):
    token = token_for(world.user(Role.HANDLER))
    expires = token_expires_at(token)
    assert expires == token.created + timedelta(hours=settings.KESU_TOKEN_TTL_HOURS)
    assert not token_is_expired(token, now=expires - timedelta(seconds=1))
    assert token_is_expired(token, now=expires)


def test_revoking_deletes_the_users_token_and_says_how_many(world):
    user = world.user(Role.HANDLER)
    token_for(user)
    assert tokens_revoke(user) == 1
    assert tokens_revoke(user) == 0


def test_an_inactive_users_token_is_refused(world):
    user = world.user(Role.HANDLER)
    client = _token_client(user)
    user.is_active = False
    user.save()
    response = client.get("/api/v1/me/")
    assert response.status_code == 401


def test_a_session_write_without_the_csrf_token_is_refused_in_kesus_words(world):
    client = APIClient(enforce_csrf_checks=True)
    client.force_login(world.user(Role.FRONTLINE))
    response = client.post("/api/v1/complaints/", {}, format="json")
    assert response.status_code == 403
    error = error_of(response)
    assert error["code"] == "csrf_failed"
    assert "security check of your browser session failed" in error["message"]
