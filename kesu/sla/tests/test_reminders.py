"""The sweep with a controlled clock: the reminder the working day before, then the chain."""

from datetime import datetime, timedelta
from zoneinfo import ZoneInfo

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from kesu.audit.models import AuditEntry
from kesu.complaints.choices import EscalationLevel
from kesu.complaints.services import complaint_add_note
from kesu.notifications.models import Notification
from kesu.organisation.choices import Role
from kesu.organisation.tests.factories import UserFactory
from kesu.sla.choices import MilestoneKind, MilestoneStatus
from kesu.sla.deadline_rules import GENERAL_MANAGER_HEARS_OF_OVERDUE_AFTER
from kesu.sla.models import EscalationStep
from kesu.sla.reminders import DEFAULT_CHAIN, sweep_due_milestones

SH = ZoneInfo("Asia/Shanghai")
MONDAY_9 = datetime(2026, 3, 9, 9, 0, tzinfo=SH)


def resolution(complaint):
    return complaint.milestones.get(kind=MilestoneKind.RESOLUTION, round=1)


def inbox_of(user, kind, milestone="resolution"):
    return Notification.objects.filter(
        recipient=user, channel="inbox", kind=kind, payload__milestone=milestone
    )


@pytest.fixture
def complaint(world):
    # General severity: 3 working days of 7.5 h from Monday 09:00 → due Wednesday 18:00.
    complaint = world.complaint(received_at=MONDAY_9, account="车门异响")
    # First contact made by a call, so only the resolution deadline is left running.
    complaint_add_note(
        complaint_id=complaint.pk, actor=world.user(Role.FRONTLINE), text="已致电", kind="call"
    )
    return complaint


def test_nothing_happens_before_the_reminder_time(complaint):
    assert resolution(complaint).due_at == datetime(2026, 3, 11, 18, 0, tzinfo=SH)
    assert sweep_due_milestones(now=datetime(2026, 3, 9, 9, 30, tzinfo=SH)) == 0


def test_the_owner_is_reminded_the_working_day_before(world, complaint):
    # Reminder at Tue 18:00 (the working day before, same clock time).
    assert resolution(complaint).next_check_at == datetime(2026, 3, 10, 18, 0, tzinfo=SH)
    sweep_due_milestones(now=datetime(2026, 3, 10, 18, 5, tzinfo=SH))
    m = resolution(complaint)
    assert m.warned_at is not None and m.status == MilestoneStatus.RUNNING
    assert m.next_check_at == m.due_at
    assert inbox_of(world.user(Role.FRONTLINE), "milestone_reminder").count() == 1
    # A second sweep does not remind again.
    sweep_due_milestones(now=datetime(2026, 3, 10, 18, 6, tzinfo=SH))
    assert inbox_of(world.user(Role.FRONTLINE), "milestone_reminder").count() == 1


def test_breach_escalates_along_the_chain(world, complaint):
    first_overdue = datetime(2026, 3, 11, 18, 1, tzinfo=SH)
    sweep_due_milestones(now=first_overdue)
    m = resolution(complaint)
    assert m.status == MilestoneStatus.BREACHED and m.breached_at == m.due_at
    assert inbox_of(world.user(Role.FRONTLINE), "milestone_breached").exists()  # owner
    assert inbox_of(world.user(Role.HANDLER), "milestone_breached").exists()  # department manager
    assert inbox_of(world.user(Role.DIRECTOR), "milestone_breached").exists()
    # The general manager hears of it on the first overdue day too (seed 001 §4.3.3).
    assert inbox_of(world.user(Role.GENERAL_MANAGER), "milestone_breached").count() == 1
    complaint.refresh_from_db()
    assert complaint.escalation_level == EscalationLevel.GENERAL_MANAGER
    assert (
        AuditEntry.objects.filter(complaint_id=complaint.pk, action="milestone_breached").count()
        == 1
    )
    assert m.next_check_at is None
    sweep_due_milestones(now=datetime(2026, 3, 12, 18, 0, tzinfo=SH))
    assert inbox_of(world.user(Role.GENERAL_MANAGER), "milestone_breached").count() == 1


