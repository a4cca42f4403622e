"""GET /api/v1/lessons/: every branch's lessons, searched as on the page, paged by cursor."""

import pytest
from django.urls import reverse

from kesu.customers.tests.factories import CustomerFactory
from kesu.lessons.tests.conftest import category, closed
from kesu.organisation.choices import Role

URL = reverse("api:lesson-list")


@pytest.fixture
def west(world):
    return closed(
        world,
        branch_users=world.other_users,
        customer=CustomerFactory(organisation=world.org, branch=world.other_branch),
        category=category(world, "vehicle.body"),
        cause="product_quality",
        share=("车身漆面色差", "交车前在日光下检查漆面"),
    ).lesson


def _get(client, user, **params):
    client.force_login(user)
    return client.get(URL, params, HTTP_ACCEPT_LANGUAGE="en")


def test_lists_every_branch_and_gives_the_complaint_where_it_may_be_opened(
    client, world, shared, west
):
    response = _get(client, world.user(Role.FRONTLINE))
    assert response.status_code == 200
    rows = {row["title"]: row for row in response.json()["results"]}
    own, other = rows["张紧器批次问题"], rows["车身漆面色差"]
    assert own["complaint"] == shared.pk and own["complaint_number"] == shared.number
    assert other["complaint"] is None and other["complaint_number"] == west.complaint.number
    assert own["text"] == "更换张紧器后异响消失。" and own["advice"] == "保养时检查同批次张紧器"
    assert own["category_label"] == "Vehicle quality › Engine" and own["cause"] == "product_quality"
    assert own["branch"] == world.branch.pk and own["marked_by_name"]
    # Nothing of the customer, whatever the role.
    text = response.content.decode()
    assert shared.customer.name not in text and "customer" not in own
    assert [r["id"] for r in response.json()["results"]] == [west.pk, shared.lesson.pk]


def test_filters(client, world, shared, west):
    user = world.user(Role.GROUP)
    titles = lambda **p: [r["title"] for r in _get(client, user, **p).json()["results"]]  # noqa: E731
    assert titles(q="漆面") == ["车身漆面色差"]
    assert titles(category=category(world, "vehicle").pk) == ["车身漆面色差", "张紧器批次问题"]
    assert titles(category=category(world, "vehicle.engine").pk) == ["张紧器批次问题"]
    assert titles(cause="service_manner") == []
    assert titles(branch=world.other_branch.pk) == ["车身漆面色差"]


def test_bad_filters_are_a_400_in_the_error_shape(client, world):
    response = _get(client, world.user(Role.FRONTLINE), month="11/2026", category="x")
    assert response.status_code == 400
    error = response.json()["error"]
    assert set(error["fields"]) == {"month", "category"}
    assert "YYYY-MM" in error["fields"]["month"][0]


def test_pages_by_cursor(client, world, shared, west):
    first = _get(client, world.user(Role.FRONTLINE), page_size=1).json()
    assert [r["id"] for r in first["results"]] == [west.pk]
    client.force_login(world.user(Role.FRONTLINE))
    second = client.get(first["next"]).json()
    assert [r["id"] for r in second["results"]] == [shared.lesson.pk]


def test_anonymous_is_401(client):
    assert client.get(URL).status_code == 401


def test_in_the_schema(client):
    schema = client.get(reverse("schema"), {"format": "json"}).json()
    operation = schema["paths"]["/api/v1/lessons/"]["get"]
    assert {p["name"] for p in operation["parameters"]} >= {"q", "category", "cause", "month"}
