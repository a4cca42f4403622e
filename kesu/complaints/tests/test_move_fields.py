"""What a move of the procedure writes changes only through that move.

Every move is run from every state it starts from, by every role allowed to make it, and the
fields it changed are recorded: they must be the ones move_fields.MOVE_FIELDS declares, and
none of those may be editable through complaint_update or the API's PATCH.
"""

from datetime import timedelta
from decimal import Decimal

import pytest
from django.core.exceptions import ValidationError
from django.utils import timezone

from kesu.complaints import workflow
from kesu.complaints.api.serializers import ComplaintUpdateSerializer
from kesu.complaints.choices import EscalationLevel, Resolvability, Satisfaction, State
from kesu.complaints.models import Complaint
from kesu.complaints.move_fields import MOVE_FIELDS, MOVE_OWNED_FIELDS, move_owned_message
from kesu.complaints.services import EDITABLE_FIELDS, complaint_update
from kesu.complaints.workflow import TRANSITIONS
from kesu.organisation.choices import Role
from kesu.organisation.models import CompensationLimit
from kesu.sla.choices import MilestoneKind
from kesu.sla.models import ComplaintMilestone

# Bookkeeping every write touches; not a field anyone edits.
BOOKKEEPING = {"version", "updated_at", "search_grams", "search_notes"}  # derived, for search


def _args(name: str, world, complaint: Complaint) -> dict:
    """Input that makes each move write as much as it can."""
    tomorrow = timezone.localdate() + timedelta(days=1)
    if name == "merge":
        return {"into_id": world.complaint(customer=complaint.customer).pk}
    return {
        "confirm": {"method": "signature"},
        "propose_solution": {
            "solution": "更换变速箱阀体并补偿",
            "resolvability": Resolvability.SHORT_TERM,
            "solution_due_on": tomorrow,
            "compensation_type": "cash",
            "compensation_amount": Decimal("5000"),
        },
        "reject_compensation": {"reason": "金额过高"},
        "decline_solution": {"reason": "客户要求换车", "escalate": True},
        "resolve": {"result": "已修复"},
        "verify": {"satisfaction": Satisfaction.SATISFIED},
        "reopen": {"reason": "异响复现"},
        "park": {"reason": "等待厂家新配件", "follow_up_on": tomorrow},
        "withdraw": {"reason": "客户撤回"},
        "hand_over": {"to_user": world.user(Role.HANDLER), "department": world.sales},
        "escalate": {"level": EscalationLevel.GROUP, "reason": "需集团协调"},
        "set_deadline": {"due_at": timezone.now() + timedelta(days=5), "reason": "客户同意延期"},
        "override_severity": {"severity": "major", "reason": "涉及安全", "is_crisis": True},
        "record_root_cause": {
            "root_cause": "张紧器批次缺陷",
            "corrective_action": "更换张紧器",
            "preventive_action": "保养时检查",
            "responsibility": "internal",
        },
        "verify_prevention": {"verification": "三个月内无同类投诉"},
        "send_back": {"instructions": "三日内当面答复客户"},
    }.get(name, {})


def _snapshot(complaint: Complaint) -> dict:
    complaint.refresh_from_db()
    return {
        field.name: getattr(complaint, field.attname)
        for field in Complaint._meta.concrete_fields
        if field.name not in BOOKKEEPING
    }


