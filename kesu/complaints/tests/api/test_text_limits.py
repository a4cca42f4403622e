"""The API refuses over-long free text with a 400 in its error shape, in the user's language,
and takes a text of exactly the limit (limits in customers/ and complaints/limits.py)."""

import pytest

from kesu.audit.models import AuditEntry
from kesu.complaints import limits
from kesu.complaints.tests.api.helpers import complaint_url, error_of
from kesu.customers import limits as customer_limits
from kesu.customers.models import Customer
from kesu.customers.tests.factories import CustomerFactory

MESSAGES = {
    "en": "Ensure this field has no more than {n} characters.",
    "zh-hans": "请确保这个字段不能超过 {n} 个字符。",
}


@pytest.mark.parametrize("language", ["en", "zh-hans"])
def test_customer_notes_over_the_limit_are_a_400_naming_the_field(world, api, language):
    response = api(language=language).post(
        "/api/v1/customers/",
        {"name": "张伟", "phone": "13812345678", "notes": "注" * (customer_limits.NOTES + 1)},
        format="json",
    )
    assert response.status_code == 400
    error = error_of(response)
    assert error["fields"]["notes"] == [MESSAGES[language].format(n=customer_limits.NOTES)]
    assert not Customer.objects.exists()


def test_customer_notes_of_exactly_the_limit_are_kept(world, api):
    notes = "注" * customer_limits.NOTES
    response = api().post(
        "/api/v1/customers/", {"name": "张伟", "phone": "13812345678", "notes": notes}
    )
    assert response.status_code == 201, response.content
    assert Customer.objects.get().notes == notes


@pytest.mark.parametrize("language", ["en", "zh-hans"])
def test_an_overlong_complaint_note_is_refused_and_one_at_the_limit_kept(world, api, language):
    complaint = world.complaint()
    client = api(language=language)
    response = client.post(
        complaint_url(complaint, "notes/"), {"text": "记" * (limits.NOTE + 1)}, format="json"
    )
    assert response.status_code == 400
    assert error_of(response)["fields"]["text"] == [MESSAGES[language].format(n=limits.NOTE)]
    at_limit = client.post(
        complaint_url(complaint, "notes/"), {"text": "记" * limits.NOTE}, format="json"
    )
    assert at_limit.status_code == 201
    entry = AuditEntry.objects.get(complaint_id=complaint.pk, action="note")
    assert entry.data["text"] == "记" * limits.NOTE


def test_an_overlong_account_is_refused_at_intake_and_in_an_edit(world, api):
    customer = CustomerFactory(organisation=world.org)
    body = {"customer": customer.pk, "channel": "phone", "title": "异响"}
    response = api().post(
        "/api/v1/complaints/", {**body, "account": "说" * (limits.ACCOUNT + 1)}, format="json"
    )
    assert response.status_code == 400
    assert "account" in error_of(response)["fields"]
    created = api().post(
        "/api/v1/complaints/", {**body, "account": "说" * limits.ACCOUNT}, format="json"
    )
    assert created.status_code == 201, created.content
    edit = api().patch(
        complaint_url(created.json()["id"]),
        {"account": "说" * (limits.ACCOUNT + 1), "version": 1},
        format="json",
    )
    assert edit.status_code == 400
    assert error_of(edit)["fields"]["account"] == [MESSAGES["en"].format(n=limits.ACCOUNT)]


def test_a_move_text_over_the_limit_is_refused(world, api):
    complaint = world.complaint()
    response = api().post(
        complaint_url(complaint, "transitions/confirm/"),
        {"method": "phone", "note": "备" * (limits.TEXT + 1)},
        format="json",
    )
    assert response.status_code == 400
    assert error_of(response)["fields"]["note"] == [MESSAGES["en"].format(n=limits.TEXT)]
