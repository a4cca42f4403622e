"""What a crisis tells people through kesu/notifications: the internal notice to the branch's
staff, a step given to someone. Called inside the transaction of the change they announce."""

from django.utils import timezone

from kesu.crises.models import Crisis, CrisisStep
from kesu.notifications.choices import Channel, Kind
from kesu.notifications.services import notify_many
from kesu.organisation.models import User

PERSONAL = (Channel.INBOX, Channel.EMAIL)


def crisis_payload(crisis: Crisis) -> dict:
    complaint = crisis.complaint
    return {
        "crisis_id": crisis.pk,
        "complaint_number": complaint.number,
        "title": complaint.title,
        "spokesperson": str(crisis.spokesperson),
    }


def step_payload(step: CrisisStep, crisis: Crisis) -> dict:
    return {
        **crisis_payload(crisis),
        "step_id": step.pk,
        "step": step.title,
        "due_at": step.due_at.isoformat(),
        "owner": str(step.owner),
    }


def branch_staff(crisis: Crisis) -> list[User]:
    """Everyone active of the crisis's branch, whatever their role."""
    return list(
        User.objects.filter(
            organisation_id=crisis.organisation_id, branch_id=crisis.branch_id, is_active=True
        ).order_by("pk")
    )


def item(crisis: Crisis, kind: str, recipients: list, payload: dict, key: str) -> dict:
    return {
        "organisation_id": crisis.organisation_id,
        "branch_id": crisis.branch_id,
        "recipients": recipients,
        "kind": kind,
        "payload": payload,
        "dedupe_key": key,
        "channels": PERSONAL,
        # Who speaks for the company is not for the branch's group chat robots.
        "webhooks": False,
    }


def send(items: list[dict]) -> int:
    items = [i for i in items if i["recipients"]]
    return notify_many(items) if items else 0


def notify_notice(crisis: Crisis) -> int:
    """The internal notice: the branch's staff hear who the only spokesperson is."""
    stamp = (crisis.updated_at or timezone.now()).isoformat()
    payload = {**crisis_payload(crisis), "notice": crisis.internal_notice}
    key = f"x{crisis.pk}:{Kind.CRISIS_NOTICE}:{crisis.spokesperson_id}:{stamp}"
    return send([item(crisis, Kind.CRISIS_NOTICE, branch_staff(crisis), payload, key)])


def notify_step_assigned(step: CrisisStep, crisis: Crisis, actor: User) -> int:
    owner = step.owner
    if owner.pk == actor.pk or not owner.is_active:
        return 0
    payload = {**step_payload(step, crisis), "by": str(actor)}
    key = f"xs{step.pk}:{Kind.CRISIS_STEP_ASSIGNED}:{owner.pk}"
    return send([item(crisis, Kind.CRISIS_STEP_ASSIGNED, [owner], payload, key)])
