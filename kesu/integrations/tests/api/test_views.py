"""The inbound API and the telephony endpoint over HTTP."""

import base64

import pytest

from kesu.audit.models import AuditEntry
from kesu.complaints.models import Attachment, Complaint
from kesu.customers.models import Customer
from kesu.customers.tests.factories import CustomerFactory
from kesu.integrations.models import InboundComplaint, IncomingCall
from kesu.integrations.tests.conftest import inbound_body, png_b64, post_inbound
from kesu.organisation.choices import Role

pytestmark = pytest.mark.django_db


def test_a_new_customer_is_added_and_the_complaint_registered(world, make_integration, bearer):
    integration, key = make_integration(name="微信公众号")
    response = post_inbound(bearer(key), inbound_body())
    assert response.status_code == 201, response.json()
    body = response.json()
    complaint = Complaint.objects.get(pk=body["id"])
    assert body["number"] == complaint.number
    assert body["customer"]["created"] is True
    assert body["external_reference"] == "wx-0001"
    assert response["Location"] == f"/api/v1/complaints/{complaint.pk}/"
    customer = Customer.objects.get(pk=body["customer"]["id"])
    assert (customer.phone, customer.name, customer.branch) == (
        "+8613812345678",
        "王先生",
        world.branch,
    )
    assert customer.email == "wang@example.com"
    assert (complaint.channel, complaint.branch, complaint.channel_detail) == (
        "wechat",
        world.branch,
        "wx-0001",
    )
    # Registered through the complaints' service: deadlines set, the integration named as who.
    assert complaint.due_at is not None
    entry = AuditEntry.objects.get(complaint_id=complaint.pk, action="register")
    assert entry.actor == integration.service_user
    assert str(entry.actor) == "微信公众号"
    # Owned by a colleague of the branch who can handle it, not by the integration.
    assert complaint.owner == world.user(Role.FRONTLINE)
    assert complaint.registered_by == integration.service_user


def test_an_existing_customer_is_found_by_phone(world, make_integration, bearer):
    customer = CustomerFactory(organisation=world.org, phone="+8613812345678", name="王建国")
    _integration, key = make_integration()
    body = inbound_body(customer={"phone": "138 1234 5678"})
    response = post_inbound(bearer(key), body)
    assert response.status_code == 201, response.json()
    assert response.json()["customer"] == {"id": customer.pk, "created": False}
    assert Customer.objects.filter(phone="+8613812345678").count() == 1


def test_a_repeated_key_registers_one_complaint(world, make_integration, bearer):
    _integration, key = make_integration()
    client = bearer(key)
    first = post_inbound(client, inbound_body(), key="msg-42")
    again = post_inbound(client, inbound_body(), key="msg-42")
    assert (first.status_code, again.status_code) == (201, 200)
    assert again["Idempotent-Replayed"] == "true"
    assert again.json() == first.json()
    assert Complaint.objects.count() == 1
    assert InboundComplaint.objects.count() == 1


def test_another_body_under_a_used_key_is_409(world, make_integration, bearer):
    _integration, key = make_integration()
    client = bearer(key)
    assert post_inbound(client, inbound_body(), key="msg-43").status_code == 201
    response = post_inbound(client, inbound_body(title="另一件事"), key="msg-43")
    assert response.status_code == 409
    assert response.json()["error"]["code"] == "idempotency_key_reused"
    assert Complaint.objects.count() == 1


def test_the_idempotency_key_is_required(world, make_integration, bearer):
    _integration, key = make_integration()
    response = bearer(key).post("/api/v1/inbound/complaints/", inbound_body(), format="json")
    assert response.status_code == 400
    assert "Idempotency-Key" in response.json()["error"]["fields"]


def test_a_photo_is_kept_with_the_complaint(world, make_integration, bearer):
    _integration, key = make_integration()
    photos = [{"file_name": "dashboard.png", "data": png_b64()}]
    response = post_inbound(bearer(key), inbound_body(photos=photos))
    assert response.status_code == 201, response.json()
    (attachment,) = Attachment.objects.filter(complaint_id=response.json()["id"])
    assert attachment.original_name == "dashboard.png"
    assert response.json()["attachments"] == [attachment.pk]