def test_on_the_first_overdue_day_director_and_gm_are_told_once_each(world, complaint):
    """Issue 11 item 2 (seed 001 §4.3.3): both hear of it on the *first* overdue day, not a
    working day later, and only once each although the sweep runs twice that day (and again
    the day after)."""
    director, gm = world.user(Role.DIRECTOR), world.user(Role.GENERAL_MANAGER)
    due = resolution(complaint).due_at  # Wednesday 18:00
    assert not inbox_of(director, "milestone_breached").exists()
    for minutes in (1, 1, 30):  # two sweeps at the same minute (two workers), one later
        sweep_due_milestones(now=due + timedelta(minutes=minutes))
        for person in (director, gm):
            assert inbox_of(person, "milestone_breached").count() == 1, person.role
            assert (
                Notification.objects.filter(
                    recipient=person, kind="milestone_breached", payload__milestone="resolution"
                )
                .values("channel")
                .distinct()
                .count()
                == Notification.objects.filter(
                    recipient=person, kind="milestone_breached", payload__milestone="resolution"
                ).count()
            )  # one per channel, never two of one
    sweep_due_milestones(now=due + timedelta(days=1))  # the next working day
    assert inbox_of(director, "milestone_breached").count() == 1
    assert inbox_of(gm, "milestone_breached").count() == 1


def test_major_complaints_reach_the_general_manager_at_once(world):
    major = world.complaint(received_at=MONDAY_9, account="行驶中车辆起火")
    due = resolution(major).due_at
    sweep_due_milestones(now=due + timedelta(minutes=1))
    assert Notification.objects.filter(
        recipient=world.user(Role.GENERAL_MANAGER), kind="milestone_breached"
    ).exists()


def test_a_configured_chain_replaces_the_default(world, complaint):
    EscalationStep.objects.create(organisation=world.org, order=1, target="group", delay_minutes=0)
    sweep_due_milestones(now=datetime(2026, 3, 11, 18, 1, tzinfo=SH))
    assert inbox_of(world.user(Role.GROUP), "milestone_breached").exists()
    assert not inbox_of(world.user(Role.DIRECTOR), "milestone_breached").exists()


def test_sweeping_twice_sends_nothing_twice(world, complaint):
    now = datetime(2026, 3, 13, 18, 0, tzinfo=SH)
    sweep_due_milestones(now=now)
    count = Notification.objects.count()
    assert count > 0
    sweep_due_milestones(now=now)
    assert Notification.objects.count() == count


def test_a_met_milestone_is_not_chased(world, complaint):
    from kesu.complaints import workflow

    workflow.complaint_withdraw(
        complaint_id=complaint.pk, actor=world.user(Role.FRONTLINE), reason="撤回"
    )
    assert sweep_due_milestones(now=datetime(2026, 3, 20, tzinfo=SH)) == 0


def _breached_sweep_queries(world, n: int) -> int:
    for i in range(n):
        world.complaint(received_at=MONDAY_9, account=f"车门异响{i}")
    with CaptureQueriesContext(connection) as ctx:
        handled = sweep_due_milestones(now=datetime(2026, 3, 12, 10, 0, tzinfo=SH))
    assert handled >= n
    return len(ctx.captured_queries)


def test_a_sweep_writes_its_outbox_rows_and_audit_entries_per_batch(world, settings):
    # One audit lane: each lane of the trail costs its own lock and insert (at most 16).
    settings.KESU_AUDIT_LANES = 1
    few = _breached_sweep_queries(world, 2)
    Notification.objects.all().delete()
    # Another set of complaints breached later: the sweep's queries do not grow with them.
    many = _breached_sweep_queries(world, 8)
    assert many <= few + 2, (few, many)
    assert Notification.objects.filter(kind="milestone_breached").count() >= 8


