"""Deadlines follow the case: started on receipt, met by the procedure, paused and recomputed."""

from datetime import UTC, datetime, timedelta
from types import SimpleNamespace
from zoneinfo import ZoneInfo

import pytest
from django.utils import timezone

from kesu.audit.models import AuditEntry
from kesu.complaints import workflow
from kesu.complaints.models import Complaint
from kesu.complaints.services import (
    complaint_add_note,
    manufacturer_answer,
    manufacturer_ask,
    manufacturer_feedback,
)
from kesu.complaints.tests.factories import ManufacturerContactFactory
from kesu.complaints.tests.helpers import tick_required
from kesu.organisation.choices import Role
from kesu.sla.choices import Clock, MilestoneKind, MilestoneStatus, PauseReason, Unit
from kesu.sla.models import DeadlinePolicy, PolicyTarget
from kesu.sla.tracking import complaint_wait, recompute_open_milestones, targets_for

SH = ZoneInfo("Asia/Shanghai")
TUESDAY_10 = datetime(2026, 3, 10, 10, 0, tzinfo=SH)


def milestone(complaint, kind, round_=1):
    return complaint.milestones.get(kind=kind, round=round_)


@pytest.fixture
def complaint(world):
    return world.complaint(received_at=TUESDAY_10, account="发动机异响", cause="product_quality")


def test_registration_starts_contact_and_resolution_clocks(complaint):
    first = milestone(complaint, MilestoneKind.FIRST_CONTACT)
    assert first.status == MilestoneStatus.RUNNING
    assert first.due_at == datetime(2026, 3, 10, 12, 0, tzinfo=SH)  # 2 working hours
    resolution = milestone(complaint, MilestoneKind.RESOLUTION)
    assert resolution.due_at == complaint.due_at
    assert milestone(complaint, MilestoneKind.SOLUTION).status == MilestoneStatus.WAITING
    register = AuditEntry.objects.get(complaint_id=complaint.pk, action="register")
    assert register.data["due"]["resolution:1"] == resolution.due_at.astimezone(UTC).isoformat()


def test_service_manner_is_contacted_within_the_working_hour(world):
    c = world.complaint(
        received_at=TUESDAY_10, cause="service_manner", title="态度差", account="服务顾问态度差"
    )
    assert milestone(c, MilestoneKind.FIRST_CONTACT).due_at == TUESDAY_10 + timedelta(hours=1)


def test_confirmation_meets_first_contact_and_starts_the_solution_clock(world, complaint):
    workflow.complaint_confirm(
        complaint_id=complaint.pk, actor=world.user(Role.FRONTLINE), method="signature"
    )
    assert milestone(complaint, MilestoneKind.FIRST_CONTACT).status == MilestoneStatus.MET
    solution = milestone(complaint, MilestoneKind.SOLUTION)
    assert solution.status == MilestoneStatus.RUNNING
    assert solution.due_at - solution.started_at == timedelta(hours=24)  # calendar time


def test_a_logged_call_is_first_contact(world, complaint):
    complaint_add_note(
        complaint_id=complaint.pk, actor=world.user(Role.FRONTLINE), text="已致电客户", kind="call"
    )
    assert milestone(complaint, MilestoneKind.FIRST_CONTACT).status == MilestoneStatus.MET


def test_parking_pauses_and_resuming_extends_the_deadline(world):
    complaint = world.complaint()  # received now, so the pause starts before the deadline
    handler = world.user(Role.HANDLER)
    workflow.complaint_confirm(complaint_id=complaint.pk, actor=handler, method="signature")
    tick_required(complaint, "start_investigation", handler)
    workflow.complaint_start_investigation(complaint_id=complaint.pk, actor=handler)
    before = milestone(complaint, MilestoneKind.RESOLUTION).due_at

    workflow.complaint_park(
        complaint_id=complaint.pk,
        actor=handler,
        reason="等厂家配件",
        follow_up_on=timezone.localdate() + timedelta(days=7),
    )
    paused = milestone(complaint, MilestoneKind.RESOLUTION)
    assert (
        paused.status == MilestoneStatus.PAUSED
        and paused.due_at is None
        and paused.next_check_at is None
    )

    # Resume: the deadline moves later by the working time spent parked.
    pause_start = datetime.fromisoformat(paused.pauses[0][0])
    workflow.complaint_resume(complaint_id=complaint.pk, actor=handler)
    resumed = milestone(complaint, MilestoneKind.RESOLUTION)
    assert resumed.status == MilestoneStatus.RUNNING
    assert resumed.due_at >= before
    assert (
        resumed.pauses[0][1] is not None
        and datetime.fromisoformat(resumed.pauses[0][1]) >= pause_start
    )


