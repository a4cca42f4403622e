from datetime import timedelta

import pytest
from django.utils import timezone
from rest_framework.test import APIClient

from kesu.improvements.choices import Status
from kesu.improvements.models import ImprovementAction
from kesu.organisation.choices import Role

URL = "/api/v1/improvements/"


@pytest.fixture
def api(world):
    def client_for(role=Role.DIRECTOR, *, user=None):
        client = APIClient(HTTP_ACCEPT_LANGUAGE="en")
        client.default_format = "json"
        client.force_authenticate(user or world.user(role))
        return client

    return client_for


def _body(world, actions, **over):
    today = timezone.localdate()
    body = {
        "title": "发动机异响专项整改",
        "owner": world.user(Role.HANDLER).pk,
        "due_on": str(today + timedelta(days=20)),
        "review_on": str(today + timedelta(days=90)),
        "causes": ["product_quality"],
        "categories": [actions.category("vehicle.engine").pk],
    }
    body.update(over)
    return body


def test_create_read_and_list(api, world, actions):
    complaint = world.complaint()
    response = api().post(URL, _body(world, actions, complaints=[complaint.pk]))
    assert response.status_code == 201, response.content
    data = response.json()
    assert response["Location"] == f"{URL}{data['id']}/"
    assert data["status"] == "open" and data["branch"] == world.branch.pk
    assert data["owner"]["id"] == world.user(Role.HANDLER).pk
    assert data["complaints"] == [
        {
            "id": complaint.pk,
            "number": complaint.number,
            "title": complaint.title,
            "state": "registered",
        }
    ]
    assert data["before_value"] == "0.00" and data["after_value"] is None
    listed = api(Role.FRONTLINE).get(URL).json()
    assert [row["id"] for row in listed["results"]] == [data["id"]]
    assert api(Role.FRONTLINE).get(f"{URL}{data['id']}/").status_code == 200
    other = api(user=world.other_users[Role.DIRECTOR])
    assert other.get(f"{URL}{data['id']}/").status_code == 404
    assert other.get(URL).json()["results"] == []


def test_bad_input_and_refusals_are_the_apis_errors(api, world, actions):
    response = api().post(URL, _body(world, actions, review_on=str(timezone.localdate())))
    assert response.status_code == 400
    assert "review_on" in response.json()["error"]["fields"]
    response = api().post(URL, _body(world, actions, status="done"))
    assert response.status_code == 400 and "status" in response.json()["error"]["fields"]
    response = api(Role.FRONTLINE).post(URL, _body(world, actions))
    assert response.status_code == 403 and response.json()["error"]["code"] == "not_allowed"
    response = api().get(URL, {"status": "nonsense"})
    assert response.status_code == 400


def test_patch_moves_and_review(api, world, actions):
    action = actions.create()
    url = f"{URL}{action.pk}/"
    response = api().patch(url, {"title": "张紧器专项整改"})
    assert response.status_code == 200 and response.json()["title"] == "张紧器专项整改"
    assert api(Role.CALLBACK).patch(url, {"title": "X"}).status_code == 403
    owner = api(Role.HANDLER)
    assert owner.post(f"{url}status/", {"move": "start"}).json()["status"] == "in_progress"
    assert owner.post(f"{url}status/", {"move": "done"}).json()["status"] == "done"
    early = api().post(f"{url}review/", {"verdict": "effective"})
    assert early.status_code == 409 and early.json()["error"]["code"] == "too_early"
    today = timezone.localdate()
    ImprovementAction.objects.filter(pk=action.pk).update(
        completed_on=today - timedelta(days=30), review_on=today
    )
    reviewed = api().post(f"{url}review/", {"verdict": "not_effective", "note": "未见改善"})
    assert reviewed.status_code == 200, reviewed.content
    data = reviewed.json()
    assert data["status"] == Status.NOT_EFFECTIVE and data["after_count"] == 0
    assert data["reviewed_by"]["id"] == world.user(Role.DIRECTOR).pk
    again = api().post(f"{url}status/", {"move": "cancel", "reason": "x"})
    assert again.status_code == 409


def test_the_filters(api, world, actions):
    late = actions.create(title="逾期")
    actions.create(title="按期")
    ImprovementAction.objects.filter(pk=late.pk).update(
        due_on=timezone.localdate() - timedelta(days=2)
    )
    rows = api().get(URL, {"overdue": "true"}).json()["results"]
    assert [r["id"] for r in rows] == [late.pk] and rows[0]["overdue"] is True
    assert len(api().get(URL, {"status": "active"}).json()["results"]) == 2
