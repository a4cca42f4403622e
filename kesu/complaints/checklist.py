"""What staff should do at each stage of the procedure (DOMAIN §3), ticked off and recorded."""

from django.utils.translation import gettext_lazy as _

from kesu.audit.models import AuditEntry
from kesu.audit.services import audit_record
from kesu.complaints.choices import State

STAGES = [
    (
        "accept",
        _("1 · Accept"),
        [
            ("listened", _("Listened to the whole story without interrupting")),
            ("asked", _("Asked what happened, when, and what the customer expects")),
            ("soothed", _("Acknowledged the customer's feelings and apologised for the trouble")),
            ("read_back", _("Read the record back and had the customer confirm it")),
        ],
    ),
    (
        "clarify",
        _("2 · Clarify"),
        [
            ("judged_type", _("Judged the customer's type and how much this affects them")),
            ("facts", _("Found out the facts (inspection, records, colleagues)")),
            ("explained", _("Explained without blaming the customer or colleagues")),
        ],
    ),
    (
        "resolve",
        _("3 · Resolve"),
        [
            ("classified", _("Classified whether it can be solved now, soon or not for now")),
            ("department", _("Named the responsible department and a deadline")),
            ("proposed", _("Proposed a solution and got the customer's agreement")),
            ("back_office", _("Handed the work to the back office with clear instructions")),
            ("told_result", _("Told the customer the result")),
        ],
    ),
    (
        "follow_up",
        _("4 · Follow up"),
        [
            ("kept_informed", _("Kept the customer informed while they waited")),
            ("callback", _("Called back after completion to check satisfaction")),
            ("summary", _("Wrote a case summary")),
            ("lesson", _("Shared the lesson with managers")),
        ],
    ),
]
ITEM_CODES = {code for _stage, _label, items in STAGES for code, _text in items}
STAGE_OF_STATE = {
    State.REGISTERED: "accept",
    State.CONFIRMED: "clarify",
    State.INVESTIGATING: "clarify",
    State.SOLUTION_PROPOSED: "resolve",
    State.AWAITING_APPROVAL: "resolve",
    State.IN_PROGRESS: "resolve",
    State.PARKED: "resolve",
    State.RESOLVED: "follow_up",
    State.VERIFIED: "follow_up",
    State.CLOSED: "follow_up",
    State.MERGED: "follow_up",
    State.WITHDRAWN: "follow_up",
}


def ticked_items(complaint) -> dict[str, AuditEntry]:
    """The latest tick or untick of each item; only ticked ones are returned."""
    latest: dict[str, AuditEntry] = {}
    for entry in (
        AuditEntry.objects.filter(
            organisation_id=complaint.organisation_id, complaint_id=complaint.pk, action="checklist"
        )
        .select_related("actor")
        .order_by("seq")
    ):
        latest[entry.data.get("item")] = entry
    return {code: e for code, e in latest.items() if e.data.get("done")}


def checklist_view(complaint) -> list[dict]:
    ticked = ticked_items(complaint)
    current = STAGE_OF_STATE.get(complaint.state)
    return [
        {
            "code": code,
            "label": label,
            "current": code == current,
            "items": [{"code": c, "text": t, "entry": ticked.get(c)} for c, t in items],
        }
        for code, label, items in STAGES
    ]


def checklist_tick(*, complaint, actor, item: str, done: bool) -> None:
    if item not in ITEM_CODES:
        raise ValueError(item)
    audit_record(
        organisation_id=complaint.organisation_id,
        actor=actor,
        action="checklist",
        obj=complaint,
        complaint_id=complaint.pk,
        data={"item": item, "done": done},
    )
