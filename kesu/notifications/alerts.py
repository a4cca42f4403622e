"""The notifications a complaint's own changes raise (events.py says who hears what).

Registered with the complaints hooks in NotificationsConfig.ready(): `alerts_at_registration`
with `after_registration`, `alerts_after_move` with `move_recorded`. Both run inside the
change's transaction, so a notification exists exactly when its change was committed. Each
event has a key of its own (the complaint and, for a move, the version it produced), so a
re-run writes nothing twice; whoever made the change is not told of it.
"""

from kesu.audit.models import AuditEntry
from kesu.complaints.choices import CauseClass, Channel, Demand, Move, State
from kesu.complaints.models import Complaint
from kesu.notifications.choices import Kind
from kesu.notifications.events import EVENT_OF, Audience, people_for
from kesu.notifications.services import notify_many
from kesu.organisation.models import User

# Demands that go to the general manager and the department manager at once (seed 001: a
# return, an exchange, or money back: a refund, compensation or a lower price).
URGENT_DEMANDS = frozenset(
    {
        Demand.RETURN,
        Demand.REPLACEMENT,
        Demand.REFUND,
        Demand.COMPENSATION,
        Demand.PRICE_REDUCTION,
    }
)
# Kinds also posted to the branch's group robots: what the whole team should see.
ROBOT_KINDS = frozenset({Kind.CRISIS, Kind.NEW_COMPLAINT, Kind.REOPENED, Kind.ESCALATION})


def _payload(complaint: Complaint, actor: User | None, **extra) -> dict:
    department = complaint.department if complaint.department_id else None
    owner = complaint.owner if complaint.owner_id else None
    return {
        "complaint_id": complaint.pk,
        "complaint_number": complaint.number,
        "title": complaint.title,
        "department": department.name if department else "",
        "owner": str(owner) if owner else "",
        "by": str(actor) if actor else "",
        "demand": complaint.demand,
        "severity": complaint.severity,
        "is_crisis": complaint.is_crisis,
        **extra,
    }


def event_item(
    complaint: Complaint,
    kind: str,
    key: str,
    *,
    actor: User | None,
    audiences: tuple[str, ...] | None = None,
    extra: dict | None = None,
    looked_up: dict | None = None,
    **context,
) -> dict | None:
    """Notification `kind` about `complaint` for the people of its audiences (or of the given
    subset), once per person, without the actor: notify_many's item, or None for nobody.
    `looked_up` keeps the audiences found for one change, so several events of it ask once."""
    event = EVENT_OF[kind]
    people: dict[int, User] = {}
    for audience in audiences if audiences is not None else event.audiences:
        if looked_up is None or context:
            found = people_for(audience, complaint, **context)
        elif audience in looked_up:
            found = looked_up[audience]
        else:
            found = looked_up[audience] = people_for(audience, complaint)
        for user in found:
            people.setdefault(user.pk, user)
    if actor is not None:
        people.pop(actor.pk, None)
    if not people:
        return None
    return {
        "organisation_id": complaint.organisation_id,
        "branch_id": complaint.branch_id,
        "recipients": list(people.values()),
        "kind": kind,
        "payload": _payload(complaint, actor, **(extra or {})),
        "dedupe_key": f"c{complaint.pk}:{key}",
        "webhooks": kind in ROBOT_KINDS,
    }


# When one change raises several kinds for the same person, they get the most specific (the
# first here) and its text names the others: one message per person per change.
PRECEDENCE = (
    Kind.CRISIS,
    Kind.URGENT_DEMAND,
    Kind.FROM_CALLBACK,
    Kind.HANDED_OVER,
    Kind.ROUTED,
    Kind.NEW_COMPLAINT,
)


def announce(*items: dict | None) -> int:
    """Queue one change's notifications together (one duplicate check and insert for all),
    one message per person (PRECEDENCE)."""
    wanted = [item for item in items if item is not None]
    return notify_many(wanted, one_per_person=PRECEDENCE) if wanted else 0


