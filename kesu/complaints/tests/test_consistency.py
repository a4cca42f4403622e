"""Complaint rows against the values their timelines say (kesu/complaints/consistency.py)."""

from datetime import timedelta
from decimal import Decimal

import pytest
from django.core.management import call_command
from django.core.management.base import CommandError
from django.utils import timezone

from kesu.audit.models import AuditEntry
from kesu.complaints import workflow
from kesu.complaints.choices import EscalationLevel, Satisfaction, Severity, State
from kesu.complaints.consistency import FIELDS, REGISTERED, iter_complaint_mismatches, replay
from kesu.complaints.models import Category, Complaint
from kesu.complaints.services import complaint_update
from kesu.complaints.tests.helpers import tick_required, verification_day_come
from kesu.organisation.choices import Role
from kesu.organisation.models import CompensationLimit
from kesu.sla.tracking import complaint_wait


def _mismatches(**kwargs):
    return [(m.complaint_id, m.field) for m in iter_complaint_mismatches(**kwargs)]


@pytest.fixture
def complaints(world):
    return [world.complaint() for _ in range(3)]


def test_the_demo_data_matches_its_timelines(db, capsys):
    call_command("seed_demo")
    assert Complaint.objects.count() >= 20
    assert _mismatches() == []
    call_command("verify_audit")
    out = capsys.readouterr().out
    assert "rows match their timelines" in out and "no break" in out


def test_generated_complaints_match_their_timelines(db):
    from kesu.demo.generation import generate_complaints

    generate_complaints(count=120, seed=3, batch_size=50, analyze=False)
    assert Complaint.objects.exclude(state=State.REGISTERED).exists()
    assert _mismatches() == []


@pytest.mark.parametrize(
    ("field", "value"),
    [
        ("state", State.CLOSED),
        ("severity", Severity.MAJOR),
        ("title", "改过的标题"),
        ("promise_made_by", "销售顾问 改过的"),
    ],
)
def test_an_update_behind_the_services_back_is_reported(complaints, field, value, capsys):
    victim = complaints[1]
    Complaint.objects.filter(pk=victim.pk).update(**{field: value})

    (m,) = iter_complaint_mismatches()

    assert (m.complaint_id, m.number, m.field, m.row_value) == (
        victim.pk,
        victim.number,
        field,
        value,
    )
    assert m.timeline_value == getattr(victim, field)
    with pytest.raises(CommandError, match="differ from what the timeline recorded"):
        call_command("verify_audit")
    out = capsys.readouterr().out
    assert f"complaint {victim.number} (id={victim.pk}): {field} is" in out
    assert "no break" in out  # the chain itself is intact: only the row was changed


def test_a_new_owner_or_compensation_is_reported(world, complaints):
    a, b = complaints[0], complaints[2]
    Complaint.objects.filter(pk=a.pk).update(owner=world.user(Role.GENERAL_MANAGER))
    Complaint.objects.filter(pk=b.pk).update(compensation_amount=Decimal("88888"))
    assert _mismatches() == [(a.pk, "owner"), (b.pk, "compensation_amount")]


def test_skip_complaints_checks_only_the_chain(complaints, capsys):
    Complaint.objects.filter(pk=complaints[0].pk).update(state=State.CLOSED)
    call_command("verify_audit", "--skip-complaints")
    out = capsys.readouterr().out
    assert "no break" in out and "rows match" not in out


def test_a_complaint_without_registration_is_reported(complaints):
    victim = complaints[0]
    AuditEntry.objects.filter(complaint_id=victim.pk).delete()
    assert _mismatches() == [(victim.pk, "timeline")]


def test_batches_find_the_same_as_one_pass(complaints, world):
    more = [world.complaint() for _ in range(4)]
    for c in [complaints[0], more[1], more[3]]:
        Complaint.objects.filter(pk=c.pk).update(upset_level=5)
    expected = [(c.pk, "upset_level") for c in [complaints[0], more[1], more[3]]]
    assert _mismatches(batch_size=2, entry_chunk=3) == expected
    assert _mismatches(batch_size=2000) == expected


def _do(move: str, complaint: Complaint, actor, **kwargs) -> Complaint:
    tick_required(Complaint.objects.get(pk=complaint.pk), move, actor)
    return getattr(workflow, f"complaint_{move}")(complaint_id=complaint.pk, actor=actor, **kwargs)


