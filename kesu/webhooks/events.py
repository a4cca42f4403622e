"""What each event says, and the receivers that hear them (registered in WebhooksConfig.ready()).

Each receiver runs inside the transaction of the change it reports and writes that change's
deliveries through services.enqueue_events; a change that rolls back takes them with it. The
payloads hold codes and ids, never text staff typed and never the customer's phone or name:
they leave Kesu for other systems, which look a customer up through the API if they may
(docs/webhooks.md, docs/decisions.md).
"""

from datetime import datetime

from django.urls import reverse

from kesu.complaints.choices import Move
from kesu.complaints.models import Complaint
from kesu.core.links import public_url
from kesu.webhooks.choices import Event
from kesu.webhooks.services import EventItem, enqueue_events


def _time(value: datetime | None) -> str | None:
    return value.isoformat() if value is not None else None


def complaint_data(complaint) -> dict:
    """The complaint as every complaint event shows it (its branch: one query if not loaded)."""
    branch = complaint.branch
    return {
        "id": complaint.pk,
        "number": complaint.number,
        "url": public_url(reverse("complaints:complaint", args=[complaint.pk])),
        "kind": complaint.kind,
        "channel": complaint.channel,
        "state": complaint.state,
        "severity": complaint.severity,
        "is_crisis": complaint.is_crisis,
        "escalation_level": complaint.escalation_level,
        "branch": {"id": branch.pk, "code": branch.code, "name": branch.name},
        "customer_id": complaint.customer_id,
        "received_at": _time(complaint.received_at),
        "due_at": _time(complaint.due_at),
    }


def _item(complaint, event: str, **data) -> EventItem:
    return EventItem(
        organisation_id=complaint.organisation_id,
        branch_id=complaint.branch_id,
        type=event,
        data={"complaint": complaint_data(complaint), **data},
    )


def _enqueue(items: list[EventItem]) -> None:
    if items:
        enqueue_events(items)


def complaint_registered(complaint) -> None:
    """complaints' after_registration: `complaint.created`, and `complaint.crisis` if flagged."""
    items = [_item(complaint, Event.COMPLAINT_CREATED)]
    if complaint.is_crisis:
        items.append(_item(complaint, Event.COMPLAINT_CRISIS, move=None))
    _enqueue(items)


def _plain(value):
    return value.pk if hasattr(value, "pk") else value


def complaint_moved(complaint, move: str, actor, changes: dict, data: dict) -> None:
    """complaints' move_recorded: a state change, an escalation, a complaint made a crisis."""
    items = []
    if "state" in changes:
        before, after = changes["state"]
        items.append(
            _item(
                complaint,
                Event.COMPLAINT_STATE_CHANGED,
                move=move,
                from_state=before,
                to_state=after,
            )
        )
    if "escalation_level" in changes:
        before, after = (_plain(v) for v in changes["escalation_level"])
        if (after or 0) > (before or 0):
            items.append(
                _item(
                    complaint,
                    Event.COMPLAINT_ESCALATED,
                    by="move",
                    move=move,
                    from_level=before,
                    to_level=after,
                )
            )
    elif move == Move.TAKE_OVER:
        items.append(_item(complaint, Event.COMPLAINT_ESCALATED, by="move", move=move))
    if "is_crisis" in changes and complaint.is_crisis:
        items.append(_item(complaint, Event.COMPLAINT_CRISIS, move=move))
    _enqueue(items)


def deadlines_passed(breached: list, escalated: list) -> None:
    """sla's deadlines_passed: `complaint.overdue` per milestone, `complaint.escalated` per
    complaint the deadlines escalated."""
    items = [
        _item(
            m.complaint,
            Event.COMPLAINT_OVERDUE,
            milestone={"kind": m.kind, "round": m.round, "due_at": _time(m.due_at)},
        )
        for m in breached
    ]
    items += [
        _item(
            complaint,
            Event.COMPLAINT_ESCALATED,
            by="deadline",
            move=None,
            from_level=before,
            to_level=after,
        )
        for complaint, before, after in escalated
    ]
    _enqueue(items)


def callback_outcome(task, actor) -> None:
    """callbacks' outcome_recorded: `callback.outcome`."""
    # Loaded again: the outcome's own move (verify, reopen) changed the complaint's state.
    complaint = (
        Complaint.objects.select_related("branch").get(pk=task.complaint_id)
        if task.complaint_id
        else None
    )
    _enqueue(
        [
            EventItem(
                organisation_id=task.organisation_id,
                branch_id=task.branch_id,
                type=Event.CALLBACK_OUTCOME,
                data={
                    "callback": {
                        "id": task.pk,
                        "type": task.callback_type,
                        "event": task.event,
                        "status": task.status,
                        "satisfaction": task.satisfaction or None,
                        "score": task.score,
                        "attempts": task.attempts,
                        "completed_at": _time(task.completed_at),
                        "customer_id": task.customer_id,
                        "raised_complaint_id": task.raised_complaint_id,
                    },
                    "complaint": complaint_data(complaint) if complaint is not None else None,
                },
            )
        ]
    )
