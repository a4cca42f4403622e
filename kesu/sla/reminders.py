"""The deadline sweep: reminders before a deadline, and the escalation chain after it.

Each milestone carries `next_check_at`, the next moment something may have to happen to it; the
sweep reads only rows whose moment has come (an index on status and next_check_at), in batches,
locking them with SKIP LOCKED so several workers can sweep side by side. Notifications go to
the outbox in the same transaction.
"""

from dataclasses import dataclass, field
from datetime import datetime, timedelta

from django.db import connection, transaction
from django.db.models import Q
from django.utils import timezone

from kesu.audit.services import audit_record_many
from kesu.complaints.choices import EscalationLevel, Severity
from kesu.complaints.models import Complaint
from kesu.complaints.people import branch_people, group_centre, handling_managers
from kesu.organisation.choices import Role
from kesu.organisation.models import User
from kesu.sla import hooks
from kesu.sla.cadence import updates_for_long_open_now_and_then
from kesu.sla.choices import DeadlineAction, DeadlineNotice, MilestoneStatus
from kesu.sla.deadline_rules import GENERAL_MANAGER_HEARS_OF_OVERDUE_AFTER
from kesu.sla.models import ComplaintMilestone, EscalationStep
from kesu.sla.tracking import Clocks, process_recompute_requests

T = EscalationStep.Target


@dataclass(frozen=True)
class Step:
    target: str
    delay: timedelta


# On the first overdue day the owner, the owner's manager, the customer director and the general
# manager hear of it (deadline_rules). Used where an organisation set no chain of its own.
DEFAULT_CHAIN = (
    Step(T.OWNER, timedelta(0)),
    Step(T.DEPARTMENT_MANAGER, timedelta(0)),
    Step(T.CUSTOMER_DIRECTOR, timedelta(0)),
    Step(T.GENERAL_MANAGER, GENERAL_MANAGER_HEARS_OF_OVERDUE_AFTER),
)
ESCALATION_LEVEL_OF = {
    T.OWNER: EscalationLevel.NONE,
    T.DEPARTMENT_MANAGER: EscalationLevel.DEPARTMENT_MANAGER,
    T.CUSTOMER_DIRECTOR: EscalationLevel.CUSTOMER_DIRECTOR,
    T.GENERAL_MANAGER: EscalationLevel.GENERAL_MANAGER,
    T.GROUP: EscalationLevel.GROUP,
}


def chain_for(organisation_id: int, cache: dict) -> tuple[Step, ...]:
    if organisation_id not in cache:
        rows = EscalationStep.objects.filter(organisation_id=organisation_id).order_by("order")
        steps = tuple(Step(r.target, timedelta(minutes=r.delay_minutes)) for r in rows)
        cache[organisation_id] = steps or DEFAULT_CHAIN
    return cache[organisation_id]


def _effective_chain(chain: tuple[Step, ...], complaint: Complaint) -> tuple[Step, ...]:
    """Major and crisis complaints reach the general manager at once."""
    if complaint.severity == Severity.MAJOR or complaint.is_crisis:
        steps = [Step(s.target, timedelta(0)) for s in chain]
        if not any(s.target == T.GENERAL_MANAGER for s in steps):
            steps.append(Step(T.GENERAL_MANAGER, timedelta(0)))
        return tuple(steps)
    return chain


def recipients(target: str, complaint: Complaint, cache: dict | None = None) -> list[User]:
    """Who a step of the chain reaches for this complaint (looked up once per sweep)."""
    if cache is None:
        return _recipients(target, complaint)
    # Keyed by what the target depends on, so a sweep asks once per department or branch.
    if target == T.OWNER:
        key = (target, complaint.owner_id)
    elif target == T.DEPARTMENT_MANAGER:
        key = (target, complaint.department_id)
    elif target in (T.CUSTOMER_DIRECTOR, T.GENERAL_MANAGER):
        key = (target, complaint.branch_id)
    else:
        key = (target, complaint.organisation_id)
    if key not in cache:
        cache[key] = _recipients(target, complaint)
    return cache[key]