def test_a_sweep_looks_up_a_department_manager_once_for_many_owners(world, settings):
    settings.KESU_AUDIT_LANES = 1
    frontline = world.user(Role.FRONTLINE)
    few = _breached_sweep_queries(world, 2)
    Notification.objects.all().delete()
    for i in range(6):
        colleague = UserFactory(
            username=f"colleague-{i}",
            role=Role.FRONTLINE,
            organisation=world.org,
            branch=frontline.branch,
            department=frontline.department,
        )
        world.complaint(actor=colleague, received_at=MONDAY_9, account=f"车门异响 {i}")
    with CaptureQueriesContext(connection) as ctx:
        sweep_due_milestones(now=datetime(2026, 3, 12, 10, 0, tzinfo=SH))
    # Six owners, one department and branch: the managers are not asked for six times.
    assert len(ctx.captured_queries) <= few + 2, (few, len(ctx.captured_queries))
    assert (
        Notification.objects.filter(
            recipient=world.user(Role.HANDLER), kind="milestone_breached"
        ).count()
        >= 6
    )


def test_the_general_manager_hears_of_an_overdue_case_on_its_first_day():
    assert timedelta(0) == GENERAL_MANAGER_HEARS_OF_OVERDUE_AFTER
    assert all(step.delay == timedelta(0) for step in DEFAULT_CHAIN)


def test_the_feedback_the_manufacturer_expects_is_reminded_and_chased(world):
    # From the manufacturer's CRM on Monday 09:00: feedback due Wednesday 18:00 (3 working days).
    forwarded = world.complaint(
        received_at=MONDAY_9,
        channel="manufacturer",
        account="车门异响",
        third_party_reference="CRM-2026-0309",
    )
    feedback = forwarded.milestones.get(kind=MilestoneKind.MANUFACTURER_FEEDBACK)
    assert feedback.due_at == datetime(2026, 3, 11, 18, 0, tzinfo=SH)
    assert feedback.next_check_at == datetime(2026, 3, 10, 18, 0, tzinfo=SH)
    sweep_due_milestones(now=datetime(2026, 3, 10, 18, 5, tzinfo=SH))
    owner = world.user(Role.FRONTLINE)
    assert inbox_of(owner, "milestone_reminder", "manufacturer_feedback").count() == 1
    sweep_due_milestones(now=datetime(2026, 3, 11, 18, 1, tzinfo=SH))
    feedback.refresh_from_db()
    assert feedback.status == MilestoneStatus.BREACHED
    assert inbox_of(
        world.user(Role.DIRECTOR), "milestone_breached", "manufacturer_feedback"
    ).exists()


def test_a_one_working_day_target_is_reminded_at_three_quarters_not_at_once(world):
    # The solution deadline: one working day from confirmation (Monday 09:00 → Tuesday 09:00).
    # Its "working day before" is its own start: remind at 3/4 of the way instead.
    from kesu.complaints import workflow
    from kesu.complaints.tests.helpers import tick_required

    complaint = world.complaint(received_at=MONDAY_9, account="车门异响")
    frontline = world.user(Role.FRONTLINE)
    tick_required(complaint, "confirm", frontline)
    workflow.complaint_confirm(complaint_id=complaint.pk, actor=frontline, method="signature")
    solution = complaint.milestones.get(kind=MilestoneKind.SOLUTION, round=1)
    assert solution.status == MilestoneStatus.RUNNING
    assert solution.started_at < solution.next_check_at < solution.due_at
    sweep_due_milestones(now=solution.started_at + timedelta(minutes=1))
    assert not inbox_of(frontline, "milestone_reminder", "solution").exists()
    sweep_due_milestones(now=solution.next_check_at + timedelta(minutes=1))
    assert inbox_of(frontline, "milestone_reminder", "solution").count() == 1
