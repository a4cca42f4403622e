"""The complaint shapes of the API: what they show and what they accept."""

from datetime import timedelta
from decimal import Decimal

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import RequestFactory
from django.utils import timezone, translation

from kesu.audit.models import AuditEntry
from kesu.complaints import limits
from kesu.complaints.api.serializers import (
    AttachmentUploadSerializer,
    ComplaintCreateSerializer,
    ComplaintDetailSerializer,
    ComplaintListSerializer,
    ComplaintUpdateSerializer,
    NoteSerializer,
    TimelineEntrySerializer,
    TransitionSerializer,
)
from kesu.complaints.models import Complaint
from kesu.complaints.workflow import TRANSITIONS
from kesu.customers.tests.factories import CustomerFactory
from kesu.organisation.choices import Role
from kesu.organisation.tests.factories import OrganisationFactory


def _context(user) -> dict:
    request = RequestFactory().get("/")
    request.user = user
    return {"request": request}


@pytest.fixture
def customer(world):
    return CustomerFactory(organisation=world.org, branch=world.branch)


def test_a_list_row_has_labels_references_and_the_overdue_flag(world):
    complaint = world.complaint(title="空调不制冷")
    with translation.override("en"):
        row = ComplaintListSerializer(complaint).data
    assert row["number"] == complaint.number and row["title"] == "空调不制冷"
    assert (row["state"], row["state_display"]) == ("registered", "Registered")
    assert row["branch"]["id"] == world.branch.pk
    assert row["customer"]["id"] == complaint.customer_id
    assert row["overdue"] is False
    complaint.due_at = timezone.now() - timedelta(hours=1)
    assert ComplaintListSerializer(complaint).data["overdue"] is True
    assert "account" not in row  # the long text is for the detail only


def test_the_detail_offers_the_moves_of_the_reader(world):
    complaint = world.complaint()
    assert ComplaintDetailSerializer(complaint).data["transitions"] == []  # no request
    with translation.override("en"):
        data = ComplaintDetailSerializer(complaint, context=_context(world.user(Role.FRONTLINE)))
        data = data.data
    offered = {t["name"]: t for t in data["transitions"]}
    assert "confirm" in offered and "close" not in offered
    assert offered["confirm"]["target"] == "confirmed"
    assert offered["confirm"]["target_display"] == "Contacted / confirmed"
    assert data["account"] == complaint.account
    assert data["registered_by"]["id"] == world.user(Role.FRONTLINE).pk


def test_a_move_that_keeps_the_state_has_no_target_label():
    unchanged = next(t for t in TRANSITIONS.values() if t.target is None)
    data = TransitionSerializer(unchanged).data
    assert data["target"] is None and data["target_display"] is None


def test_intake_accepts_a_complaint_about_a_visible_customer(world, customer):
    data = {"customer": customer.pk, "channel": "phone", "title": "异响", "account": "冷车异响"}
    serializer = ComplaintCreateSerializer(data=data, context=_context(world.user(Role.FRONTLINE)))
    assert serializer.is_valid(), serializer.errors
    assert serializer.validated_data["customer"] == customer


@pytest.mark.parametrize(
    ("change", "field"),
    [
        ({"received_at": "later"}, "received_at"),
        ({"upset_level": 6}, "upset_level"),
        ({"state": "closed"}, "state"),
        ({"severity": "catastrophic"}, "severity"),
        ({"title": "x" * (limits.TITLE + 1)}, "title"),
    ],
)
def test_intake_refuses(world, customer, change, field):
    data = {"customer": customer.pk, "channel": "phone", "title": "异响", "account": "冷车异响"}
    if change.get("received_at") == "later":
        change = {"received_at": (timezone.now() + timedelta(days=1)).isoformat()}
    serializer = ComplaintCreateSerializer(
        data=data | change, context=_context(world.user(Role.FRONTLINE))
    )
    assert not serializer.is_valid()
    assert field in serializer.errors


def test_intake_refuses_another_organisations_customer(world):
    stranger = CustomerFactory(organisation=OrganisationFactory())
    data = {"customer": stranger.pk, "channel": "phone", "title": "异响", "account": "冷车异响"}
    serializer = ComplaintCreateSerializer(data=data, context=_context(world.user(Role.FRONTLINE)))
    assert not serializer.is_valid() and "customer" in serializer.errors


def test_received_at_has_five_minutes_of_grace(world, customer):
    data = {
        "customer": customer.pk,
        "channel": "phone",
        "title": "异响",
        "account": "冷车异响",
        "received_at": (timezone.now() + timedelta(minutes=2)).isoformat(),
    }
    serializer = ComplaintCreateSerializer(data=data, context=_context(world.user(Role.FRONTLINE)))
    assert serializer.is_valid(), serializer.errors


def test_an_edit_names_the_move_that_owns_a_field(world):
    complaint = world.complaint()
    context = _context(world.user(Role.FRONTLINE))
    with translation.override("en"):
        serializer = ComplaintUpdateSerializer(
            complaint,
            data={"compensation_amount": "100", "title": "x"},
            partial=True,
            context=context,
        )
        assert not serializer.is_valid()
        (message,) = serializer.errors["compensation_amount"]
    assert "use that move instead" in message
    assert set(serializer.errors) == {"compensation_amount"}  # refused before any other check
    edit = ComplaintUpdateSerializer(
        complaint, data={"title": "新标题", "version": 1}, partial=True, context=context
    )
    assert edit.is_valid(), edit.errors
    stale = ComplaintUpdateSerializer(complaint, data={"version": 0}, partial=True, context=context)
    assert not stale.is_valid() and "version" in stale.errors
    assert Complaint.objects.get(pk=complaint.pk).compensation_amount != Decimal("100")


def test_a_timeline_entry_labels_its_action_under_both_names(world):
    complaint = world.complaint()
    entry = AuditEntry.objects.filter(complaint_id=complaint.pk).order_by("seq").first()
    with translation.override("en"):
        data = TimelineEntrySerializer(entry).data
    assert data["action"] == entry.action
    assert data["action_label"] == data["action_display"] != entry.action
    assert data["actor"]["id"] == world.user(Role.FRONTLINE).pk


def test_a_note_is_a_private_note_unless_told_otherwise():
    note = NoteSerializer(data={"text": "客户来电催促"})
    assert note.is_valid(), note.errors
    assert note.validated_data == {
        "text": "客户来电催促",
        "shared_with_customer": False,
        "kind": "note",
    }
    assert NoteSerializer(data={"text": "回电", "kind": "call"}).is_valid()
    assert not NoteSerializer(data={"text": "x", "kind": "register"}).is_valid()
    assert not NoteSerializer(data={"text": "x" * (limits.NOTE + 1)}).is_valid()


def test_an_upload_needs_a_file_and_a_short_description():
    upload = SimpleUploadedFile("a.txt", b"x")
    assert AttachmentUploadSerializer(data={"file": upload}).is_valid()
    long = "x" * (limits.ATTACHMENT_DESCRIPTION + 1)
    refused = AttachmentUploadSerializer(data={"file": upload, "description": long})
    assert not refused.is_valid() and "description" in refused.errors
    missing = AttachmentUploadSerializer(data={})
    assert not missing.is_valid() and set(missing.errors) == {"file"}
