"""The deadlines of each complaint: started, paused, met and recomputed as the case moves.

The procedure (complaints/workflow.py) calls `milestones_after_move` in the same transaction as
every move, and registration `milestones_at_registration` (plan, then save), through the hooks
of kesu/complaints/hooks.py that SlaConfig.ready() fills; nothing here changes a complaint's
state.
"""

from datetime import datetime, timedelta

from django.db import transaction
from django.utils import timezone

from kesu.audit.services import audit_record
from kesu.complaints.choices import Move
from kesu.complaints.hooks import RegistrationPart
from kesu.complaints.models import Complaint, in_subtree
from kesu.complaints.workflow import ENDING_MOVES
from kesu.sla.calendar import CalendarClock, WorkingCalendar, due_after_pauses
from kesu.sla.choices import (
    LIVE_MILESTONE_STATUSES,
    MEETABLE_MILESTONE_STATUSES,
    OPEN_MILESTONE_STATUSES,
    PAUSABLE_MILESTONE_STATUSES,
    Clock,
    DeadlineAction,
    MilestoneKind,
    MilestoneStatus,
    PauseReason,
    Unit,
)
from kesu.sla.deadline_rules import MANUFACTURER_FEEDBACK_CHANNELS, Target
from kesu.sla.defaults import default_targets_for
from kesu.sla.models import ComplaintMilestone, DeadlinePolicy
from kesu.sla.services import calendar_row_for_branch, working_calendar

K = MilestoneKind
# Deadlines owed to someone outside the case's own progress: the manufacturer waits for its
# feedback whatever happens to the case, so parking, waiting, reopening and closing it stop
# none of them; only the feedback recorded meets them (milestones_feedback_sent).
OWED_KINDS = frozenset({K.MANUFACTURER_FEEDBACK})


def _case_clocks(milestones) -> list[ComplaintMilestone]:
    """The milestones the case's own progress starts, pauses and stops (not OWED_KINDS)."""
    return [m for m in milestones if m.kind not in OWED_KINDS]


def matching_policies(complaint: Complaint, policies) -> list[DeadlinePolicy]:
    """The active policies that match, most specific (then highest priority) first."""
    category_path = complaint.category.path if complaint.category_id else ""
    found = []
    for policy in policies:
        if not policy.is_active:
            continue
        if policy.kind and policy.kind != complaint.kind:
            continue
        if policy.severity and policy.severity != complaint.severity:
            continue
        if policy.channel and policy.channel != complaint.channel:
            continue
        if policy.cause and policy.cause != complaint.cause:
            continue
        if policy.category_id and not in_subtree(category_path, policy.category.path):
            continue
        found.append(policy)
    return sorted(found, key=lambda p: (p.specificity, p.priority, -p.pk), reverse=True)


def policies_of(organisation_id: int):
    return list(
        DeadlinePolicy.objects.filter(organisation_id=organisation_id, is_active=True)
        .select_related("category")
        .prefetch_related("targets")
    )


def targets_for(complaint: Complaint, policies=None) -> dict[str, Target]:
    policies = policies_of(complaint.organisation_id) if policies is None else policies
    # Where the organisation's policies set no target, the defaults it started with apply.
    targets = default_targets_for(complaint)
    # Each milestone takes its target from the most specific matching policy that sets one.
    for policy in reversed(matching_policies(complaint, policies)):
        for t in policy.targets.all():
            targets[t.milestone] = Target(t.amount, t.unit, t.clock, policy.pk)
    return targets


class Clocks:
    """Working calendars per branch, loaded once for a batch of complaints."""

    def __init__(self):
        self._calendars: dict[int, WorkingCalendar] = {}

    def for_milestone(
        self, milestone: ComplaintMilestone, branch
    ) -> WorkingCalendar | CalendarClock:
        if milestone.clock == Clock.CALENDAR:
            return CalendarClock()
        return self.working(branch)

    def working(self, branch) -> WorkingCalendar:
        if branch.pk not in self._calendars:
            self._calendars[branch.pk] = working_calendar(calendar_row_for_branch(branch))
        return self._calendars[branch.pk]