def test_a_complaint_driven_through_the_whole_procedure_matches(world, monkeypatch):
    F, H, D, G, C = (
        world.user(r)
        for r in (Role.FRONTLINE, Role.HANDLER, Role.DIRECTOR, Role.GENERAL_MANAGER, Role.CALLBACK)
    )
    CompensationLimit.objects.update_or_create(
        organisation=world.org, role=Role.HANDLER, defaults={"max_amount": Decimal("1000")}
    )
    category = Category.objects.filter(organisation=world.org, is_active=True).first()
    c = world.complaint(upset_level=3)
    complaint_update(
        complaint_id=c.pk,
        actor=F,
        expected_version=None,
        changes={"title": "保养后冷车异响", "category": category, "upset_level": 4},
    )
    _do("override_severity", c, F, severity=Severity.MAJOR, reason="涉及安全", is_crisis=True)
    _do("confirm", c, F, method="signature")
    _do("hand_over", c, F, to_user=H, department=world.sales)
    _do("start_investigation", c, H)
    complaint_wait(
        complaint=Complaint.objects.get(pk=c.pk), actor=H, reason="customer", waiting=True
    )
    complaint_wait(
        complaint=Complaint.objects.get(pk=c.pk), actor=H, reason="customer", waiting=False
    )
    _do(
        "propose_solution",
        c,
        H,
        solution="更换张紧器并补偿",
        compensation_type="cash",
        compensation_amount=Decimal("3000"),
        solution_due_on=timezone.localdate() + timedelta(days=3),
    )
    assert Complaint.objects.get(pk=c.pk).state == State.AWAITING_APPROVAL
    _do("approve_compensation", c, G)
    _do("decline_solution", c, F, reason="客户要求换车", escalate=True)
    _do("propose_solution", c, H, solution="更换张紧器", compensation_type="free_repair")
    _do("accept_solution", c, F)
    _do("set_deadline", c, D, due_at=timezone.now() + timedelta(days=9), reason="客户同意")
    _do("escalate", c, D, level=EscalationLevel.GROUP, reason="需集团协调")
    _do("resolve", c, H, result="已更换")
    _do("reopen", c, C, reason="异响复现")
    _do("park", c, G, reason="等待配件", follow_up_on=timezone.localdate() + timedelta(days=5))
    _do("resume", c, G)
    _do("propose_solution", c, G, solution="更换发动机总成")
    _do("accept_solution", c, F)
    _do("resolve", c, G, result="已更换总成")
    _do("verify", c, C, satisfaction=Satisfaction.SATISFIED)
    _do("record_root_cause", c, D, root_cause="批次缺陷", preventive_action="保养时检查")
    _do("close", c, D, summary="结案")
    verification_day_come(monkeypatch, c)
    _do("verify_prevention", c, D, verification="三个月无同类投诉")
    duplicate = world.complaint(customer=c.customer, severity=Severity.MEDIUM, **_reason())
    survivor = world.complaint(customer=c.customer)
    _do("merge", duplicate, F, into_id=survivor.pk)
    withdrawn = world.complaint()
    _do("withdraw", withdrawn, F, reason="客户撤回")

    row = Complaint.objects.get(pk=c.pk)
    assert (row.state, row.reopen_count) == (State.CLOSED, 1)
    assert Complaint.objects.get(pk=survivor.pk).severity == Severity.MEDIUM  # taken over
    assert _mismatches() == []

    # …and the replay really knows the values it compared.
    entries = AuditEntry.objects.filter(complaint_id=c.pk, object_id=c.pk).order_by("seq")
    timeline = replay(entries.values_list("action", "actor_id", "data"))
    assert timeline["owner"] == G.pk and timeline["state"] == State.CLOSED
    assert timeline["version"] == row.version and timeline["due_at"]
    assert set(timeline) == set(FIELDS)
    Complaint.objects.filter(pk=c.pk).update(due_at=row.due_at + timedelta(minutes=1))
    assert _mismatches() == [(c.pk, "due_at")]


def _reason():
    return {"severity_override_reason": "客户情绪激动"}


def test_a_tracked_field_nobody_writes_is_still_checked(complaints):
    # Fields only a move writes start at their default: setting one by hand is noticed.
    victim = complaints[0]
    Complaint.objects.filter(pk=victim.pk).update(root_cause="随便写的")
    assert _mismatches() == [(victim.pk, "root_cause")]


def test_the_registration_records_what_the_replay_starts_from():
    from kesu.complaints.services import REGISTER_RECORDED
    from kesu.demo.generation import _REGISTER_FIELDS

    assert set(REGISTER_RECORDED) <= REGISTERED
    # The bulk generator writes the same "register" entries as the service.
    assert {key for key, _attname in _REGISTER_FIELDS} == set(REGISTER_RECORDED)