def test_waiting_on_the_customer_pauses_only_until_they_answer(world, complaint):
    actor = world.user(Role.HANDLER)
    complaint_wait(complaint=complaint, actor=actor, reason=PauseReason.CUSTOMER, waiting=True)
    assert milestone(complaint, MilestoneKind.FIRST_CONTACT).status == MilestoneStatus.PAUSED
    complaint_wait(complaint=complaint, actor=actor, reason=PauseReason.CUSTOMER, waiting=False)
    assert milestone(complaint, MilestoneKind.FIRST_CONTACT).status == MilestoneStatus.RUNNING
    actions = set(
        AuditEntry.objects.filter(complaint_id=complaint.pk).values_list("action", flat=True)
    )
    assert {"wait", "stop_waiting"} <= actions


def test_resolution_and_callbacks(world, complaint):
    handler, frontline, callback = (
        world.user(Role.HANDLER),
        world.user(Role.FRONTLINE),
        world.user(Role.CALLBACK),
    )
    pk = complaint.pk
    workflow.complaint_confirm(complaint_id=pk, actor=frontline, method="signature")
    tick_required(complaint, "start_investigation", frontline)
    workflow.complaint_start_investigation(complaint_id=pk, actor=handler)
    workflow.complaint_propose_solution(complaint_id=pk, actor=handler, solution="更换张紧器")
    assert milestone(complaint, MilestoneKind.SOLUTION).status == MilestoneStatus.MET
    workflow.complaint_accept_solution(complaint_id=pk, actor=frontline)
    workflow.complaint_resolve(complaint_id=pk, actor=handler, result="已更换")
    assert milestone(complaint, MilestoneKind.RESOLUTION).status == MilestoneStatus.MET
    callback_due = milestone(complaint, MilestoneKind.SATISFACTION_CALLBACK)
    assert callback_due.status == MilestoneStatus.RUNNING

    workflow.complaint_reopen(complaint_id=pk, actor=callback, reason="异响复现")
    assert milestone(complaint, MilestoneKind.SATISFACTION_CALLBACK).status == MilestoneStatus.MET
    second = milestone(complaint, MilestoneKind.RESOLUTION, round_=2)
    assert second.status == MilestoneStatus.RUNNING
    complaint.refresh_from_db()
    assert complaint.due_at == second.due_at


def test_closing_cancels_what_is_left(world, complaint):
    workflow.complaint_withdraw(
        complaint_id=complaint.pk, actor=world.user(Role.FRONTLINE), reason="客户撤回"
    )
    statuses = set(complaint.milestones.values_list("status", flat=True))
    assert statuses == {MilestoneStatus.CANCELLED}


def test_a_director_override_survives_a_policy_change(world, complaint):
    director = world.user(Role.DIRECTOR)
    due = timezone.now() + timedelta(days=20)
    workflow.complaint_set_deadline(
        complaint_id=complaint.pk, actor=director, due_at=due, reason="客户同意"
    )
    resolution = milestone(complaint, MilestoneKind.RESOLUTION)
    assert resolution.due_at == due and resolution.overridden_by == director

    policy = DeadlinePolicy.objects.create(organisation=world.org, name="全部")
    PolicyTarget.objects.create(
        policy=policy, milestone=MilestoneKind.RESOLUTION, amount=1, unit=Unit.DAYS
    )
    recompute_open_milestones(Complaint.objects.filter(pk=complaint.pk))
    assert milestone(complaint, MilestoneKind.RESOLUTION).due_at == due


def test_a_policy_change_recomputes_open_deadlines(world, complaint):
    before = milestone(complaint, MilestoneKind.RESOLUTION).due_at
    policy = DeadlinePolicy.objects.create(
        organisation=world.org, name="质量投诉", cause="product_quality"
    )
    PolicyTarget.objects.create(
        policy=policy, milestone=MilestoneKind.RESOLUTION, amount=1, unit=Unit.DAYS
    )
    PolicyTarget.objects.create(
        policy=policy,
        milestone=MilestoneKind.FIRST_CONTACT,
        amount=30,
        unit=Unit.MINUTES,
        clock=Clock.CALENDAR,
    )

    changed = recompute_open_milestones(Complaint.objects.filter(pk=complaint.pk))

    assert changed == 2
    resolution = milestone(complaint, MilestoneKind.RESOLUTION)
    assert resolution.due_at == datetime(2026, 3, 11, 10, 0, tzinfo=SH)  # one working day
    assert resolution.policy == policy
    assert milestone(complaint, MilestoneKind.FIRST_CONTACT).due_at == TUESDAY_10 + timedelta(
        minutes=30
    )
    complaint.refresh_from_db()
    assert complaint.due_at == resolution.due_at != before