def target_duration(amount: int, unit: str, clock: str, calendar: WorkingCalendar) -> timedelta:
    if unit == Unit.MINUTES:
        return timedelta(minutes=amount)
    if unit == Unit.HOURS:
        return timedelta(hours=amount)
    # Days: a working day is the calendar's working hours; a calendar day is 24 hours.
    return amount * (
        calendar.working_time_per_day() if clock == Clock.WORKING else timedelta(days=1)
    )


def _parse(value: str | None) -> datetime | None:
    return datetime.fromisoformat(value) if value else None


def compute_due(milestone: ComplaintMilestone, clocks: Clocks, branch) -> datetime | None:
    if milestone.overridden_by_id and milestone.due_at:
        return milestone.due_at
    if milestone.started_at is None:
        return None
    clock = clocks.for_milestone(milestone, branch)
    duration = target_duration(
        milestone.amount, milestone.unit, milestone.clock, clocks.working(branch)
    )
    pauses = [(_parse(p[0]), _parse(p[1])) for p in milestone.pauses]
    return due_after_pauses(clock, milestone.started_at, duration, pauses)


def reminder_time(milestone: ComplaintMilestone, clocks: Clocks, branch) -> datetime | None:
    """When the owner is reminded: the working day before, or at 3/4 of a shorter target — and of
    a target of one working day, whose day before is its start (a reminder the moment the
    deadline is set tells nobody anything)."""
    if milestone.due_at is None or milestone.started_at is None:
        return None
    calendar = clocks.working(branch)
    span = calendar.between(milestone.started_at, milestone.due_at)
    if span >= calendar.working_time_per_day():
        local_due = milestone.due_at.astimezone(calendar.tz)
        day_before = calendar.previous_working_day(local_due.date())
        before = datetime.combine(day_before, local_due.timetz())
        if before > milestone.started_at:
            return before
    clock = clocks.for_milestone(milestone, branch)
    return clock.add(
        milestone.started_at, clock.between(milestone.started_at, milestone.due_at) * 3 / 4
    )


def _schedule(milestone: ComplaintMilestone, clocks: Clocks, branch) -> None:
    """Set due_at and when the sweep should next look at this milestone."""
    milestone.due_at = compute_due(milestone, clocks, branch)
    if milestone.status not in OPEN_MILESTONE_STATUSES or milestone.due_at is None:
        milestone.next_check_at = None
    elif milestone.status == MilestoneStatus.BREACHED:
        pass  # the escalation chain keeps its own schedule (sla/reminders.py)
    elif milestone.warned_at is None:
        milestone.next_check_at = reminder_time(milestone, clocks, branch)
    else:
        milestone.next_check_at = milestone.due_at


def _new(complaint, kind, targets, round_, status, started_at=None) -> ComplaintMilestone:
    t = targets[kind]
    return ComplaintMilestone(
        complaint=complaint,
        kind=kind,
        round=round_,
        status=status,
        policy_id=t.policy_id,
        amount=t.amount,
        unit=t.unit,
        clock=t.clock,
        started_at=started_at,
    )


