"""Closed complaints of the `world` fixture, and lessons shared from them."""

import pytest

from kesu.complaints import workflow
from kesu.complaints.choices import State
from kesu.complaints.models import Category, Complaint
from kesu.complaints.tests.helpers import tick_required
from kesu.organisation.choices import Role


def category(world, code: str) -> Category:
    return Category.objects.get(organisation=world.org, code=code)


def closed(world, *, branch_users=None, summary="更换张紧器后异响消失。", **kwargs) -> Complaint:
    """A complaint of the world's branch (or the other one's users) closed by its director;
    `share` and the lesson's texts go to the close."""
    users = branch_users or world.users
    share = kwargs.pop("share", None)
    complaint = world.complaint(actor=users[Role.FRONTLINE], **kwargs)
    Complaint.objects.filter(pk=complaint.pk).update(state=State.VERIFIED)
    director = users[Role.DIRECTOR]
    tick_required(complaint, "close", director)
    lesson = {}
    if share:
        title, advice = share
        lesson = {"share_as_lesson": True, "lesson_title": title, "lesson_advice": advice}
    workflow.complaint_close(complaint_id=complaint.pk, actor=director, summary=summary, **lesson)
    complaint.refresh_from_db()
    return complaint


@pytest.fixture
def shared(world):
    """A closed complaint of the world's branch (category vehicle.engine) shared as a lesson."""
    return closed(
        world,
        category=category(world, "vehicle.engine"),
        cause="product_quality",
        share=("张紧器批次问题", "保养时检查同批次张紧器"),
    )
