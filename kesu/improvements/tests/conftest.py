"""Improvement actions for the tests: made through the service, as staff would."""

from datetime import date, datetime, time, timedelta

import pytest
from django.utils import timezone

from kesu.complaints.models import Category
from kesu.improvements.services import improvement_create
from kesu.organisation.choices import Role


def at(day: date, hour: int = 10) -> datetime:
    return timezone.make_aware(datetime.combine(day, time(hour)))


class Actions:
    def __init__(self, world):
        self.world = world

    def category(self, code: str) -> Category:
        return Category.objects.get(organisation=self.world.org, code=code)

    def create(self, actor=None, **kwargs):
        actor = actor or self.world.user(Role.DIRECTOR)
        today = timezone.localdate()
        kwargs.setdefault("title", "发动机异响专项整改")
        kwargs.setdefault("owner", self.world.user(Role.HANDLER))
        kwargs.setdefault("due_on", today + timedelta(days=20))
        kwargs.setdefault("review_on", today + timedelta(days=80))
        if actor.role == Role.HANDLER:
            kwargs.setdefault("department", self.world.service)
        return improvement_create(actor=actor, **kwargs)


@pytest.fixture
def actions(world) -> Actions:
    return Actions(world)
