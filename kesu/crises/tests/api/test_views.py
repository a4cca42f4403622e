from datetime import timedelta

import pytest
from django.utils import timezone
from rest_framework.test import APIClient

from kesu.crises import services
from kesu.crises.tests.conftest import photo
from kesu.organisation.choices import Role

URL = "/api/v1/crises/"


@pytest.fixture
def api(world):
    def client_for(role=Role.DIRECTOR, *, user=None):
        client = APIClient(HTTP_ACCEPT_LANGUAGE="en")
        client.force_authenticate(user or world.user(role))
        return client

    return client_for


def test_list_and_detail_with_the_plan_statements_and_posts(
    api, world, crises, settings, tmp_path, django_assert_max_num_queries
):
    settings.MEDIA_ROOT = tmp_path
    crisis = crises.open()
    crises.step(crisis, due_in=timedelta(hours=2))
    director = world.user(Role.DIRECTOR)
    services.statement_add(
        actor=director,
        crisis_id=crisis.pk,
        made_at=timezone.now(),
        channel="官方微博",
        text="正在核实",
    )
    services.post_add(
        actor=director,
        crisis_id=crisis.pk,
        platform="weibo",
        url="https://weibo.com/1",
        first_seen_at=timezone.now(),
        screenshot=photo(),
    )
    listed = api().get(URL)
    assert listed.status_code == 200
    (row,) = listed.json()["results"]
    assert row["id"] == crisis.pk and row["open_steps"] == 1 and row["overdue_steps"] == 0
    assert row["spokesperson"]["id"] == director.pk
    with django_assert_max_num_queries(12):
        detail = api().get(f"{URL}{crisis.pk}/")
    body = detail.json()
    assert detail.status_code == 200
    assert [s["title"] for s in body["steps"]] == ["联系车主当面致歉"]
    assert body["statements"][0]["text"] == "正在核实"
    assert body["posts"][0]["url"] == "https://weibo.com/1" and body["posts"][0]["screenshot"]
    assert body["review"] is None


def test_the_other_branch_neither_lists_nor_reads_it(api, world, crises):
    crisis = crises.open()
    other = api(user=world.other_users[Role.DIRECTOR])
    assert other.get(URL).json()["results"] == []
    assert other.get(f"{URL}{crisis.pk}/").status_code == 404
    assert [r["id"] for r in api(Role.GROUP).get(URL).json()["results"]] == [crisis.pk]


def test_filters_are_checked(api, world, crises):
    crises.open()
    assert api().get(URL, {"status": "ended"}).json()["results"] == []
    assert api().get(URL, {"status": "nonsense"}).status_code == 400