def milestones_plan(complaint: Complaint) -> list[ComplaintMilestone]:
    """Deadlines of a complaint being registered, computed before it is saved.

    Contact and resolution run from receipt. Registration puts the resolution deadline in the
    complaint's row and the due times in its "register" audit entry, then saves these with
    `milestones_save` once the complaint has its id.
    """
    targets = targets_for(complaint)
    clocks = Clocks()
    received = complaint.received_at
    milestones = [
        _new(complaint, K.FIRST_CONTACT, targets, 1, MilestoneStatus.RUNNING, received),
        _new(complaint, K.SOLUTION, targets, 1, MilestoneStatus.WAITING),
        _new(complaint, K.RESOLUTION, targets, 1, MilestoneStatus.RUNNING, received),
        _new(complaint, K.SATISFACTION_CALLBACK, targets, 1, MilestoneStatus.WAITING),
    ]
    if K.CUSTOMER_UPDATE in targets:
        milestones.append(
            _new(complaint, K.CUSTOMER_UPDATE, targets, 1, MilestoneStatus.RUNNING, received)
        )
    if complaint.channel in MANUFACTURER_FEEDBACK_CHANNELS and K.MANUFACTURER_FEEDBACK in targets:
        milestones.append(
            _new(complaint, K.MANUFACTURER_FEEDBACK, targets, 1, MilestoneStatus.RUNNING, received)
        )
    for m in milestones:
        _schedule(m, clocks, complaint.branch)
    complaint.due_at = next(m.due_at for m in milestones if m.kind == K.RESOLUTION)
    return milestones


def milestones_save(complaint: Complaint, milestones: list[ComplaintMilestone]) -> None:
    for m in milestones:
        m.complaint = complaint
    ComplaintMilestone.objects.bulk_create(milestones)


def due_key(kind: str, round: int) -> str:
    """How an entry's "due" names a milestone: "resolution:1" is the first resolution round."""
    return f"{kind}:{round}"


def due_times(milestones: list[ComplaintMilestone]) -> dict[str, datetime]:
    return {due_key(m.kind, m.round): m.due_at for m in milestones if m.due_at}


def milestones_at_registration(complaint: Complaint) -> RegistrationPart:
    """complaints' `registration_planned` hook: plan the deadlines now, save them with the
    complaint, their due times in its "register" entry."""
    milestones = milestones_plan(complaint)
    return RegistrationPart(
        save=lambda saved: milestones_save(saved, milestones),
        audit_data={"due": due_times(milestones)},
    )


def _sync_complaint_due(complaint, milestones, actor, reason: str) -> None:
    """Complaint.due_at mirrors the current resolution deadline, for lists and the overdue filter."""
    resolution = [
        m for m in milestones if m.kind == K.RESOLUTION and m.status in LIVE_MILESTONE_STATUSES
    ]
    due = max(resolution, key=lambda m: m.round).due_at if resolution else complaint.due_at
    dues = due_times(milestones)
    moved = due != complaint.due_at
    if moved:
        Complaint.objects.filter(pk=complaint.pk).update(due_at=due)
        complaint.due_at = due
    # Also when every clock stopped (parked: no due time left) the row's due_at moved.
    if dues or moved:
        audit_record(
            organisation_id=complaint.organisation_id,
            actor=actor,
            action=DeadlineAction.DEADLINES,
            obj=complaint,
            complaint_id=complaint.pk,
            # due_at: what the complaint's row says now (kesu/complaints/consistency.py replays it).
            data={"reason": reason, "due": dues, "due_at": complaint.due_at},
        )


def _live(complaint: Complaint) -> list[ComplaintMilestone]:
    return list(
        ComplaintMilestone.objects.select_for_update()
        .filter(complaint=complaint, status__in=LIVE_MILESTONE_STATUSES)
        .order_by("kind", "round")
    )


# The milestones a move of the procedure meets, then starts (in that order).
_MEETS_AND_STARTS = {
    Move.CONFIRM: ((K.FIRST_CONTACT,), (K.SOLUTION,)),
    Move.PROPOSE_SOLUTION: ((K.FIRST_CONTACT, K.SOLUTION), ()),
    Move.RESOLVE: ((K.RESOLUTION,), (K.SATISFACTION_CALLBACK,)),
    Move.VERIFY: ((K.SATISFACTION_CALLBACK,), ()),
}


def milestones_after_move(
    complaint: Complaint, move: str, actor, at: datetime | None = None
) -> None:
    """Apply a move of the procedure to the complaint's deadlines."""
    at = at or timezone.now()
    milestones = _live(complaint)
    if not milestones and move != Move.REOPEN:
        return
    changed, created = _moved(complaint, milestones, move, actor, at)
    _save(complaint, changed, created, Clocks(), actor, reason=move)


