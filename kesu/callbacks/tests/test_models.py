"""The callback models: sampling rates by level, the achieved rate of a draw, finishing a task
on time or late, and the constraints that keep a replayed event from adding a second task."""

from datetime import date, timedelta
from decimal import Decimal

import pytest
from django.db import IntegrityError, transaction

from kesu.callbacks.choices import AttemptResult, ClosedBy, Level, Population, TaskStatus
from kesu.callbacks.models import (
    CallAttempt,
    CallbackPlan,
    CallbackSettings,
    CallbackTask,
    SampleDraw,
)
from kesu.callbacks.tests.conftest import at, welcome_call
from kesu.organisation.choices import Role


def test_the_rate_for_level_three_is_its_own_and_every_other_level_uses_level_two(world):
    cb = CallbackSettings.objects.get(organisation=world.org)
    cb.level2_rate, cb.level3_rate = Decimal("0.200"), Decimal("0.070")
    assert cb.rate_for(Level.THREE) == Decimal("0.070")
    assert cb.rate_for(Level.TWO) == Decimal("0.200")
    assert cb.rate_for(Level.ONE) == Decimal("0.200")
    assert str(cb) == str(world.org)


def test_a_draws_achieved_rate_is_drawn_over_population_and_none_for_an_empty_one(world):
    plan = CallbackPlan.objects.get(organisation=world.org, code="sample_deliveries")
    draw = SampleDraw(
        organisation=world.org,
        plan=plan,
        level=Level.TWO,
        population_kind=Population.DELIVERIES,
        period_start=date(2026, 3, 2),
        period_end=date(2026, 3, 8),
        rate=Decimal("0.1"),
        seed=1,
        target_count=2,
        population_size=40,
        drawn_count=5,
        drawn_at=at(2026, 3, 9),
    )
    assert draw.achieved_rate == 0.125
    draw.population_size = 0
    assert draw.achieved_rate is None
    assert "2026-03-02" in str(draw) and "2026-03-08" in str(draw)


def test_finishing_by_the_last_day_is_on_time_and_after_it_late(world):
    task = welcome_call(world, now=at(2026, 3, 10))
    actor = world.user(Role.CALLBACK)
    assert task.latest_on == date(2026, 3, 11)
    task.finish(TaskStatus.DONE, actor, at(2026, 3, 11, 19), ClosedBy.CALL)
    assert (task.status, task.closed_by, task.on_time) == (TaskStatus.DONE, ClosedBy.CALL, True)
    assert task.completed_by == actor and task.completed_at == at(2026, 3, 11, 19)
    task.finish(TaskStatus.UNREACHED, actor, at(2026, 3, 12, 9), ClosedBy.CALL)
    assert task.status == TaskStatus.UNREACHED and task.on_time is False


def test_the_day_of_finishing_is_the_local_one(world):
    task = welcome_call(world, now=at(2026, 3, 10))
    # 23:30 in Shanghai on the last day is 15:30 UTC the same day: still on time.
    task.finish(TaskStatus.DONE, None, at(2026, 3, 11, 23, 30), ClosedBy.CALL)
    assert task.on_time is True
    # 00:30 the next day in Shanghai is the evening before in UTC: already late.
    task.finish(TaskStatus.DONE, None, at(2026, 3, 12, 0, 30), ClosedBy.CALL)
    assert task.on_time is False


def test_a_task_key_is_unique_in_the_organisation(world):
    task = welcome_call(world)
    copy = CallbackTask.objects.get(pk=task.pk)
    copy.pk = None
    with pytest.raises(IntegrityError), transaction.atomic():
        copy.save()
    assert CallbackTask.objects.filter(key=task.key).count() == 1


def test_a_score_outside_one_to_five_is_refused_by_the_database(world):
    task = welcome_call(world)
    with pytest.raises(IntegrityError), transaction.atomic():
        CallbackTask.objects.filter(pk=task.pk).update(score=6)
    CallbackTask.objects.filter(pk=task.pk).update(score=5)
    assert CallbackTask.objects.get(pk=task.pk).score == 5


def test_the_names_shown_for_a_task_and_an_attempt(world):
    task = welcome_call(world)
    assert str(task) == f"{task.get_callback_type_display()} · {task.customer}"
    attempt = CallAttempt.objects.create(
        task=task,
        at=at(2026, 3, 10, 9, 5) + timedelta(seconds=30),
        by=world.user(Role.CALLBACK),
        result=AttemptResult.NO_ANSWER,
    )
    assert str(attempt).startswith("2026-03-10 ")
    assert str(attempt).endswith(str(AttemptResult.NO_ANSWER.label))
