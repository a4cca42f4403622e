"""Test helpers for the checklist the organisation requires before some moves."""

from kesu.complaints.checklist import checklist_tick, missing_items


def tick_required(complaint, move: str, actor) -> None:
    """Tick what the organisation requires before `move`, as staff would on the page."""
    for item in missing_items(complaint, move):
        checklist_tick(complaint=complaint, actor=actor, item=item, done=True)


def verification_day_come(monkeypatch, complaint) -> None:
    """Move the procedure's today to the complaint's preventive-action verification date, as if
    the weeks of waiting had passed (the date is the one the root-cause move recorded)."""
    from kesu.complaints import workflow
    from kesu.complaints.models import Complaint

    day = Complaint.objects.get(pk=complaint.pk).preventive_verify_on
    if day is not None:
        monkeypatch.setattr(workflow, "today", lambda: day)