def _recipients(target: str, complaint: Complaint) -> list[User]:
    org = complaint.organisation_id
    if target == T.OWNER:
        return [complaint.owner] if complaint.owner_id and complaint.owner.is_active else []
    if target == T.DEPARTMENT_MANAGER:
        return handling_managers(org, complaint.department_id, complaint.branch_id)
    if target == T.CUSTOMER_DIRECTOR:
        return branch_people(org, complaint.branch_id, Role.DIRECTOR)
    if target == T.GENERAL_MANAGER:
        return branch_people(org, complaint.branch_id, Role.GENERAL_MANAGER)
    return group_centre(org)


def _payload(m: ComplaintMilestone) -> dict:
    c = m.complaint
    return {
        "complaint_id": c.pk,
        "complaint_number": c.number,
        "title": c.title,
        "milestone": m.kind,
        "round": m.round,
        "due_at": m.due_at.isoformat() if m.due_at else None,
        "severity": c.severity,
        "is_crisis": c.is_crisis,
    }


def _notify(
    ctx: "_Sweep",
    m: ComplaintMilestone,
    users: list[User],
    kind: str,
    dedupe_key: str,
    extra: dict | None = None,
) -> None:
    if not users:
        return
    c = m.complaint
    ctx.notifications.append(
        {
            "organisation_id": c.organisation_id,
            "branch_id": c.branch_id,
            "recipients": users,
            "kind": kind,
            "payload": {**_payload(m), **(extra or {})},
            "dedupe_key": dedupe_key,
        }
    )


def sweep_due_milestones(now: datetime | None = None, batch_size: int = 500) -> int:
    """Handle every milestone whose next check has come; returns how many were handled.

    Pending recomputations (after a policy or calendar change) are done first, so the sweep
    never acts on a deadline that no longer holds.
    """
    process_recompute_requests()
    if now is None:  # the worker's sweep (a fixed clock is a test's or a replay's)
        updates_for_long_open_now_and_then()
    now = now or timezone.now()
    handled = 0
    ctx = _Sweep(clocks=Clocks())
    while True:
        with transaction.atomic():
            batch = list(
                ComplaintMilestone.objects.select_for_update(skip_locked=True, of=("self",))
                .filter(
                    Q(status=MilestoneStatus.RUNNING) | Q(status=MilestoneStatus.BREACHED),
                    next_check_at__lte=now,
                )
                .select_related("complaint__branch", "complaint__owner")
                .order_by("next_check_at")[:batch_size]
            )
            if not batch:
                return handled
            for m in batch:
                _handle(m, now, ctx)
            ctx.flush()
            _save_swept(batch)
            handled += len(batch)
        if len(batch) < batch_size:
            return handled


SWEPT_FIELDS = ("status", "breached_at", "warned_at", "escalation_step", "next_check_at")


def _save_swept(batch: list[ComplaintMilestone]) -> None:
    """Write what the sweep changed on each milestone: one UPDATE per row, sent as one batch.

    Not `bulk_update`: its CASE WHEN expression over 500 rows and five fields took two thirds
    of a 500-due sweep's CPU to build. `executemany` sends the rows in one pipeline (psycopg).
    """
    fields = [ComplaintMilestone._meta.get_field(name) for name in SWEPT_FIELDS]
    quote = connection.ops.quote_name
    assignments = ", ".join(f"{quote(f.column)} = %s" for f in fields)
    pk = ComplaintMilestone._meta.pk
    table = quote(ComplaintMilestone._meta.db_table)
    # Only the model's own table and column names, quoted, go into the text; values are bound.
    sql = f"UPDATE {table} SET {assignments} WHERE {quote(pk.column)} = %s"  # noqa: S608
    rows = [
        [f.get_db_prep_save(getattr(m, f.attname), connection) for f in fields] + [m.pk]
        for m in batch
    ]
    with connection.cursor() as cursor:
        cursor.executemany(sql, rows)


