"""What the deadline entries say about a complaint's row, for the consistency replay.

kesu/complaints/consistency.py replays each complaint's timeline into the values its row must
have; these receivers of its `entry_replayed` hook apply the entries sla writes:

- the "register" entry's due times (data["due"], written by milestones_at_registration): the
  row's due_at is the first resolution deadline, when the entry's fields do not record it;
- "deadlines" (tracking._sync_complaint_due): the row's due_at after the deadlines moved;
- "escalated_by_deadline" (reminders): the escalation level reached (data["to"]).
"""

from typing import Any

from kesu.complaints.choices import ComplaintAction
from kesu.sla.choices import DeadlineAction, MilestoneKind
from kesu.sla.tracking import due_key

FIRST_RESOLUTION = due_key(MilestoneKind.RESOLUTION, 1)


def deadline_entry_replay(values: dict[str, Any], action: str, data: dict) -> None:
    if action == ComplaintAction.REGISTER:
        due = (data.get("due") or {}).get(FIRST_RESOLUTION)
        if "due_at" not in (data.get("fields") or {}) and due is not None:
            values["due_at"] = due
    elif action == DeadlineAction.DEADLINES:
        if "due_at" in data:
            values["due_at"] = data["due_at"]
        else:  # an entry from before deadlines recorded the row's due_at
            values.pop("due_at", None)
    elif action == DeadlineAction.ESCALATED_BY_DEADLINE and "to" in data:
        values["escalation_level"] = data["to"]


def panel_actions() -> tuple[str, ...]:
    """Deadline changes show in the complaint page's deadlines table, not in its timeline."""
    return (DeadlineAction.DEADLINES,)