def _complaint_in(world, state: str, role: str) -> Complaint:
    complaint = world.complaint()
    done = state in {State.RESOLVED, State.VERIFIED, State.CLOSED}
    Complaint.objects.filter(pk=complaint.pk).update(
        state=state,
        # No department yet, so a move may set one; a handler sees only their department's.
        department=complaint.department if role == Role.HANDLER else None,
        compensation_amount=Decimal("100"),
        resolved_at=timezone.now() if done else None,
        closed_at=timezone.now() if state == State.CLOSED else None,
        close_reason="completed" if state == State.CLOSED else "",
        preventive_action="保养时检查张紧器",
        satisfaction=Satisfaction.SATISFIED if state in {State.VERIFIED, State.CLOSED} else "",
        follow_up_on=timezone.localdate() + timedelta(days=3) if state == State.PARKED else None,
    )
    if done:
        # The resolution deadline lies well behind, as it does for a complaint resolved days ago:
        # the round a reopen starts then always moves it. (Registered a moment ago, both rounds
        # could fall on the same start of working hours, and whether due_at changed would
        # depend on the time of day.)
        past = timezone.now() - timedelta(days=30)
        ComplaintMilestone.objects.filter(
            complaint=complaint, kind=MilestoneKind.RESOLUTION
        ).update(due_at=past)
        Complaint.objects.filter(pk=complaint.pk).update(due_at=past)
    return complaint


def _written_by_moves(world) -> dict[str, set[str]]:
    CompensationLimit.objects.create(
        organisation=world.org, role=Role.HANDLER, max_amount=Decimal("2000")
    )
    director = world.user(Role.DIRECTOR)
    director.department = world.sales
    director.save(update_fields=["department"])
    written: dict[str, set[str]] = {name: set() for name in TRANSITIONS}
    for name, transition in TRANSITIONS.items():
        for state in sorted(transition.sources):
            for role in sorted(transition.roles):
                complaint = _complaint_in(world, state, role)
                if name == "send_back":  # only what the group has can go back
                    Complaint.objects.filter(pk=complaint.pk).update(
                        escalation_level=EscalationLevel.GROUP, owner=world.user(Role.GROUP)
                    )
                before = _snapshot(complaint)
                move = getattr(workflow, f"complaint_{name}")
                move(
                    complaint_id=complaint.pk,
                    actor=world.user(role),
                    **_args(name, world, complaint),
                )
                after = _snapshot(complaint)
                written[name] |= {field for field, value in after.items() if before[field] != value}
    return written


def test_every_move_has_its_fields_declared():
    assert set(MOVE_FIELDS) == set(TRANSITIONS)


def test_moves_write_only_the_fields_declared_for_them(world):
    written = _written_by_moves(world)
    undeclared = {
        name: sorted(fields - MOVE_FIELDS[name])
        for name, fields in written.items()
        if fields - MOVE_FIELDS[name]
    }
    assert not undeclared, f"declare these in kesu/complaints/move_fields.py: {undeclared}"
    # The declaration is not wider than what the moves do either (keeps it honest).
    unused = {
        name: sorted(MOVE_FIELDS[name] - fields)
        for name, fields in written.items()
        if MOVE_FIELDS[name] - fields
    }
    assert not unused, f"declared but never written: {unused}"


def test_no_move_owned_field_is_editable_directly():
    assert not set(EDITABLE_FIELDS) & MOVE_OWNED_FIELDS
    writable = {
        name for name, field in ComplaintUpdateSerializer().fields.items() if not field.read_only
    }
    assert not writable & MOVE_OWNED_FIELDS, writable & MOVE_OWNED_FIELDS


@pytest.mark.parametrize("field", sorted(MOVE_OWNED_FIELDS))
def test_complaint_update_refuses_a_move_owned_field_naming_the_move(world, field):
    complaint = world.complaint()
    with pytest.raises(ValidationError) as caught:
        complaint_update(
            complaint_id=complaint.pk,
            actor=world.user(Role.DIRECTOR),
            expected_version=complaint.version,
            changes={field: "x"},
        )
    message = caught.value.message_dict[field][0]
    assert message == move_owned_message(field)
    assert any(str(TRANSITIONS[name].label) in message for name in TRANSITIONS)
    complaint.refresh_from_db()
    assert complaint.version == 1


@pytest.fixture(autouse=True)
def _checklist_not_required(world):
    """These tests are about fields and search, not the checklist (test_checklist.py)."""
    from kesu.complaints.models import ChecklistRequirement

    ChecklistRequirement.objects.all().delete()