def _moved(complaint, milestones, move: str, actor, at: datetime) -> tuple[list, list]:
    """The milestones a move changes and the ones it creates (not saved yet)."""
    if move in _MEETS_AND_STARTS:
        meets, starts = _MEETS_AND_STARTS[move]
        changed = [m for kind in meets for m in _meet(milestones, kind, at)]
        return changed + [m for kind in starts for m in _start(milestones, kind, at)], []
    if move == Move.PARK:
        return _pause(_case_clocks(milestones), PauseReason.PARKED, at), []
    if move == Move.RESUME:
        return _resume(milestones, at), []
    if move in ENDING_MOVES:
        return _cancel(_case_clocks(milestones)), []
    if move == Move.REOPEN:
        return _reopen(complaint, _case_clocks(milestones), at)
    if move == Move.SET_DEADLINE:
        return _override_resolution(complaint, milestones, actor), []
    return [], []


def _meet(milestones, kind: str, at: datetime) -> list[ComplaintMilestone]:
    met = [m for m in milestones if m.kind == kind and m.status in MEETABLE_MILESTONE_STATUSES]
    for m in met:
        m.status, m.met_at = MilestoneStatus.MET, at
    return met


def _start(milestones, kind: str, at: datetime) -> list[ComplaintMilestone]:
    started = [m for m in milestones if m.kind == kind and m.status == MilestoneStatus.WAITING]
    for m in started:
        m.status, m.started_at = MilestoneStatus.RUNNING, at
    return started


def _cancel(milestones) -> list[ComplaintMilestone]:
    for m in milestones:
        m.status, m.next_check_at = MilestoneStatus.CANCELLED, None
    return list(milestones)


def _reopen(complaint, milestones, at: datetime) -> tuple[list, list]:
    """The satisfaction callback happened (it found the customer unsatisfied); what was still
    open is cancelled and a new round of resolution and callback starts."""
    met = _meet(milestones, K.SATISFACTION_CALLBACK, at)
    cancelled = _cancel([m for m in milestones if m.status not in (MilestoneStatus.MET,)])
    targets = targets_for(complaint)
    round_ = ComplaintMilestone.objects.filter(complaint=complaint, kind=K.RESOLUTION).count() + 1
    created = [
        _new(complaint, K.RESOLUTION, targets, round_, MilestoneStatus.RUNNING, at),
        _new(complaint, K.SATISFACTION_CALLBACK, targets, round_, MilestoneStatus.WAITING),
    ]
    return met + cancelled, created


def _override_resolution(complaint, milestones, actor) -> list[ComplaintMilestone]:
    """set_deadline: the resolution deadline becomes the one set on the complaint."""
    overridden = [m for m in milestones if m.kind == K.RESOLUTION]
    for m in overridden:
        m.due_at, m.overridden_by = complaint.due_at, actor
    return overridden


def milestones_after_contact(
    complaint: Complaint, actor, at: datetime | None = None, shared: bool = True
) -> None:
    """A call or a note shared with the customer: first contact made, the customer updated."""
    at = at or timezone.now()
    milestones = _live(complaint)
    changed, created = [], []
    for m in milestones:
        if m.kind == K.FIRST_CONTACT and m.status in (
            MilestoneStatus.RUNNING,
            MilestoneStatus.BREACHED,
        ):
            m.status, m.met_at = MilestoneStatus.MET, at
            changed.append(m)
        elif m.kind == K.CUSTOMER_UPDATE and shared and m.status != MilestoneStatus.WAITING:
            m.status, m.met_at = MilestoneStatus.MET, at
            changed.append(m)
            # Updates are due again and again: the next one runs from this one.
            nxt = ComplaintMilestone(
                complaint=complaint,
                kind=K.CUSTOMER_UPDATE,
                round=m.round + 1,
                status=MilestoneStatus.PAUSED
                if m.status == MilestoneStatus.PAUSED
                else MilestoneStatus.RUNNING,
                policy_id=m.policy_id,
                amount=m.amount,
                unit=m.unit,
                clock=m.clock,
                started_at=at,
                pauses=[p for p in m.pauses if p[1] is None],
            )
            created.append(nxt)
    _save(complaint, changed, created, Clocks(), actor, reason="contact")