@pytest.mark.parametrize(
    ("photo", "field"),
    [
        (
            {"file_name": "dashboard.png", "data": base64.b64encode(b"MZ not a png").decode()},
            "photos.0",
        ),
        ({"file_name": "dashboard.exe", "data": png_b64()}, "photos.0"),
        ({"file_name": "dashboard.png", "data": "@@not base64@@"}, "photos"),
    ],
)
def test_a_bad_photo_is_refused_clearly(world, make_integration, bearer, photo, field):
    _integration, key = make_integration()
    response = post_inbound(bearer(key), inbound_body(photos=[photo]))
    assert response.status_code == 400, response.json()
    fields = response.json()["error"]["fields"]
    assert field in fields, fields
    assert Complaint.objects.count() == 0
    assert Customer.objects.count() == 0


def test_a_bad_photo_is_refused_in_chinese(world, make_integration, bearer):
    _integration, key = make_integration()
    photo = {"file_name": "a.png", "data": "@@"}
    response = post_inbound(bearer(key, language="zh-hans"), inbound_body(photos=[photo]))
    assert response.status_code == 400
    assert "base64" in str(response.json()["error"]["fields"])
    assert "照片" in str(response.json()["error"]["fields"])


@pytest.mark.parametrize(
    "change",
    [
        {"customer": {"phone": "12"}},
        {"customer": {"phone": "13900001111"}},  # new customer without a name
        {"channel": "walk_in"},
        {"title": ""},
        {"state": "closed"},
        {"customer": {"phone": "13812345678", "name": "王", "email": "not-an-address"}},
    ],
)
def test_bad_input_is_400_with_the_field(world, make_integration, bearer, change):
    _integration, key = make_integration()
    response = post_inbound(bearer(key), inbound_body(**change))
    assert response.status_code == 400, response.json()
    assert response.json()["error"]["fields"]
    assert Complaint.objects.count() == 0


def test_an_all_branches_token_must_name_the_branch(world, make_integration, bearer):
    _integration, key = make_integration(all_branches=True)
    client = bearer(key)
    assert "branch" in post_inbound(client, inbound_body()).json()["error"]["fields"]
    response = post_inbound(client, inbound_body(branch=world.other_branch.pk))
    assert response.status_code == 201
    assert response.json()["branch"] == world.other_branch.pk


def test_a_manufacturer_case_keeps_their_reference(world, make_integration, bearer):
    _integration, key = make_integration()
    body = inbound_body(channel="manufacturer", external_reference="FAW-77812")
    response = post_inbound(bearer(key), body)
    assert response.status_code == 201, response.json()
    assert Complaint.objects.get().third_party_reference == "FAW-77812"


# ---- Telephony --------------------------------------------------------------------------------


def _agent(world, extension="8012", role=Role.FRONTLINE, other=False):
    agent = (world.other_users if other else world.users)[role]
    agent.extension = extension
    agent.save(update_fields=["extension"])
    return agent


def test_a_call_for_an_extension_is_shown_to_its_agent(world, make_integration, bearer):
    agent = _agent(world)
    _integration, key = make_integration()
    response = bearer(key).post(
        "/api/v1/telephony/calls/", {"caller": "138-1234-5678", "extension": "8012"}
    )
    assert response.status_code == 201, response.json()
    assert response.json()["agent"]["id"] == agent.pk
    call = IncomingCall.objects.get()
    assert (call.agent, call.caller) == (agent, "13812345678")


def test_a_call_for_an_unknown_extension_is_404(world, make_integration, bearer):
    _agent(world, extension="8012")
    _agent(world, extension="9001", other=True)  # in the branch the token may not act in
    _integration, key = make_integration()
    client = bearer(key)
    for extension in ("7777", "9001"):
        response = client.post(
            "/api/v1/telephony/calls/", {"caller": "13812345678", "extension": extension}
        )
        assert response.status_code == 404
        assert response.json()["error"]["code"] == "unknown_extension"
    assert not IncomingCall.objects.exists()


@pytest.mark.parametrize(
    "body",
    [{"caller": "abc", "extension": "8012"}, {"caller": "13812345678", "extension": "80-12"}, {}],
)
def test_a_bad_call_report_is_400(world, make_integration, bearer, body):
    _agent(world)
    _integration, key = make_integration()
    response = bearer(key).post("/api/v1/telephony/calls/", body)
    assert response.status_code == 400
    assert response.json()["error"]["fields"]
