"""The manufacturer in the API: contacts, exchanges, answers, feedback; the third party's
reference at intake, in edits and as a list filter."""

import pytest

from kesu.complaints.models import ManufacturerExchange
from kesu.complaints.tests.api.helpers import complaint_url, error_of
from kesu.complaints.tests.factories import ManufacturerContactFactory
from kesu.customers.tests.factories import CustomerFactory
from kesu.organisation.choices import Role
from kesu.sla.choices import MilestoneKind, MilestoneStatus


@pytest.fixture
def contact(world):
    return ManufacturerContactFactory(organisation=world.org, name="王磊")


def test_intake_and_edits_carry_the_third_partys_reference(world, api):
    customer = CustomerFactory(organisation=world.org)
    body = {
        "customer": customer.pk,
        "channel": "manufacturer",
        "title": "厂家转来：发动机故障灯",
        "account": "客户向厂家热线投诉故障灯常亮。",
        "third_party_reference": "CRM-2026-0815",
        "third_party_contact": "厂家客服 张",
    }
    response = api().post("/api/v1/complaints/", body)
    assert response.status_code == 201, response.content
    created = response.json()
    assert created["third_party_reference"] == "CRM-2026-0815"
    assert created["third_party_contact"] == "厂家客服 张"
    refused = api().post(
        "/api/v1/complaints/", {**body, "channel": "phone", "third_party_contact": ""}
    )
    assert refused.status_code == 400
    assert "third_party_reference" in error_of(refused)["fields"]
    edited = api(Role.DIRECTOR).patch(
        complaint_url(created["id"]),
        {"third_party_reference": "CRM-2026-0816", "version": created["version"]},
    )
    assert edited.status_code == 200, edited.content
    assert edited.json()["third_party_reference"] == "CRM-2026-0816"
    listed = api().get("/api/v1/complaints/", {"third_party_reference": "crm-2026-0816"})
    assert [row["id"] for row in listed.json()["results"]] == [created["id"]]
    assert (
        api().get("/api/v1/complaints/", {"third_party_reference": "CRM-1"}).json()["results"] == []
    )


def test_contacts_are_the_ones_the_user_may_escalate_to(world, api, contact):
    ManufacturerContactFactory(organisation=world.org, branch=world.other_branch, name="西区")
    ManufacturerContactFactory(organisation=world.org, is_active=False, name="离职")
    response = api(Role.DIRECTOR).get("/api/v1/manufacturer-contacts/")
    assert response.status_code == 200
    assert [row["name"] for row in response.json()] == ["王磊"]
    group = api(Role.GROUP).get("/api/v1/manufacturer-contacts/").json()
    assert {row["name"] for row in group} == {"王磊", "西区"}


def test_ask_answer_and_report_back(world, api, contact):
    complaint = world.complaint(channel="manufacturer", third_party_reference="CRM-1")
    client = api(Role.DIRECTOR)
    url = complaint_url(complaint, "manufacturer/")
    response = client.post(url, {"contact": contact.pk, "asked": "请确认是否批次问题"})
    assert response.status_code == 201, response.content
    exchange = response.json()
    assert exchange["contact"]["name"] == "王磊" and exchange["answered_at"] is None
    answer = client.post(
        complaint_url(complaint, f"manufacturer/{exchange['id']}/answer/"),
        {"answer": "是批次问题", "feedback_expected": True},
    )
    assert answer.status_code == 200, answer.content
    assert answer.json()["answer"] == "是批次问题" and answer.json()["feedback_expected"]
    again = client.post(
        complaint_url(complaint, f"manufacturer/{exchange['id']}/answer/"), {"answer": "再答"}
    )
    assert again.status_code == 409 and error_of(again)["code"] == "answered"
    listed = client.get(url)
    assert [row["id"] for row in listed.json()] == [exchange["id"]]
    feedback = client.post(complaint_url(complaint, "manufacturer/feedback/"), {"text": "已处理"})
    assert feedback.status_code == 201, feedback.content
    assert feedback.json()["action"] == "manufacturer_feedback"
    assert feedback.json()["action_label"] == "Feedback sent to the manufacturer"
    milestone = complaint.milestones.get(kind=MilestoneKind.MANUFACTURER_FEEDBACK)
    assert milestone.status == MilestoneStatus.MET


def test_refusals_are_the_apis_error_shape(world, api, contact):
    complaint = world.complaint()
    url = complaint_url(complaint, "manufacturer/")
    refused = api(Role.FRONTLINE).post(url, {"contact": contact.pk, "asked": "问"})
    assert refused.status_code == 403 and error_of(refused)["code"] == "role_not_allowed"
    other_branch = api(user=world.other_users[Role.DIRECTOR]).post(
        url, {"contact": contact.pk, "asked": "问"}
    )
    assert other_branch.status_code == 404
    stranger = ManufacturerContactFactory()
    wrong = api(Role.DIRECTOR).post(url, {"contact": stranger.pk, "asked": "问"})
    assert wrong.status_code == 400 and "contact" in error_of(wrong)["fields"]
    unknown = api(Role.DIRECTOR).post(url, {"contact": contact.pk, "asked": "问", "x": 1})
    assert unknown.status_code == 400 and "x" in error_of(unknown)["fields"]
    not_owed = api(Role.DIRECTOR).post(
        complaint_url(complaint, "manufacturer/feedback/"), {"text": "反馈"}
    )
    assert not_owed.status_code == 400 and "text" in error_of(not_owed)["fields"]
    missing = api(Role.DIRECTOR).post(
        complaint_url(complaint, "manufacturer/999999/answer/"), {"answer": "答"}
    )
    assert missing.status_code == 404
    assert not ManufacturerExchange.objects.exists()


def test_the_complaint_detail_shows_the_reference(world, api):
    complaint = world.complaint(channel="court", third_party_reference="(2026)京0101民初123号")
    body = api().get(complaint_url(complaint)).json()
    assert body["third_party_reference"] == "(2026)京0101民初123号"
    assert body["third_party_contact"] == ""
