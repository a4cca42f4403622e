"""What staff should do at each stage of the procedure (DOMAIN §3), ticked off and recorded.

An organisation marks which items must be ticked before which move (`ChecklistRequirement`);
the move itself refuses to run while one of them is not ticked (see `workflow._move`).
"""

from django.utils.translation import gettext_lazy as _

from kesu.audit.models import AuditEntry
from kesu.audit.services import audit_record
from kesu.complaints.choices import ComplaintAction, Move, State

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
ITEM_TEXT = {code: text for _stage, _label, items in STAGES for code, text in items}
# What a new organisation requires, by move: confirm the record before investigating it, tell
# the customer the result and write the summary before closing.
DEFAULT_REQUIREMENTS = {
    Move.START_INVESTIGATION: ["read_back"],
    Move.CLOSE: ["told_result", "summary"],
}
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
            organisation_id=complaint.organisation_id,
            complaint_id=complaint.pk,
            action=ComplaintAction.CHECKLIST,
        )
        .select_related("actor")
        .order_by("seq")
    ):
        latest[entry.data.get("item")] = entry
    return {code: e for code, e in latest.items() if e.data.get("done")}


def item_choices() -> list[tuple[str, str]]:
    """The items as model choices, grouped by stage (used by `ChecklistRequirement.item`)."""
    return [(str(label), list(items)) for _code, label, items in STAGES]


def move_choices() -> list[tuple[str, str]]:
    """The moves of the procedure as model choices (used by `ChecklistRequirement.move`)."""
    from kesu.complaints.workflow import TRANSITIONS  # the workflow builds on the checklist

    return [(name, t.label) for name, t in TRANSITIONS.items()]


def requirements(organisation_id: int, moves=None) -> dict[str, list[str]]:
    """{move: [item code, ...]} the organisation requires, items in checklist order."""
    from kesu.complaints.models import ChecklistRequirement

    rows = ChecklistRequirement.objects.filter(organisation_id=organisation_id)
    if moves is not None:
        rows = rows.filter(move__in=list(moves))
    order = {code: i for i, code in enumerate(ITEM_TEXT)}
    out: dict[str, list[str]] = {}
    for move, item in rows.values_list("move", "item"):
        if item in ITEM_TEXT:
            out.setdefault(move, []).append(item)
    return {move: sorted(items, key=order.__getitem__) for move, items in out.items()}


def missing_items(complaint, move: str) -> list[str]:
    """The items the organisation requires before this move that are not ticked, in order."""
    return missing_by_move(complaint, [move]).get(move, [])


def missing_by_move(complaint, moves, ticked=None) -> dict[str, list[str]]:
    """{move: [item code, ...]} required before each of these moves and not ticked yet.

    `ticked` is `ticked_items(complaint)` when the caller has read it already.
    """
    required = requirements(complaint.organisation_id, moves)
    if not required:
        return {}
    if ticked is None:
        ticked = ticked_items(complaint)
    missing = {move: [c for c in items if c not in ticked] for move, items in required.items()}
    return {move: items for move, items in missing.items() if items}


class ItemList:
    """Items by their checklist text, joined when shown (so in the language of the response)."""

    def __init__(self, codes):
        self.codes = list(codes)

    def __str__(self) -> str:
        return str(_("; ")).join(str(ITEM_TEXT[c]) for c in self.codes)


def install_checklist_defaults(organisation) -> None:
    """Give an organisation the default requirements, once (it edits them in the admin)."""
    from kesu.complaints.models import ChecklistRequirement

    if ChecklistRequirement.objects.filter(organisation=organisation).exists():
        return
    ChecklistRequirement.objects.bulk_create(
        ChecklistRequirement(organisation=organisation, move=move, item=item)
        for move, items in DEFAULT_REQUIREMENTS.items()
        for item in items
    )


def checklist_view(complaint, ticked=None) -> list[dict]:
    """The stages with their items, each marked with the moves possible now that require it."""
    from kesu.complaints.workflow import TRANSITIONS  # the workflow builds on the checklist

    if ticked is None:
        ticked = ticked_items(complaint)
    current = STAGE_OF_STATE.get(complaint.state)
    next_moves = [n for n, t in TRANSITIONS.items() if complaint.state in t.sources]
    required_for: dict[str, list] = {}
    for move, items in requirements(complaint.organisation_id, next_moves).items():
        for item in items:
            required_for.setdefault(item, []).append(TRANSITIONS[move].label)
    return [
        {
            "code": code,
            "label": label,
            "current": code == current,
            "items": [
                {
                    "code": c,
                    "text": t,
                    "entry": ticked.get(c),
                    "required_for": required_for.get(c, []),
                }
                for c, t in items
            ],
        }
        for code, label, items in STAGES
    ]


def checklist_tick(*, complaint, actor, item: str, done: bool) -> None:
    if item not in ITEM_CODES:
        raise ValueError(item)
    audit_record(
        organisation_id=complaint.organisation_id,
        actor=actor,
        action=ComplaintAction.CHECKLIST,
        obj=complaint,
        complaint_id=complaint.pk,
        data={"item": item, "done": done},
    )
