"""The admin lists API tokens masked, and can still revoke them."""

import pytest
from django.contrib.admin.models import LogEntry
from rest_framework.authtoken.models import Token
from rest_framework.test import APIClient

from kesu.core.api.authentication import token_for
from kesu.organisation.choices import Role


@pytest.fixture
def tokens(world):
    return [token_for(world.user(role)) for role in (Role.DIRECTOR, Role.HANDLER)]


def _pages(client, token):
    base = "/admin/authtoken/tokenproxy/"
    user = token.user_id
    return {
        "list": client.get(base),
        "search": client.get(base, {"q": token.user.username}),
        "change": client.get(f"{base}{user}/change/"),
        "delete": client.get(f"{base}{user}/delete/"),
        "history": client.get(f"{base}{user}/history/"),
    }


def test_no_admin_page_shows_a_whole_token(admin_client_, tokens):
    for token in tokens:
        for name, response in _pages(admin_client_, token).items():
            assert response.status_code == 200, name
            page = response.content.decode()
            for any_token in tokens:
                assert any_token.key not in page, name
                # Not even a long piece of it: at most the first characters.
                assert any_token.key[:8] not in page, name
    listing = admin_client_.get("/admin/authtoken/tokenproxy/").content.decode()
    assert f"{tokens[0].key[:4]}…" in listing


def test_the_admin_revokes_a_token(admin_client_, tokens):
    token = tokens[0]
    api = APIClient()
    api.credentials(HTTP_AUTHORIZATION=f"Token {token.key}")
    assert api.get("/api/v1/me/").status_code == 200
    response = admin_client_.post(
        f"/admin/authtoken/tokenproxy/{token.user_id}/delete/", {"post": "yes"}
    )
    assert response.status_code == 302
    assert not Token.objects.filter(key=token.key).exists()
    assert Token.objects.filter(key=tokens[1].key).exists()
    assert api.get("/api/v1/me/").status_code == 401
    # The admin's log names the token masked, as the pages do.
    entry = LogEntry.objects.latest("action_time")
    assert token.key not in entry.object_repr
    assert entry.object_repr == f"{token.key[:4]}…"
    follow = admin_client_.get(response["Location"]).content.decode()
    assert token.key not in follow
