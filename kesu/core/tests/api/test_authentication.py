"""API tokens that expire, and are revoked on sign-out (kesu/core/api/authentication.py)."""

from datetime import timedelta

from django.utils import timezone
from rest_framework.authtoken.models import Token
from rest_framework.test import APIClient

from kesu.api.tests.test_limits import _token_client
from kesu.complaints.tests.api.helpers import error_of
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
