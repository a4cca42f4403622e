"""Which Complaint fields each move of the procedure (workflow.TRANSITIONS) owns.

A field a move writes changes only through that move: never through the plain edit
(services.EDITABLE_FIELDS, the API's PATCH). Keep this next to the moves in step with them;
kesu/complaints/tests/test_move_fields.py runs every move and fails when a move writes a
field that is not listed here.
"""

from django.utils.translation import gettext as _

from kesu.complaints.choices import Move
from kesu.complaints.models import Complaint

_CLOSING = {"closed_at", "close_reason"}
_COMPENSATION = {
    "compensation_type",
    "compensation_amount",
    "compensation_approved_by",
    "compensation_approved_at",
}

MOVE_FIELDS: dict[str, frozenset[str]] = {
    name: frozenset(fields)
    for name, fields in {
        Move.CONFIRM: {"state", "confirmation_method", "confirmed_at"},
        Move.START_INVESTIGATION: {"state", "owner", "department"},
        Move.PROPOSE_SOLUTION: {
            "state",
            "solution",
            "resolvability",
            "solution_due_on",
            *_COMPENSATION,
        },
        Move.APPROVE_COMPENSATION: {
            "state",
            "compensation_approved_by",
            "compensation_approved_at",
        },
        Move.REJECT_COMPENSATION: {"state"},
        Move.ACCEPT_SOLUTION: {"state"},
        Move.DECLINE_SOLUTION: {"state", "escalation_level"},
        Move.RESOLVE: {"state", "resolved_at"},
        Move.VERIFY: {"state", "satisfaction"},
        Move.CLOSE: {"state", *_CLOSING},
        Move.REOPEN: {
            "state",
            "escalation_level",
            "satisfaction",
            "reopen_count",
            "resolved_at",
            "owner",
            # A new resolution round starts (kesu/sla/tracking.py), which can move due_at.
            "due_at",
            *_CLOSING,
        },
        # Parking pauses the resolution clock (kesu/sla/tracking.py), which moves due_at.
        Move.PARK: {"state", "resolvability", "not_solvable_reason", "follow_up_on", "due_at"},
        Move.RESUME: {"state", "follow_up_on"},
        Move.MERGE: {"state", "merged_into", *_CLOSING},
        Move.WITHDRAW: {"state", *_CLOSING, "close_note"},
        Move.HAND_OVER: {"owner", "department"},
        Move.TAKE_ON: {"owner", "department"},
        Move.ESCALATE: {"escalation_level"},
        Move.TAKE_OVER: {"owner", "escalation_level"},
        Move.SEND_BACK: {"owner", "escalation_level"},
        Move.SET_DEADLINE: {"due_at"},
        Move.OVERRIDE_SEVERITY: {"severity", "severity_override_reason", "is_crisis"},
        Move.RECORD_ROOT_CAUSE: {
            "root_cause",
            "corrective_action",
            "preventive_action",
            "preventive_verify_on",
            "responsibility",
        },
        Move.VERIFY_PREVENTION: {
            "preventive_verification",
            "preventive_verified_at",
            "preventive_verified_by",
        },
    }.items()
}

MOVE_OWNED_FIELDS: frozenset[str] = frozenset().union(*MOVE_FIELDS.values())


def moves_owning(field: str) -> list[str]:
    """The moves that write `field`, in the procedure's order."""
    from kesu.complaints.workflow import TRANSITIONS  # workflow imports more than this needs

    return [name for name in TRANSITIONS if field in MOVE_FIELDS.get(name, ())]


def move_owned_message(field: str) -> str:
    """The translated error for an attempt to edit a move's field directly."""
    from kesu.complaints.workflow import TRANSITIONS

    labels = " / ".join(f"“{TRANSITIONS[name].label}”" for name in moves_owning(field))
    return _("“%(field)s” is changed only by the move %(moves)s; use that move instead.") % {
        "field": Complaint._meta.get_field(field).verbose_name,
        "moves": labels,
    }