def alerts_at_registration(complaint: Complaint) -> None:
    actor = complaint.registered_by if complaint.registered_by_id else None
    # The registration's events share their lookups (the GM, the department's managers).
    seen: dict = {}
    items = [event_item(complaint, Kind.NEW_COMPLAINT, "new", actor=actor, looked_up=seen)]
    routed_to_a_person = complaint.owner_id != complaint.registered_by_id
    if complaint.department_id or routed_to_a_person:
        items.append(
            event_item(
                complaint,
                Kind.ROUTED,
                "routed",
                actor=actor,
                looked_up=seen,
                # Whoever took the complaint in keeps it where no rule named a person.
                audiences=None if routed_to_a_person else (Audience.DEPARTMENT_MANAGERS,),
                extra={"routed_to_owner": routed_to_a_person},
            )
        )
    quality = complaint.cause == CauseClass.PRODUCT_QUALITY
    if complaint.demand in URGENT_DEMANDS or quality:
        items.append(
            event_item(
                complaint,
                Kind.URGENT_DEMAND,
                "urgent",
                actor=actor,
                looked_up=seen,
                extra={"quality_defect": quality and complaint.demand not in URGENT_DEMANDS},
            )
        )
    if complaint.channel == Channel.CALLBACK:
        items.append(
            event_item(complaint, Kind.FROM_CALLBACK, "from_callback", actor=actor, looked_up=seen)
        )
    if complaint.is_crisis:
        items.append(event_item(complaint, Kind.CRISIS, "crisis", actor=actor, looked_up=seen))
    announce(*items)


def _proposer(complaint: Complaint) -> User | None:
    """Who proposed the solution now being decided on (the latest proposal's author)."""
    entry = (
        AuditEntry.objects.filter(complaint_id=complaint.pk, action=Move.PROPOSE_SOLUTION)
        .select_related("actor")
        .order_by("-id")
        .first()
    )
    return entry.actor if entry is not None else None


def alerts_after_move(complaint: Complaint, move: str, actor: User, changes: dict, data: dict):
    key = f"v{complaint.version}:{move}"
    reason = data.get("reason") or data.get("note") or ""
    items: list[dict | None] = []
    # Whose the case was, where the move changed its owner: told it left them.
    previous = changes["owner"][0] if "owner" in changes else None
    if move == Move.HAND_OVER:
        audiences: tuple[str, ...] = (Audience.TEAM,)
        if "owner" in changes:
            audiences += (Audience.OWNER, Audience.OWNER_MANAGER, Audience.PREVIOUS_OWNER)
        if "department" in changes or "department_id" in changes:
            audiences += (Audience.DEPARTMENT_MANAGERS,)
        items.append(
            event_item(
                complaint,
                Kind.HANDED_OVER,
                key,
                actor=actor,
                audiences=audiences,
                previous=previous,
                extra={"previous_owner": str(previous) if previous else ""},
            )
        )
    elif move == Move.PROPOSE_SOLUTION and complaint.state == State.AWAITING_APPROVAL:
        amount = complaint.compensation_amount
        items.append(
            event_item(
                complaint,
                Kind.APPROVAL_NEEDED,
                key,
                actor=actor,
                extra={"amount": str(amount) if amount is not None else ""},
            )
        )
    elif move in (Move.APPROVE_COMPENSATION, Move.REJECT_COMPENSATION):
        kind = (
            Kind.COMPENSATION_APPROVED
            if move == Move.APPROVE_COMPENSATION
            else Kind.COMPENSATION_REJECTED
        )
        amount = complaint.compensation_amount
        items.append(
            event_item(
                complaint,
                kind,
                key,
                actor=actor,
                proposer=_proposer(complaint),
                extra={"amount": str(amount) if amount is not None else "", "reason": reason},
            )
        )
    elif move == Move.REOPEN:
        extra = {"reason": reason, "previous_owner": str(previous) if previous else ""}
        items.append(
            event_item(complaint, Kind.REOPENED, key, actor=actor, previous=previous, extra=extra)
        )
    elif move == Move.ESCALATE:
        items.append(
            event_item(
                complaint,
                Kind.ESCALATION,
                key,
                actor=actor,
                level=complaint.escalation_level,
                extra={"level": complaint.escalation_level, "reason": reason},
            )
        )
    elif move == Move.TAKE_OVER:
        items.append(event_item(complaint, Kind.TAKEN_OVER, key, actor=actor))
    elif move == Move.SEND_BACK:
        items.append(
            event_item(
                complaint,
                Kind.SENT_BACK,
                key,
                actor=actor,
                extra={"reason": data.get("instructions", "")},
            )
        )
    if "is_crisis" in changes and complaint.is_crisis:
        # The same key as at registration: a complaint is announced as a crisis once.
        items.append(event_item(complaint, Kind.CRISIS, "crisis", actor=actor))
    announce(*items)


def alerts_team_changed(
    complaint: Complaint, member, actor: User, previous: str = "", entry=None
) -> None:
    """Tell whoever was put on a complaint's team, or whose role on it changed (registered
    with complaints' team_changed): one message per change, keyed by the change's entry."""
    if previous:
        key = f"m{member.pk}:{previous}>{member.role}:e{entry.pk if entry else ''}"
    else:
        key = f"m{member.pk}:{member.role}"
    announce(
        event_item(
            complaint,
            Kind.TEAM_ADDED,
            key,
            actor=actor,
            member=member.user,
            extra={"team_role": member.role, "previous_role": previous},
        )
    )
