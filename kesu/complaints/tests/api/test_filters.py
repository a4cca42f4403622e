"""Complaint list filters; each narrows what the user may already see."""

from datetime import datetime, timedelta

import pytest
from django.utils import timezone

from kesu.complaints.models import Complaint
from kesu.complaints.tests.api.helpers import error_of
from kesu.customers.tests.factories import CustomerFactory
from kesu.organisation.choices import Role

SHANGHAI = timezone.get_fixed_timezone(8 * 60)


def ids(client, **params) -> set[int]:
    response = client.get("/api/v1/complaints/", params)
    assert response.status_code == 200, response.content
    return {row["id"] for row in response.json()["results"]}


@pytest.fixture
def cases(world):
    org = world.org
    engine = org.categories.get(code="vehicle.engine")
    promise = org.categories.get(code="sales.promise")
    wang = CustomerFactory(organisation=org, phone="+8613812345678")
    a = world.complaint(customer=wang, category=engine, channel="phone")
    b = world.complaint(
        category=promise, channel="wechat", kind="suggestion", account="要去媒体曝光"
    )
    c = world.complaint(actor=world.user(Role.DIRECTOR), channel="walk_in")
    Complaint.objects.filter(pk=a.pk).update(
        received_at=datetime(2026, 3, 1, 9, 0, tzinfo=SHANGHAI), escalation_level=2
    )
    Complaint.objects.filter(pk=b.pk).update(
        received_at=datetime(2026, 3, 2, 23, 30, tzinfo=SHANGHAI), state="investigating"
    )
    Complaint.objects.filter(pk=c.pk).update(
        received_at=datetime(2026, 3, 3, 8, 0, tzinfo=SHANGHAI), state="closed"
    )
    return {"a": a.pk, "b": b.pk, "c": c.pk, "engine": engine, "promise": promise}


def test_state_comma_and_repeated(api, cases):
    client = api(Role.DIRECTOR)
    assert ids(client, state="registered") == {cases["a"]}
    assert ids(client, state="registered,investigating") == {cases["a"], cases["b"]}
    response = client.get("/api/v1/complaints/?state=registered&state=closed")
    assert {row["id"] for row in response.json()["results"]} == {cases["a"], cases["c"]}


def test_choice_filters(api, cases):
    client = api(Role.DIRECTOR)
    assert ids(client, kind="suggestion") == {cases["b"]}
    assert ids(client, channel="wechat,walk_in") == {cases["b"], cases["c"]}
    assert ids(client, severity="major") == {cases["b"]}
    assert ids(client, is_crisis="true") == {cases["b"]}
    assert ids(client, escalation_level="2") == {cases["a"]}
    assert ids(client, cause="product_quality") == {cases["a"]}


def test_category_includes_its_subtree(api, cases):
    client = api(Role.DIRECTOR)
    vehicle = cases["engine"].parent
    assert ids(client, category=vehicle.pk) == {cases["a"]}
    assert ids(client, category=cases["engine"].pk) == {cases["a"]}
    assert ids(client, category=cases["promise"].parent_id) == {cases["b"]}
    assert ids(client, category=10**17) == set()


def test_people_and_places(world, api, cases):
    client = api(Role.DIRECTOR)
    assert ids(client, owner=world.user(Role.DIRECTOR).pk) == {cases["c"]}
    assert ids(client, department=world.service.pk) == {cases["a"]}
    assert ids(client, department=world.sales.pk) == {cases["b"]}  # a sales matter, routed there
    assert ids(client, branch=world.branch.pk) == {cases["a"], cases["b"], cases["c"]}
    # Another branch is refused, not answered with an empty list (issue 11).
    refused = client.get("/api/v1/complaints/", {"branch": world.other_branch.pk})
    assert refused.status_code == 400 and "branch" in refused.json()["error"]["fields"]


