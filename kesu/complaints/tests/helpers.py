"""Test helpers: the checklist the organisation requires before some moves, a closed complaint."""

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


def closed_complaint(world, *, users=None, summary="更换张紧器后异响消失。", close=None, **kwargs):
    """A complaint of the world's branch (or of `users`' branch) registered by its frontline and
    closed by its director through the procedure; `close` goes to the close move."""
    from kesu.complaints import workflow
    from kesu.complaints.choices import State
    from kesu.complaints.models import Complaint
    from kesu.organisation.choices import Role

    users = users or world.users
    complaint = world.complaint(actor=users[Role.FRONTLINE], **kwargs)
    Complaint.objects.filter(pk=complaint.pk).update(state=State.VERIFIED)
    director = users[Role.DIRECTOR]
    tick_required(complaint, "close", director)
    workflow.complaint_close(
        complaint_id=complaint.pk, actor=director, summary=summary, **(close or {})
    )
    complaint.refresh_from_db()
    return complaint
