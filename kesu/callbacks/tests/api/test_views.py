"""/api/v1/callbacks/: scoped lists, masked phones, recording calls, measures, query counts."""

from datetime import timedelta

import pytest
from django.utils import timezone
from rest_framework.test import APIClient

from kesu.callbacks.choices import TaskStatus
from kesu.callbacks.models import CallbackTask
from kesu.callbacks.tests.conftest import advisor_call, resolve, welcome_call
from kesu.complaints.choices import State
from kesu.complaints.models import Complaint
from kesu.core.phones import mask_phone
from kesu.organisation.choices import Role

URL = "/api/v1/callbacks/"


def client_for(user) -> APIClient:
    client = APIClient(HTTP_ACCEPT_LANGUAGE="en")
    client.default_format = "json"
    client.force_authenticate(user)
    return client


@pytest.fixture
def calls(anytime):
    world = anytime
    east = [welcome_call(world) for _ in range(3)]
    west = welcome_call(world, branch=world.other_branch)
    return world, east, west


def test_a_branch_sees_its_own_callbacks_and_the_group_all_masked(calls):
    world, east, west = calls
    body = client_for(world.user(Role.CALLBACK)).get(f"{URL}tasks/").json()
    ids = [t["id"] for t in body["results"]]
    assert sorted(ids) == sorted(t.pk for t in east)
    assert body["results"][0]["customer_phone"].startswith("+86")
    group = client_for(world.user(Role.GROUP)).get(f"{URL}tasks/").json()["results"]
    assert {t["id"] for t in group} == {t.pk for t in [*east, west]}
    by_id = {t["id"]: t for t in group}
    assert by_id[west.pk]["customer_phone"] == mask_phone(west.customer.phone)
    response = client_for(world.user(Role.CALLBACK)).get(f"{URL}tasks/{west.pk}/")
    assert response.status_code == 404


def test_roles_without_callback_work_are_refused(calls):
    world, east, _west = calls
    response = client_for(world.user(Role.HANDLER)).get(f"{URL}tasks/")
    assert response.status_code == 403 and response.json()["error"]["code"]
    # Frontline staff work only the calls planned for their role: a specialist's is not found.
    response = client_for(world.user(Role.FRONTLINE)).post(
        f"{URL}tasks/{east[0].pk}/outcome/", {"result": "no_answer"}
    )
    assert response.status_code == 404


def test_the_sales_advisors_call_through_the_api(calls):
    world, east, _west = calls
    task = advisor_call(world)
    client = client_for(world.user(Role.FRONTLINE))
    listed = client.get(f"{URL}tasks/?today=true&mine=true").json()["results"]
    assert [t["id"] for t in listed] == [task.pk]
    assert listed[0]["plan"] == "delivery_3" and listed[0]["customer_phone"].startswith("+86")
    response = client.post(
        f"{URL}tasks/{task.pk}/outcome/",
        {
            "result": "reached",
            "satisfaction": "dissatisfied",
            "notes": "交车时承诺的优惠没有兑现",
            "new_complaint": {
                "title": "承诺的优惠未兑现",
                "account": "销售说好的两千元优惠，发票上没有。",
                "demand": "price_reduction",
            },
        },
    )
    assert response.status_code == 200, response.json()
    raised = Complaint.objects.get(pk=response.json()["raised_complaint"])
    assert (raised.channel, raised.demand, raised.owner) == (
        "callback",
        "price_reduction",
        world.user(Role.FRONTLINE),
    )


def test_filters_and_bad_filters(calls):
    world, east, _west = calls
    client = client_for(world.user(Role.CALLBACK))
    assert len(client.get(f"{URL}tasks/?today=true&mine=true").json()["results"]) == 3
    assert client.get(f"{URL}tasks/?status=done").json()["results"] == []
    response = client.get(f"{URL}tasks/?level=9&due_from=yesterday")
    assert response.status_code == 400
    assert set(response.json()["error"]["fields"]) == {"level", "due_from"}