def test_the_most_specific_policy_wins(world):
    DeadlinePolicy.objects.filter(organisation=world.org).delete()
    general = DeadlinePolicy.objects.create(organisation=world.org, name="默认")
    PolicyTarget.objects.create(
        policy=general, milestone=MilestoneKind.RESOLUTION, amount=10, unit=Unit.DAYS
    )
    major = DeadlinePolicy.objects.create(organisation=world.org, name="重大", severity="major")
    PolicyTarget.objects.create(
        policy=major, milestone=MilestoneKind.RESOLUTION, amount=2, unit=Unit.DAYS
    )
    c = world.complaint(received_at=TUESDAY_10, account="车辆自燃")
    assert milestone(c, MilestoneKind.RESOLUTION).policy == major
    g = world.complaint(received_at=TUESDAY_10, account="洗车不干净")
    assert milestone(g, MilestoneKind.RESOLUTION).policy == general
    # Milestones the specific policy leaves out come from the general one, else the defaults.
    assert milestone(c, MilestoneKind.FIRST_CONTACT).policy is None


def test_a_calendar_change_is_recomputed_by_the_worker(world, complaint):
    from kesu.sla.models import RecomputeRequest
    from kesu.sla.services import calendar_row_for_branch
    from kesu.sla.tracking import process_recompute_requests, request_recompute

    before = milestone(complaint, MilestoneKind.RESOLUTION).due_at
    calendar = calendar_row_for_branch(complaint.branch)
    # Wednesday 11 March becomes a holiday: the resolution deadline moves a working day later.
    calendar.days.create(date=datetime(2026, 3, 11).date(), is_working=False, name="临时停业")
    calendar.save(update_fields=["updated_at"])
    request_recompute(world.org.pk, reason="calendar_changed")

    assert process_recompute_requests() >= 1

    after = milestone(complaint, MilestoneKind.RESOLUTION).due_at
    assert after - before >= timedelta(hours=20)
    assert RecomputeRequest.objects.get().done_at is not None
    assert process_recompute_requests() == 0


@pytest.mark.parametrize(
    "severity,cause",
    [("general", "product_quality"), ("major", "service_manner"), ("medium", "other")],
)
def test_an_organisation_without_policies_gets_what_the_defaults_would_give(world, severity, cause):
    """The fallback is the default policies themselves, not a second copy of them."""
    complaint = SimpleNamespace(
        organisation_id=world.org.pk, severity=severity, cause=cause, kind="complaint",
        channel="phone", category_id=None, category=None,
    )  # fmt: skip
    installed = {m: (t.amount, t.unit, t.clock) for m, t in targets_for(complaint).items()}
    bare = {m: (t.amount, t.unit, t.clock) for m, t in targets_for(complaint, []).items()}
    assert installed == bare
    assert (MilestoneKind.CUSTOMER_UPDATE in bare) == (severity == "major")
    assert bare[MilestoneKind.FIRST_CONTACT][0] == (1 if cause == "service_manner" else 2)


# ---- Feedback to the manufacturer -----------------------------------------------------------


@pytest.fixture
def forwarded(world):
    return world.complaint(
        received_at=TUESDAY_10, channel="manufacturer", third_party_reference="CRM-0815"
    )


def test_a_complaint_the_manufacturer_forwarded_owes_it_feedback(world, forwarded, complaint):
    feedback = milestone(forwarded, MilestoneKind.MANUFACTURER_FEEDBACK)
    assert feedback.status == MilestoneStatus.RUNNING
    # 3 working days of 7.5 h from Tuesday 10:00: Friday 10:00.
    assert feedback.due_at == datetime(2026, 3, 13, 10, 0, tzinfo=SH)
    assert (feedback.amount, feedback.unit, feedback.clock) == (3, Unit.DAYS, Clock.WORKING)
    assert forwarded.due_at == milestone(forwarded, MilestoneKind.RESOLUTION).due_at
    # A complaint that did not come from the manufacturer owes it nothing.
    assert not complaint.milestones.filter(kind=MilestoneKind.MANUFACTURER_FEEDBACK).exists()


def test_recording_the_feedback_meets_the_deadline(world, forwarded):
    manufacturer_feedback(
        complaint_id=forwarded.pk, actor=world.user(Role.DIRECTOR), text="原因已查明，已更换零件"
    )
    feedback = milestone(forwarded, MilestoneKind.MANUFACTURER_FEEDBACK)
    assert feedback.status == MilestoneStatus.MET and feedback.met_at is not None
    assert milestone(forwarded, MilestoneKind.RESOLUTION).status == MilestoneStatus.RUNNING


