import pytest
from rest_framework.test import APIClient

from kesu.organisation.choices import Role

pytestmark = pytest.mark.django_db


URL = "/api/v1/emerging-issues/"


def _api(_client, user):
    client = APIClient(HTTP_ACCEPT_LANGUAGE="en")
    client.force_authenticate(user)
    return client


def test_the_list_and_one_issue(client, raised, world):
    api = _api(client, world.user(Role.DIRECTOR))
    data = api.get(URL).json()
    assert [row["id"] for row in data["results"]] == [raised.pk]
    row = data["results"][0]
    assert row["label"] == "冷启动正时链条异响" and row["size"] == 4 and row["state"] == "open"
    one = api.get(f"{URL}{raised.pk}/").json()
    assert [c["number"] for c in one["complaints"]] == [c.number for c in raised.test_complaints]
    assert sum(d["complaints"] for d in one["trend"]) == 4


def test_scoped_and_refused(client, raised, world):
    assert (
        _api(client, world.other_users[Role.DIRECTOR]).get(f"{URL}{raised.pk}/").status_code == 404
    )
    response = _api(client, world.user(Role.FRONTLINE)).get(URL)
    assert response.status_code == 403 and response.json()["error"]["code"] == "not_allowed"
    bad = _api(client, world.user(Role.DIRECTOR)).get(URL + "?state=x")
    assert bad.status_code == 400
