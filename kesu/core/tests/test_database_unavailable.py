"""A page whose database is away for a moment says so (503, Retry-After), in the user's
language, instead of the 500 page."""

import pytest

from kesu.api.tests.test_database_unavailable import database_down
from kesu.organisation.choices import Role


@pytest.mark.parametrize(
    ("language", "title"), [("en", "Try again in a moment"), ("zh-hans", "请稍后再试")]
)
def test_a_page_while_the_database_is_away_is_503_in_the_users_language(
    client, world, language, title
):
    client.force_login(world.user(Role.DIRECTOR))
    with database_down():
        response = client.get("/complaints/", HTTP_ACCEPT_LANGUAGE=language)
    assert response.status_code == 503
    assert response["Retry-After"] == "5"
    assert title in response.content.decode()
    assert client.get("/complaints/").status_code == 200
