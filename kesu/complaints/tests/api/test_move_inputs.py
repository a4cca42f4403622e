"""Moves through the API: merge by number, the checklist a move needs, approval within limits."""

from decimal import Decimal

import pytest

from kesu.complaints.checklist import checklist_tick
from kesu.complaints.choices import Severity, State
from kesu.complaints.models import Complaint
from kesu.complaints.tests.api.helpers import complaint_url, error_of
from kesu.organisation.choices import Role


def _set(complaint, **fields):
    Complaint.objects.filter(pk=complaint.pk).update(**fields)
    complaint.refresh_from_db()
    return complaint


def test_merge_by_number(world, api):
    survivor = world.complaint()
    duplicate = _set(world.complaint(customer=survivor.customer), severity=Severity.MAJOR)
    response = api().post(
        complaint_url(duplicate, "transitions/merge/"), {"into": survivor.number}, format="json"
    )
    assert response.status_code == 200, response.content
    assert response.json()["state"] == State.MERGED
    survivor.refresh_from_db()
    assert survivor.severity == Severity.MAJOR


def test_merge_by_id_still_works_as_a_string(world, api):
    survivor = world.complaint()
    duplicate = world.complaint(customer=survivor.customer)
    url = complaint_url(duplicate, "transitions/merge/")
    # `into` is documented as a string: a JSON number is refused, not read as the id.
    response = api().post(url, {"into": survivor.pk}, format="json")
    assert response.status_code == 400
    assert error_of(response)["fields"] == {
        "into": ["Give a JSON string here, not a JSON integer."]
    }
    assert Complaint.objects.get(pk=duplicate.pk).state == State.REGISTERED
    response = api().post(url, {"into": str(survivor.pk)}, format="json")
    assert response.status_code == 200, response.content
    assert Complaint.objects.get(pk=duplicate.pk).merged_into_id == survivor.pk


@pytest.mark.parametrize("case", ["itself", "other_customer", "closed", "unknown", "huge_id"])
def test_merge_refusals_are_400_field_errors(world, api, case):
    duplicate = world.complaint()
    into = {
        "itself": lambda: duplicate.number,
        "other_customer": lambda: world.complaint().number,
        "closed": lambda: (
            _set(world.complaint(customer=duplicate.customer), state=State.CLOSED).number
        ),
        "unknown": lambda: "KS-2026-999999",
        "huge_id": lambda: "9" * 30,
    }[case]()
    response = api(language="zh-hans").post(
        complaint_url(duplicate, "transitions/merge/"), {"into": into}
    )
    assert response.status_code == 400, response.content
    error = error_of(response)
    assert list(error["fields"]) == ["into"]
    assert any("\u4e00" <= ch <= "\u9fff" for ch in error["fields"]["into"][0])
    assert Complaint.objects.get(pk=duplicate.pk).state == State.REGISTERED


def test_the_schema_documents_merge_by_number(world, api):
    schema = api().get("/api/schema/?format=json").json()
    into = schema["components"]["schemas"]["MergeInputRequest"]["properties"]["into"]
    assert into["type"] == "string" and "KS-2026-000010" in into["description"]


def test_a_move_without_its_required_checklist_items_is_a_structured_400(world, api):
    complaint = _set(world.complaint(), state=State.VERIFIED)
    response = api(Role.DIRECTOR).post(complaint_url(complaint, "transitions/close/"), {})
    assert response.status_code == 400
    error = error_of(response)
    assert error["code"] == "checklist_incomplete"
    assert error["fields"] == {
        "checklist": ["Told the customer the result", "Wrote a case summary"]
    }
    assert "Wrote a case summary" in error["message"]

    director = world.user(Role.DIRECTOR)
    for item in ("told_result", "summary"):
        checklist_tick(complaint=complaint, actor=director, item=item, done=True)
    # A ticked "wrote a case summary" still needs the summary itself.
    response = api(Role.DIRECTOR).post(complaint_url(complaint, "transitions/close/"), {})
    assert response.status_code == 400
    assert error_of(response)["fields"] == {
        "summary": ["Write the case summary: it is required before closing."]
    }
    response = api(Role.DIRECTOR).post(
        complaint_url(complaint, "transitions/close/"), {"summary": "已修复，客户满意。"}
    )
    assert response.status_code == 200 and response.json()["state"] == State.CLOSED


def test_the_transitions_list_leaves_out_approval_above_the_limit(world, api):
    complaint = _set(
        world.complaint(),
        state=State.AWAITING_APPROVAL,
        compensation_type="cash",
        compensation_amount=Decimal("20000"),
    )
    url = complaint_url(complaint, "transitions/")
    director = {t["name"] for t in api(Role.DIRECTOR).get(url).json()}
    gm = {t["name"] for t in api(Role.GENERAL_MANAGER).get(url).json()}
    assert "approve_compensation" not in director and "reject_compensation" not in director
    assert {"approve_compensation", "reject_compensation"} <= gm