@dataclass
class _Sweep:
    """What one sweep looks up once and writes together."""

    clocks: Clocks
    chains: dict = field(default_factory=dict)
    people: dict = field(default_factory=dict)
    audit: dict = field(default_factory=dict)
    notifications: list = field(default_factory=list)
    escalations: dict = field(default_factory=dict)  # level → complaint ids
    breached: list = field(default_factory=list)  # milestones whose deadline passed
    escalated: list = field(default_factory=list)  # (complaint, from level, to level)

    def record(self, complaint: Complaint, action: str, data: dict) -> None:
        self.audit.setdefault(complaint.organisation_id, []).append(
            {
                "actor": None,
                "action": action,
                "obj": complaint,
                "complaint_id": complaint.pk,
                "data": data,
            }
        )

    def flush(self) -> None:
        """Write the batch's outbox rows, escalations and audit entries, in its transaction."""
        hooks.reminders_due(self.notifications)
        self.notifications = []
        if self.breached or self.escalated:
            hooks.deadlines_passed(self.breached, self.escalated)
        self.breached, self.escalated = [], []
        # Lowest level first, so a complaint reaching two levels in one batch ends at the higher.
        for level in sorted(self.escalations):
            Complaint.objects.filter(
                pk__in=self.escalations[level], escalation_level__lt=level
            ).update(escalation_level=level)
        self.escalations = {}
        for organisation_id, items in self.audit.items():
            audit_record_many(organisation_id=organisation_id, items=items)
        self.audit = {}


def _handle(m: ComplaintMilestone, now: datetime, ctx: _Sweep) -> None:
    complaint = m.complaint
    if m.status == MilestoneStatus.RUNNING and m.due_at and now < m.due_at:
        # Before the deadline: the reminder.
        if m.warned_at is None:
            _notify(
                ctx,
                m,
                recipients(T.OWNER, complaint, ctx.people),
                DeadlineNotice.REMINDER,
                f"m{m.pk}:reminder",
            )
            m.warned_at = now
        m.next_check_at = m.due_at
        return
    if m.status == MilestoneStatus.RUNNING:
        m.status, m.breached_at, m.escalation_step = MilestoneStatus.BREACHED, m.due_at, 0
        ctx.record(
            complaint,
            DeadlineAction.MILESTONE_BREACHED,
            {"milestone": m.kind, "round": m.round, "due_at": m.due_at},
        )
        ctx.breached.append(m)
    _escalate(m, now, ctx)


def _escalate(m: ComplaintMilestone, now: datetime, ctx: _Sweep) -> None:
    """Run every step of the chain whose delay after the breach has passed; schedule the next."""
    complaint = m.complaint
    chain = _effective_chain(chain_for(complaint.organisation_id, ctx.chains), complaint)
    calendar = ctx.clocks.working(complaint.branch)
    reached, first_step, users, targets = None, m.escalation_step, {}, []
    while m.escalation_step < len(chain):
        step = chain[m.escalation_step]
        when = calendar.add(m.breached_at, step.delay) if step.delay else m.breached_at
        if when > now:
            m.next_check_at = when
            break
        for user in recipients(step.target, complaint, ctx.people):
            users.setdefault(user.pk, user)
        targets.append(step.target)
        reached = step.target
        m.escalation_step += 1
    else:
        m.next_check_at = None
    if users:
        # The steps reached in one sweep go out as one message per person; the row locks and
        # the milestone update share this transaction, so a re-run cannot send them again.
        _notify(
            ctx,
            m,
            list(users.values()),
            DeadlineNotice.BREACHED,
            f"m{m.pk}:steps{first_step}-{m.escalation_step - 1}",
            {"step": m.escalation_step - 1, "targets": targets},
        )
    if reached is not None:
        level = ESCALATION_LEVEL_OF[reached]
        if level > complaint.escalation_level:
            ctx.escalations.setdefault(level, set()).add(complaint.pk)
            ctx.record(
                complaint,
                DeadlineAction.ESCALATED_BY_DEADLINE,
                {"from": complaint.escalation_level, "to": level, "milestone": m.kind},
            )
            ctx.escalated.append((complaint, complaint.escalation_level, level))
            complaint.escalation_level = level
