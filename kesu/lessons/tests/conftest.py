"""Closed complaints of the `world` fixture, lessons shared from them, and a month of lessons
for the digest."""

from datetime import date, datetime

import pytest
from django.utils import timezone

from kesu.complaints.models import Category, Complaint
from kesu.complaints.tests.helpers import closed_complaint
from kesu.customers.tests.factories import CustomerFactory
from kesu.lessons.models import Lesson


def category(world, code: str) -> Category:
    return Category.objects.get(organisation=world.org, code=code)


def closed(world, *, branch_users=None, summary="更换张紧器后异响消失。", **kwargs) -> Complaint:
    """A complaint of the world's branch (or the other one's users) closed by its director;
    `share` and the lesson's texts go to the close."""
    share = kwargs.pop("share", None)
    lesson = {}
    if share:
        title, advice = share
        lesson = {"share_as_lesson": True, "lesson_title": title, "lesson_advice": advice}
    return closed_complaint(world, users=branch_users, summary=summary, close=lesson, **kwargs)


@pytest.fixture
def shared(world):
    """A closed complaint of the world's branch (category vehicle.engine) shared as a lesson."""
    return closed(
        world,
        category=category(world, "vehicle.engine"),
        cause="product_quality",
        share=("张紧器批次问题", "保养时检查同批次张紧器"),
    )


NOVEMBER = date(2026, 11, 1)


def _in_november(*lessons):
    Lesson.objects.filter(pk__in=[lesson.pk for lesson in lessons]).update(
        marked_at=timezone.make_aware(datetime(2026, 11, 15, 10, 0))
    )


@pytest.fixture
def november(world):
    """Two lessons of the east branch (one of each department), one of the west."""
    east_service = closed(
        world,
        department=world.service,
        category=category(world, "vehicle.engine"),
        share=("张紧器批次问题", "保养时检查同批次张紧器"),
    ).lesson
    east_sales = closed(
        world, department=world.sales, share=("赠品没有兑现", "赠品写进合同")
    ).lesson
    west = closed(
        world,
        branch_users=world.other_users,
        customer=CustomerFactory(organisation=world.org, branch=world.other_branch),
        share=("漆面色差", "日光下检查"),
    ).lesson
    _in_november(east_service, east_sales, west)
    for user in [*world.users.values(), *world.other_users.values()]:
        user.email = f"{user.username}@example.com"
        user.save(update_fields=["email"])
    return {"east_service": east_service, "east_sales": east_sales, "west": west}