def test_received_between_dates_and_datetimes(api, cases):
    client = api(Role.DIRECTOR)
    assert ids(client, received_after="2026-03-02") == {cases["b"], cases["c"]}
    # A date as the upper bound includes that whole local day (23:30 on 2 March).
    assert ids(client, received_before="2026-03-02") == {cases["a"], cases["b"]}
    assert ids(client, received_after="2026-03-02T23:00:00+08:00") == {cases["b"], cases["c"]}
    assert ids(client, received_before="2026-03-02T15:00:00Z") == {cases["a"]}
    assert ids(client, received_after="2026-03-03T07:59", received_before="2026-03-03T08:01") == {
        cases["c"]
    }


def test_customer_phone_as_typed(api, cases):
    client = api(Role.DIRECTOR)
    assert ids(client, customer_phone="138 1234 5678") == {cases["a"]}
    assert ids(client, customer_phone="+86 138-1234-5678") == {cases["a"]}
    assert ids(client, customer_phone="garbage") == set()


def test_overdue(api, cases):
    past = timezone.now() - timedelta(hours=1)
    Complaint.objects.update(due_at=past)
    Complaint.objects.filter(pk=cases["b"]).update(state="parked")
    client = api(Role.DIRECTOR)
    # a is open and late; b is parked; c is closed.
    assert ids(client, overdue="true") == {cases["a"]}
    assert ids(client, overdue="false") == {cases["b"], cases["c"]}
    rows = client.get("/api/v1/complaints/").json()["results"]
    assert {row["id"]: row["overdue"] for row in rows} == {
        cases["a"]: True,
        cases["b"]: False,
        cases["c"]: False,
    }


def test_at_risk(api, cases):
    now = timezone.now()
    Complaint.objects.filter(pk=cases["a"]).update(due_at=now + timedelta(hours=3))
    Complaint.objects.filter(pk=cases["b"]).update(due_at=now - timedelta(hours=1))
    Complaint.objects.filter(pk=cases["c"]).update(due_at=now + timedelta(hours=3))
    client = api(Role.DIRECTOR)
    # a is due in three hours; b is already overdue; c is due soon but closed.
    assert ids(client, at_risk="true") == {cases["a"]}
    assert ids(client, at_risk="false") == {cases["b"], cases["c"]}


def test_number_filter(world, api, cases):
    number = Complaint.objects.get(pk=cases["b"]).number
    assert ids(api(Role.DIRECTOR), number=number) == {cases["b"]}


@pytest.mark.parametrize(
    ("param", "value"),
    [
        ("state", "lost"),
        ("state", "registered,lost"),
        ("severity", "apocalyptic"),
        ("escalation_level", "9"),
        ("received_after", "2026-13-45"),
        ("received_after", "yesterday"),
        ("received_before", "9999-12-31"),
        ("received_before", "2026-02-30T25:00"),
        ("category", "engine"),
        ("branch", "1.5"),
        ("owner", str(10**30)),
        ("department", "-1"),
        ("page_size", "100000"),
        ("page_size", "0"),
        ("page_size", "ten"),
    ],
)
def test_bad_filter_values_are_400(api, cases, param, value):
    response = api(Role.DIRECTOR).get("/api/v1/complaints/", {param: value})
    assert response.status_code == 400, response.content
    error = error_of(response)
    assert error["code"] == "invalid"
    assert param in error["fields"]


def test_invalid_cursor_is_404_json(api, cases):
    response = api(Role.DIRECTOR).get("/api/v1/complaints/", {"cursor": "cj14"})
    assert response.status_code == 404
    error_of(response)


def test_cursor_pages_newest_first(world, api):
    for _ in range(5):
        world.complaint()
    client = api()
    first = client.get("/api/v1/complaints/", {"page_size": 2}).json()
    second = client.get(first["next"]).json()
    got = [row["id"] for row in first["results"] + second["results"]]
    assert got == sorted(got, reverse=True)
    assert len(set(got)) == 4
