"""The "update the customer" cadence for cases with several departments or open for long."""

from datetime import datetime, timedelta
from zoneinfo import ZoneInfo

from kesu.complaints.choices import State, TeamRole
from kesu.complaints.models import Complaint
from kesu.complaints.services import complaint_add_note
from kesu.complaints.team import team_add
from kesu.organisation.choices import Role
from kesu.organisation.tests.factories import UserFactory
from kesu.sla.cadence import updates_for_long_open, updates_for_long_open_now_and_then
from kesu.sla.choices import MilestoneKind, MilestoneStatus
from kesu.sla.deadline_rules import CUSTOMER_UPDATE_SILENCE_ALERT_AFTER
from kesu.sla.models import ComplaintMilestone
from kesu.sla.reminders import sweep_due_milestones

SH = ZoneInfo("Asia/Shanghai")
K = MilestoneKind


def updates(complaint):
    return ComplaintMilestone.objects.filter(complaint=complaint, kind=K.CUSTOMER_UPDATE)


def _sales_handler(world):
    return UserFactory(
        organisation=world.org, branch=world.branch, department=world.sales, role=Role.HANDLER
    )


def test_another_department_on_the_team_starts_daily_updates(world):
    complaint = world.complaint()
    assert not updates(complaint).exists()  # a general complaint: no cadence of its own
    watcher = _sales_handler(world)
    gm = world.user(Role.GENERAL_MANAGER)
    team_add(actor=gm, complaint_id=complaint.pk, user_id=watcher.pk, role=TeamRole.WATCHER)
    assert not updates(complaint).exists()  # a watcher only looks on
    co_handler = _sales_handler(world)
    team_add(actor=gm, complaint_id=complaint.pk, user_id=co_handler.pk, role=TeamRole.CO_HANDLER)
    (m,) = updates(complaint)
    assert m.status == MilestoneStatus.RUNNING
    assert m.due_at - m.started_at == timedelta(days=CUSTOMER_UPDATE_SILENCE_ALERT_AFTER.amount)
    # A shared note meets it and the next round runs from there.
    complaint_add_note(
        complaint_id=complaint.pk,
        actor=world.user(Role.FRONTLINE),
        text="已告知客户进展",
        shared_with_customer=True,
    )
    rounds = {u.round: u.status for u in updates(complaint)}
    assert rounds == {1: MilestoneStatus.MET, 2: MilestoneStatus.RUNNING}
    # Someone of the complaint's own department adds no second cadence.
    team_add(
        actor=gm,
        complaint_id=complaint.pk,
        user_id=UserFactory(
            organisation=world.org, branch=world.branch, department=world.service, role=Role.HANDLER
        ).pk,
        role=TeamRole.CO_HANDLER,
    )
    assert updates(complaint).count() == 2


def test_a_case_open_for_long_gets_the_cadence_and_silence_is_an_alert(world, settings):
    settings.KESU_CUSTOMER_UPDATE_AFTER_DAYS = 3
    received = datetime(2026, 3, 2, 9, 0, tzinfo=SH)
    old = world.complaint(received_at=received)
    young = world.complaint(received_at=received + timedelta(days=3))
    closed = world.complaint(received_at=received)
    Complaint.objects.filter(pk=closed.pk).update(state=State.CLOSED)
    now = received + timedelta(days=4)
    assert updates_for_long_open(now) == 1
    assert updates(old).count() == 1 and not updates(young).exists()
    assert not updates(closed).exists()
    assert updates_for_long_open(now) == 0  # once
    # Two days without an update: overdue, and the chain hears of it.
    sweep_due_milestones(now=now + timedelta(days=2, minutes=1))
    (m,) = updates(old)
    assert m.status == MilestoneStatus.BREACHED


def test_the_worker_looks_for_long_open_cases_now_and_then(world, settings, monkeypatch):
    from kesu.sla import cadence

    settings.KESU_CUSTOMER_UPDATE_AFTER_DAYS = 0
    monkeypatch.setattr(cadence, "_next_long_open_check", 0.0)
    complaint = world.complaint()
    Complaint.objects.filter(pk=complaint.pk).update(
        received_at=complaint.received_at - timedelta(days=1)
    )
    sweep_due_milestones()  # the worker's sweep looks
    assert updates(complaint).count() == 1
    other = world.complaint()
    Complaint.objects.filter(pk=other.pk).update(received_at=other.received_at - timedelta(days=1))
    assert updates_for_long_open_now_and_then() == 0  # not again so soon
    assert not updates(other).exists()
