"""Signing in with a token."""

from rest_framework.test import APIClient

from kesu.complaints.tests.api.helpers import error_of
from kesu.organisation.choices import Role


def test_token_then_me(world):
    client = APIClient()
    response = client.post(
        "/api/v1/auth/token/", {"username": "director-east", "password": "pw"}, format="json"
    )
    assert response.status_code == 200
    token = response.json()["token"]
    client.credentials(HTTP_AUTHORIZATION=f"Token {token}")
    me = client.get("/api/v1/me/")
    assert me.status_code == 200
    assert me.json()["id"] == world.user(Role.DIRECTOR).pk
    assert me.json()["sees_contact_data"] is True


def test_wrong_password_is_400_structured(world):
    response = APIClient().post(
        "/api/v1/auth/token/", {"username": "director-east", "password": "nope"}, format="json"
    )
    assert response.status_code == 400
    assert error_of(response)["code"] == "invalid"
    assert "token" not in response.json()


def test_bad_token_is_401(world):
    client = APIClient()
    client.credentials(HTTP_AUTHORIZATION="Token not-a-token")
    response = client.get("/api/v1/me/")
    assert response.status_code == 401
    assert error_of(response)["code"] == "authentication_failed"
