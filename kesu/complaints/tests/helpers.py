"""Test helpers for the checklist the organisation requires before some moves."""

from kesu.complaints.checklist import checklist_tick, missing_items


def tick_required(complaint, move: str, actor) -> None:
    """Tick what the organisation requires before `move`, as staff would on the page."""
    for item in missing_items(complaint, move):
        checklist_tick(complaint=complaint, actor=actor, item=item, done=True)
