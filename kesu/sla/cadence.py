"""Keeping the customer informed (DOMAIN §4, seed 002): the "update the customer" cadence.

Major complaints get it from their deadline policies at registration. Every other complaint
gets it as soon as it involves several departments (someone of another department joins its
team as co-handler or visiting team) or has stayed open longer than
`KESU_CUSTOMER_UPDATE_AFTER_DAYS`. A cadence started here is due two days after the last
update (`CUSTOMER_UPDATE_SILENCE_ALERT_AFTER`): the owner is reminded a day before, so once a
day, and two days without an update go up the escalation chain as an overdue deadline. A
call or a note shared with the customer meets it and starts the next round (tracking.py).
"""

import time
from datetime import datetime, timedelta

from django.conf import settings
from django.db import transaction
from django.db.models import Exists, OuterRef
from django.utils import timezone

from kesu.complaints.choices import OPEN_STATES, WAITING_STATES, TeamRole
from kesu.complaints.models import Complaint
from kesu.sla.choices import LIVE_MILESTONE_STATUSES, MilestoneKind, MilestoneStatus
from kesu.sla.deadline_rules import CUSTOMER_UPDATE_SILENCE_ALERT_AFTER
from kesu.sla.models import ComplaintMilestone
from kesu.sla.tracking import Clocks, _save, targets_for

K = MilestoneKind
# Team roles that mean another department works on the case (a watcher only looks on).
WORKING_TEAM_ROLES = frozenset({TeamRole.CO_HANDLER, TeamRole.VISITING})
RUNNING_STATES = OPEN_STATES - WAITING_STATES


def _has_live_update():
    return Exists(
        ComplaintMilestone.objects.filter(
            complaint_id=OuterRef("pk"),
            kind=K.CUSTOMER_UPDATE,
            status__in=LIVE_MILESTONE_STATUSES,
        )
    )


def start_customer_updates(complaint: Complaint, actor, reason: str, at: datetime) -> bool:
    """Start the cadence on an open complaint that has none running; True if it started.
    Call inside a transaction."""
    if complaint.state not in RUNNING_STATES:
        return False
    if ComplaintMilestone.objects.filter(
        complaint=complaint, kind=K.CUSTOMER_UPDATE, status__in=LIVE_MILESTONE_STATUSES
    ).exists():
        return False
    target = targets_for(complaint).get(K.CUSTOMER_UPDATE, CUSTOMER_UPDATE_SILENCE_ALERT_AFTER)
    last = (
        ComplaintMilestone.objects.filter(complaint=complaint, kind=K.CUSTOMER_UPDATE)
        .order_by("-round")
        .values_list("round", flat=True)
        .first()
    )
    milestone = ComplaintMilestone(
        complaint=complaint,
        kind=K.CUSTOMER_UPDATE,
        round=(last or 0) + 1,
        status=MilestoneStatus.RUNNING,
        policy_id=target.policy_id,
        amount=target.amount,
        unit=target.unit,
        clock=target.clock,
        started_at=at,
    )
    _save(complaint, [], [milestone], Clocks(), actor, reason=reason)
    return True


def updates_for_team(complaint: Complaint, member, actor, **change) -> None:
    """Registered with complaints' team_changed: another department now works on the case."""
    department = member.user.department_id
    if member.role in WORKING_TEAM_ROLES and department and department != complaint.department_id:
        start_customer_updates(complaint, actor, "several_departments", timezone.now())


def updates_for_long_open(now: datetime | None = None, batch_size: int = 500) -> int:
    """Start the cadence on open complaints received longer ago than the configured age that
    have none (the worker's sweep calls this first). Returns how many were started."""
    now = now or timezone.now()
    age = timedelta(days=settings.KESU_CUSTOMER_UPDATE_AFTER_DAYS)
    started = 0
    while True:
        with transaction.atomic():
            batch = list(
                Complaint.objects.select_for_update(skip_locked=True, of=("self",))
                .filter(state__in=sorted(RUNNING_STATES), received_at__lt=now - age)
                .exclude(_has_live_update())
                .select_related("branch")
                .order_by("id")[:batch_size]
            )
            done = sum(
                start_customer_updates(complaint, None, "open_for_long", now) for complaint in batch
            )
        started += done
        if len(batch) < batch_size or not done:
            return started


# The worker sweeps every few seconds; long-open cases are looked for every few minutes only.
LONG_OPEN_CHECK_EVERY = 300.0  # seconds
_next_long_open_check = 0.0


def updates_for_long_open_now_and_then() -> int:
    """updates_for_long_open at most every LONG_OPEN_CHECK_EVERY seconds in this process."""
    global _next_long_open_check
    if time.monotonic() < _next_long_open_check:
        return 0
    _next_long_open_check = time.monotonic() + LONG_OPEN_CHECK_EVERY
    return updates_for_long_open()