def milestones_feedback_expected(complaint: Complaint, actor, at: datetime | None = None) -> None:
    """complaints' `manufacturer_feedback_expected` hook: the manufacturer's staff expect a
    report back, so a feedback deadline runs from now, unless one runs already."""
    at = at or timezone.now()
    milestones = _live(complaint)
    if any(m.kind == K.MANUFACTURER_FEEDBACK for m in milestones):
        return
    targets = targets_for(complaint)
    if K.MANUFACTURER_FEEDBACK not in targets:
        return
    round_ = (
        ComplaintMilestone.objects.filter(complaint=complaint, kind=K.MANUFACTURER_FEEDBACK).count()
        + 1
    )
    created = [
        _new(complaint, K.MANUFACTURER_FEEDBACK, targets, round_, MilestoneStatus.RUNNING, at)
    ]
    _save(complaint, [], created, Clocks(), actor, reason="manufacturer_feedback_expected")


def milestones_feedback_sent(complaint: Complaint, actor, at: datetime | None = None) -> None:
    """complaints' `manufacturer_feedback_sent` hook: the feedback deadline is met."""
    met = _meet(_live(complaint), K.MANUFACTURER_FEEDBACK, at or timezone.now())
    _save(complaint, met, [], Clocks(), actor, reason="manufacturer_feedback")


def _pause(milestones, reason: str, at: datetime) -> list[ComplaintMilestone]:
    changed = []
    for m in milestones:
        if m.status in PAUSABLE_MILESTONE_STATUSES:
            if any(p[1] is None and p[2] == reason for p in m.pauses):
                continue
            m.pauses = [*m.pauses, [at.isoformat(), None, reason]]
            if m.status == MilestoneStatus.RUNNING:
                m.status = MilestoneStatus.PAUSED
            changed.append(m)
    return changed


def _resume(milestones, at: datetime, reason: str | None = None) -> list[ComplaintMilestone]:
    changed = []
    for m in milestones:
        pauses = [
            [p[0], at.isoformat(), p[2]]
            if p[1] is None and (reason is None or p[2] == reason)
            else p
            for p in m.pauses
        ]
        if pauses != m.pauses:
            m.pauses = pauses
            still_paused = any(p[1] is None for p in pauses)
            if m.status == MilestoneStatus.PAUSED and not still_paused:
                m.status = MilestoneStatus.RUNNING
            changed.append(m)
    return changed


def _save(complaint, changed, created, clocks: Clocks, actor, reason: str) -> None:
    if not changed and not created:
        return
    unique = {id(m): m for m in changed}.values()
    for m in [*unique, *created]:
        if m.status in MEETABLE_MILESTONE_STATUSES:  # those with a clock to schedule
            _schedule(m, clocks, complaint.branch)
    if unique:
        ComplaintMilestone.objects.bulk_update(
            list(unique),
            [
                "status",
                "started_at",
                "due_at",
                "pauses",
                "met_at",
                "next_check_at",
                "overridden_by",
            ],
        )
    if created:
        ComplaintMilestone.objects.bulk_create(created)
    _sync_complaint_due(complaint, [*unique, *created], actor, reason=reason)