def test_the_case_moving_on_does_not_stop_what_the_manufacturer_is_owed(world, forwarded):
    frontline, handler = world.user(Role.FRONTLINE), world.user(Role.HANDLER)
    pk = forwarded.pk
    workflow.complaint_confirm(complaint_id=pk, actor=frontline, method="signature")
    tick_required(forwarded, "start_investigation", handler)
    workflow.complaint_start_investigation(complaint_id=pk, actor=handler)
    workflow.complaint_park(
        complaint_id=pk,
        actor=handler,
        reason="等厂家升级包",
        follow_up_on=timezone.localdate() + timedelta(days=7),
    )
    assert milestone(forwarded, MilestoneKind.RESOLUTION).status == MilestoneStatus.PAUSED
    feedback = milestone(forwarded, MilestoneKind.MANUFACTURER_FEEDBACK)
    assert feedback.status == MilestoneStatus.RUNNING and feedback.pauses == []
    workflow.complaint_resume(complaint_id=pk, actor=handler)
    complaint_wait(complaint=forwarded, actor=handler, reason=PauseReason.CUSTOMER, waiting=True)
    assert milestone(forwarded, MilestoneKind.MANUFACTURER_FEEDBACK).pauses == []
    workflow.complaint_withdraw(complaint_id=pk, actor=frontline, reason="客户撤诉")
    assert milestone(forwarded, MilestoneKind.RESOLUTION).status == MilestoneStatus.CANCELLED
    # Withdrawn or not, the manufacturer is told what became of its complaint.
    assert (
        milestone(forwarded, MilestoneKind.MANUFACTURER_FEEDBACK).status == MilestoneStatus.RUNNING
    )
    manufacturer_feedback(complaint_id=pk, actor=handler, text="客户已撤诉")
    assert milestone(forwarded, MilestoneKind.MANUFACTURER_FEEDBACK).status == MilestoneStatus.MET


def test_an_answer_expecting_a_report_back_starts_a_feedback_deadline(world, complaint):
    director = world.user(Role.DIRECTOR)
    contact = ManufacturerContactFactory(organisation=world.org)
    asked = manufacturer_ask(complaint_id=complaint.pk, actor=director, contact=contact, asked="问")
    manufacturer_answer(
        complaint_id=complaint.pk, exchange_id=asked.pk, actor=director, answer="先处理后反馈"
    )
    assert not complaint.milestones.filter(kind=MilestoneKind.MANUFACTURER_FEEDBACK).exists()
    again = manufacturer_ask(
        complaint_id=complaint.pk, actor=director, contact=contact, asked="再问"
    )
    before = timezone.now()
    manufacturer_answer(
        complaint_id=complaint.pk,
        exchange_id=again.pk,
        actor=director,
        answer="请三天内反馈结果",
        feedback_expected=True,
    )
    feedback = milestone(complaint, MilestoneKind.MANUFACTURER_FEEDBACK)
    assert feedback.status == MilestoneStatus.RUNNING and feedback.started_at >= before
    assert feedback.due_at is not None
    # While one runs, another answer expecting feedback starts no second one.
    third = manufacturer_ask(
        complaint_id=complaint.pk, actor=director, contact=contact, asked="三问"
    )
    manufacturer_answer(
        complaint_id=complaint.pk,
        exchange_id=third.pk,
        actor=director,
        answer="同上",
        feedback_expected=True,
    )
    assert complaint.milestones.filter(kind=MilestoneKind.MANUFACTURER_FEEDBACK).count() == 1
    # Once met, the next answer that expects a report back starts the next round.
    manufacturer_feedback(complaint_id=complaint.pk, actor=director, text="已反馈")
    fourth = manufacturer_ask(
        complaint_id=complaint.pk, actor=director, contact=contact, asked="四问"
    )
    manufacturer_answer(
        complaint_id=complaint.pk,
        exchange_id=fourth.pk,
        actor=director,
        answer="再反馈一次",
        feedback_expected=True,
    )
    second = milestone(complaint, MilestoneKind.MANUFACTURER_FEEDBACK, round_=2)
    assert second.status == MilestoneStatus.RUNNING


def test_a_policy_sets_the_feedback_target(world):
    policy = DeadlinePolicy.objects.create(
        organisation=world.org, name="厂家转来：次日反馈", channel="manufacturer"
    )
    PolicyTarget.objects.create(
        policy=policy,
        milestone=MilestoneKind.MANUFACTURER_FEEDBACK,
        amount=1,
        unit=Unit.DAYS,
        clock=Clock.WORKING,
    )
    forwarded = world.complaint(
        received_at=TUESDAY_10, channel="manufacturer", third_party_reference="CRM-1"
    )
    feedback = milestone(forwarded, MilestoneKind.MANUFACTURER_FEEDBACK)
    assert feedback.policy == policy
    assert feedback.due_at == datetime(2026, 3, 11, 10, 0, tzinfo=SH)
