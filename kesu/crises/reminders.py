"""The action plan's reminders: a step not done yet is reminded to its owner
KESU_CRISIS_STEP_REMINDER_MINUTES before it is due, and once past due escalated to the branch's
general manager (with its owner and the spokesperson), with an entry on the complaint's timeline.

Run after each deadline sweep (sla's `after_sweep` hook: Celery beat's task and run_worker), like
the improvement reminders, so they need no schedule of their own. Each run reads only the steps
not done (a partial index on their due time), skips rows another worker holds, and sends each
reminder once for a due time, in the transaction that records it was sent; a moved due time is
reminded again.
"""

from datetime import datetime, timedelta

from django.conf import settings
from django.db import transaction
from django.db.models import F, Q
from django.utils import timezone

from kesu.audit.services import audit_record_many
from kesu.complaints.people import branch_people
from kesu.core.jobs import timed_job
from kesu.crises.choices import CrisisAudit, Status
from kesu.crises.models import CrisisStep
from kesu.crises.notices import item, send, step_payload
from kesu.notifications.choices import Kind
from kesu.organisation.choices import Role

BATCH = 500


def sweep_steps(now: datetime | None = None) -> int:
    """Send every step reminder and escalation whose time has come; returns how many steps."""
    with timed_job("crisis_reminders"):
        now = now or timezone.now()
        return _due(now) + _overdue(now)


def _candidates(marker: str):
    return (
        CrisisStep.objects.select_for_update(skip_locked=True, of=("self",))
        .filter(done_at__isnull=True, crisis__status=Status.OPEN)
        .filter(Q(**{f"{marker}__isnull": True}) | ~Q(**{marker: F("due_at")}))
        .select_related("owner", "crisis__complaint", "crisis__spokesperson")
        .order_by("due_at", "id")
    )


def _due(now: datetime) -> int:
    ahead = now + timedelta(minutes=settings.KESU_CRISIS_STEP_REMINDER_MINUTES)
    with transaction.atomic():
        steps = list(_candidates("reminded_for").filter(due_at__gt=now, due_at__lte=ahead)[:BATCH])
        items = []
        for step in steps:
            owner = [step.owner] if step.owner.is_active else []
            key = f"xs{step.pk}:{Kind.CRISIS_STEP_DUE}:{step.due_at.isoformat()}"
            items.append(
                item(step.crisis, Kind.CRISIS_STEP_DUE, owner, step_payload(step, step.crisis), key)
            )
            step.reminded_for = step.due_at
        send(items)
        CrisisStep.objects.bulk_update(steps, ["reminded_for"])
        return len(steps)


def _overdue(now: datetime) -> int:
    with transaction.atomic():
        steps = list(_candidates("escalated_for").filter(due_at__lte=now)[:BATCH])
        items, entries = [], {}
        for step in steps:
            crisis = step.crisis
            people = {
                u.pk: u
                for u in [
                    step.owner,
                    crisis.spokesperson,
                    *branch_people(crisis.organisation_id, crisis.branch_id, Role.GENERAL_MANAGER),
                ]
                if u.is_active
            }
            key = f"xs{step.pk}:{Kind.CRISIS_STEP_OVERDUE}:{step.due_at.isoformat()}"
            items.append(
                item(
                    crisis,
                    Kind.CRISIS_STEP_OVERDUE,
                    list(people.values()),
                    step_payload(step, crisis),
                    key,
                )
            )
            step.escalated_for = step.due_at
            entries.setdefault(crisis.organisation_id, []).append(
                {
                    "actor": None,
                    "action": CrisisAudit.STEP_ESCALATED,
                    "obj": step,
                    "complaint_id": crisis.complaint_id,
                    "data": {
                        "crisis_id": crisis.pk,
                        "step_id": step.pk,
                        "text": step.title,
                        "due_at": step.due_at,
                        "owner": step.owner_id,
                    },
                }
            )
        send(items)
        for organisation_id, batch in entries.items():
            audit_record_many(organisation_id=organisation_id, items=batch)
        CrisisStep.objects.bulk_update(steps, ["escalated_for"])
        return len(steps)