@transaction.atomic
def complaint_wait(*, complaint: Complaint, actor, reason: str, waiting: bool) -> None:
    """Stop or restart the clocks while the case waits on the customer or a third party."""
    if reason not in (PauseReason.CUSTOMER, PauseReason.THIRD_PARTY):
        raise ValueError(reason)
    at = timezone.now()
    milestones = _case_clocks(_live(complaint))
    changed = _pause(milestones, reason, at) if waiting else _resume(milestones, at, reason)
    audit_record(
        organisation_id=complaint.organisation_id,
        actor=actor,
        action=DeadlineAction.WAIT if waiting else DeadlineAction.STOP_WAITING,
        obj=complaint,
        complaint_id=complaint.pk,
        data={"reason": reason},
    )
    _save(
        complaint,
        changed,
        [],
        Clocks(),
        actor,
        reason=DeadlineAction.WAIT if waiting else DeadlineAction.STOP_WAITING,
    )


def recompute_open_milestones(complaints, actor=None, reason: str = "recompute") -> int:
    """After a policy or calendar change: new targets and due times for live milestones.

    Milestones already met or breached keep their history; an overridden deadline stays.
    """
    count = 0
    clocks = Clocks()
    policies_by_org: dict[int, list] = {}
    for complaint in complaints.select_related("branch", "category"):
        with transaction.atomic():
            policies = policies_by_org.setdefault(
                complaint.organisation_id, policies_of(complaint.organisation_id)
            )
            targets = targets_for(complaint, policies)
            changed = []
            for m in _live(complaint):
                t = targets.get(m.kind)
                if t is None:
                    continue
                before = (m.due_at, m.next_check_at, m.status)
                m.amount, m.unit, m.clock, m.policy_id = t.amount, t.unit, t.clock, t.policy_id
                _schedule(m, clocks, complaint.branch)
                if m.status == MilestoneStatus.BREACHED and m.due_at and m.due_at > timezone.now():
                    # The new target gives more time: running again; breached_at stays as history.
                    m.status, m.escalation_step = MilestoneStatus.RUNNING, 0
                    _schedule(m, clocks, complaint.branch)
                if (m.due_at, m.next_check_at, m.status) != before:
                    changed.append(m)
            if changed:
                ComplaintMilestone.objects.bulk_update(
                    changed,
                    [
                        "amount",
                        "unit",
                        "clock",
                        "policy",
                        "due_at",
                        "next_check_at",
                        "status",
                        "escalation_step",
                    ],
                )
                _sync_complaint_due(complaint, changed, actor, reason=reason)
                count += len(changed)
    return count


def request_recompute(organisation_id: int, reason: str, branch_id: int | None = None) -> None:
    from kesu.sla.models import RecomputeRequest

    RecomputeRequest.objects.create(
        organisation_id=organisation_id, branch_id=branch_id, reason=reason
    )


def process_recompute_requests(batch_size: int = 1000) -> int:
    """Carry out pending recompute requests (the worker calls this before each sweep)."""
    from kesu.sla.models import RecomputeRequest

    changed = 0
    for req in RecomputeRequest.objects.filter(done_at__isnull=True).order_by("pk"):
        started = timezone.now()
        open_ids = (
            ComplaintMilestone.objects.filter(
                status__in=LIVE_MILESTONE_STATUSES, complaint__organisation_id=req.organisation_id
            )
            .filter(**({"complaint__branch_id": req.branch_id} if req.branch_id else {}))
            .values_list("complaint_id", flat=True)
            .distinct()
        )
        ids = sorted(set(open_ids))
        count = 0
        for i in range(0, len(ids), batch_size):
            count += recompute_open_milestones(
                Complaint.objects.filter(pk__in=ids[i : i + batch_size]), reason=req.reason
            )
        # Requests made while this one ran are covered too if they came before it started.
        RecomputeRequest.objects.filter(pk=req.pk).update(
            done_at=timezone.now(), milestones_changed=count
        )
        RecomputeRequest.objects.filter(
            done_at__isnull=True,
            organisation_id=req.organisation_id,
            branch_id=req.branch_id,
            requested_at__lte=started,
        ).update(done_at=timezone.now())
        changed += count
    return changed
