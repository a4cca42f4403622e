"""A user never sees another branch's complaints through any endpoint: always 404, never 403."""

import pytest

from kesu.complaints.models import Complaint
from kesu.complaints.tests.api.helpers import complaint_url, error_of
from kesu.customers.tests.factories import CustomerFactory
from kesu.organisation.choices import Role


@pytest.fixture
def east_complaint(world):
    return world.complaint(title="东区的投诉")


def _requests(complaint):
    return [
        ("get", complaint_url(complaint), None),
        ("patch", complaint_url(complaint), {"title": "改", "version": complaint.version}),
        ("get", complaint_url(complaint, "transitions/"), None),
        ("post", complaint_url(complaint, "transitions/confirm/"), {"method": "signature"}),
        ("post", complaint_url(complaint, "transitions/withdraw/"), {"reason": "撤诉"}),
        ("post", complaint_url(complaint, "transitions/no_such_move/"), {}),
        ("get", complaint_url(complaint, "timeline/"), None),
        ("post", complaint_url(complaint, "notes/"), {"text": "偷看"}),
        ("get", complaint_url(complaint, "attachments/"), None),
    ]


@pytest.mark.parametrize(
    "role", [Role.FRONTLINE, Role.CALLBACK, Role.HANDLER, Role.DIRECTOR, Role.GENERAL_MANAGER]
)
def test_other_branch_gets_404_everywhere_and_nothing_changes(world, api, east_complaint, role):
    client = api(user=world.other_users[role])
    for method, url, body in _requests(east_complaint):
        response = getattr(client, method)(url, body, format="json")
        assert response.status_code == 404, (method, url, response.content)
        assert error_of(response)["code"] == "not_found"
    listed = client.get("/api/v1/complaints/").json()["results"]
    assert east_complaint.pk not in {row["id"] for row in listed}
    east_complaint.refresh_from_db()
    assert east_complaint.state == "registered"
    assert east_complaint.title == "东区的投诉"
    assert east_complaint.version == 1


def test_own_branch_sees_it(api, east_complaint):
    client = api(Role.CALLBACK)
    assert client.get(complaint_url(east_complaint)).status_code == 200
    listed = client.get("/api/v1/complaints/").json()["results"]
    assert [row["id"] for row in listed] == [east_complaint.pk]


def test_group_sees_every_branch(world, api, east_complaint):
    west = world.complaint(actor=world.other_users[Role.FRONTLINE])
    listed = api(Role.GROUP).get("/api/v1/complaints/").json()["results"]
    assert {row["id"] for row in listed} == {east_complaint.pk, west.pk}


def test_handler_sees_only_their_department(world, api):
    # Registered by a frontline of the service department: the service handler's.
    service_case = world.complaint()
    # Registered by the director (no department): not the service handler's.
    unassigned = world.complaint(actor=world.user(Role.DIRECTOR))
    handler = api(Role.HANDLER)
    listed = {row["id"] for row in handler.get("/api/v1/complaints/").json()["results"]}
    assert listed == {service_case.pk}
    assert handler.get(complaint_url(unassigned)).status_code == 404
    assert handler.get(complaint_url(unassigned, "timeline/")).status_code == 404
    # The director of the branch sees both.
    listed = {row["id"] for row in api(Role.DIRECTOR).get("/api/v1/complaints/").json()["results"]}
    assert listed == {service_case.pk, unassigned.pk}


def test_customer_detail_lists_only_visible_complaints(world, api):
    customer = CustomerFactory(organisation=world.org)
    east = world.complaint(customer=customer)
    west = world.complaint(actor=world.other_users[Role.FRONTLINE], customer=customer)
    east_view = api(Role.FRONTLINE).get(f"/api/v1/customers/{customer.pk}/").json()
    assert [c["id"] for c in east_view["recent_complaints"]] == [east.pk]
    group_view = api(Role.GROUP).get(f"/api/v1/customers/{customer.pk}/").json()
    assert [c["id"] for c in group_view["recent_complaints"]] == [west.pk, east.pk]


def test_another_organisations_customer_is_not_found(world, api):
    stranger = CustomerFactory()  # its own organisation
    response = api().get(f"/api/v1/customers/{stranger.pk}/")
    assert response.status_code == 404
    # Nor can a complaint be registered for them.
    response = api().post(
        "/api/v1/complaints/",
        {"customer": stranger.pk, "channel": "phone", "title": "x", "account": "y"},
        format="json",
    )
    assert response.status_code == 400
    assert "customer" in error_of(response)["fields"]
    assert not Complaint.objects.filter(customer=stranger).exists()