def test_recording_through_the_api(calls):
    world, east, _west = calls
    client = client_for(world.user(Role.CALLBACK))
    response = client.post(f"{URL}tasks/{east[0].pk}/outcome/", {"result": "no_answer"})
    assert response.status_code == 200 and response.json()["attempts"] == 1
    response = client.post(
        f"{URL}tasks/{east[1].pk}/outcome/",
        {
            "result": "reached",
            "satisfaction": "dissatisfied",
            "score": 2,
            "notes": "交车时漏装脚垫",
            "new_complaint": {"title": "漏装脚垫", "account": "交车时承诺的脚垫没有装。"},
            "lead_interest": "贴膜",
        },
    )
    assert response.status_code == 200, response.json()
    data = response.json()
    assert data["status"] == TaskStatus.DONE and data["raised_complaint"]
    assert Complaint.objects.get(pk=data["raised_complaint"]).channel == "callback"
    again = client.post(f"{URL}tasks/{east[1].pk}/outcome/", {"result": "reached"})
    assert again.status_code == 409
    bad = client.post(f"{URL}tasks/{east[2].pk}/outcome/", {"result": "reached", "score": 9})
    assert bad.status_code == 400 and "score" in bad.json()["error"]["fields"]
    unknown = client.post(f"{URL}tasks/{east[2].pk}/outcome/", {"result": "reached", "state": 1})
    assert unknown.status_code == 400


def test_a_satisfaction_callback_through_the_api_verifies(world):
    complaint = resolve(world, world.complaint())
    task = CallbackTask.objects.get(complaint=complaint)
    response = client_for(world.user(Role.DIRECTOR)).post(
        f"{URL}tasks/{task.pk}/outcome/",
        {"result": "reached", "satisfaction": "satisfied", "answers": {"result": "5"}},
    )
    assert response.status_code == 200
    assert Complaint.objects.get(pk=complaint.pk).state == State.VERIFIED


def test_measures(calls):
    world, east, west = calls
    from kesu.callbacks.services import task_not_reached, task_record_outcome

    user = world.user(Role.CALLBACK)
    task_record_outcome(task_id=east[0].pk, actor=user, satisfaction="satisfied", score=5)
    task_record_outcome(task_id=east[1].pk, actor=user, satisfaction="dissatisfied", score=2)
    task_not_reached(task_id=east[2].pk, actor=user, result="wrong_number")
    today = timezone.localdate()
    response = client_for(world.user(Role.DIRECTOR)).get(
        f"{URL}measures/?from={today - timedelta(days=3)}&until={today + timedelta(days=3)}"
    )
    assert response.status_code == 200
    m = response.json()
    level1 = m["levels"][0]
    assert (level1["total"], level1["done"], level1["unreached"]) == (3, 2, 1)
    assert level1["completion_rate"] == round(2 / 3, 4)
    assert m["on_time"] == {"finished": 3, "on_time": 3, "rate": 1.0}
    (row,) = m["satisfaction"]
    assert row["branch_id"] == world.branch.pk and row["month"] == today.strftime("%Y-%m")
    assert (row["total"], row["satisfied"], row["dissatisfied"]) == (2, 1, 1)
    assert row["avg_score"] == 3.5
    # The group sees both branches; the west has one open callback.
    group = client_for(world.user(Role.GROUP)).get(f"{URL}measures/").json()
    assert group["levels"][0]["total"] >= 4
    assert client_for(world.user(Role.DIRECTOR)).get(f"{URL}measures/?from=x").status_code == 400


def test_list_queries_are_bounded(anytime, django_assert_max_num_queries):
    world = anytime
    for _ in range(30):
        welcome_call(world)
    client = client_for(world.user(Role.DIRECTOR))
    with django_assert_max_num_queries(8):
        response = client.get(f"{URL}tasks/?page_size=50")
    assert len(response.json()["results"]) == 30
    with django_assert_max_num_queries(12):
        assert client.get(f"{URL}measures/").status_code == 200
