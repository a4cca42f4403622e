"""The measures of the callback work, computed straight from the callbacks a user may see:
completion per level, on-time rate, sampling achieved against the target, satisfaction."""

from datetime import date, timedelta
from decimal import Decimal

import pytest

from kesu.callbacks import measures
from kesu.callbacks.choices import Population, TaskStatus
from kesu.callbacks.models import CallbackTask, Lead
from kesu.callbacks.sampling import draw_sample
from kesu.callbacks.selectors import draws_visible_to, tasks_visible_to
from kesu.callbacks.services import task_not_reached, task_record_outcome
from kesu.callbacks.tests.conftest import at, welcome_call
from kesu.callbacks.tests.test_sampling import WEEK, deliveries
from kesu.organisation.choices import Role

NOW = at(2026, 3, 10, 10)
MARCH = (date(2026, 3, 1), date(2026, 3, 31))


@pytest.fixture
def worked(world):
    """Four welcome calls of the east on 10 March: two reached (one late), one not, one open."""
    user = world.user(Role.CALLBACK)
    tasks = [welcome_call(world, now=NOW) for _ in range(4)]
    task_record_outcome(task_id=tasks[0].pk, actor=user, satisfaction="satisfied", score=5, now=NOW)
    late = at(2026, 3, 13, 10)
    task_record_outcome(
        task_id=tasks[1].pk, actor=user, satisfaction="dissatisfied", score=2, now=late
    )
    task_not_reached(task_id=tasks[2].pk, actor=user, result="wrong_number", now=NOW)
    welcome_call(world, branch=world.other_branch, now=NOW)
    return world, tasks


def test_completion_by_level_counts_done_unreached_and_open(worked):
    world, _tasks = worked
    rows = measures.completion_by_level(tasks_visible_to(world.user(Role.DIRECTOR)), *MARCH)
    assert [r["level"] for r in rows] == [1, 2, 3]
    one, two, three = rows
    assert (one["total"], one["done"], one["unreached"], one["open"]) == (4, 2, 1, 1)
    assert one["completion_rate"] == 0.5
    # Of the three finished, two in time.
    assert one["on_time_rate"] == round(2 / 3, 4)
    assert two["total"] == 0 and two["completion_rate"] is None and two["on_time_rate"] is None


def test_cancelled_callbacks_and_those_due_outside_the_period_are_not_counted(worked):
    world, tasks = worked
    CallbackTask.objects.filter(pk=tasks[3].pk).update(status=TaskStatus.CANCELLED)
    tasks_ = tasks_visible_to(world.user(Role.DIRECTOR))
    assert measures.completion_by_level(tasks_, *MARCH)[0]["total"] == 3
    april = (date(2026, 4, 1), date(2026, 4, 30))
    assert measures.completion_by_level(tasks_, *april)[0]["total"] == 0


def test_on_time_looks_at_the_callbacks_finished_in_the_period(worked):
    world, _tasks = worked
    tasks = tasks_visible_to(world.user(Role.DIRECTOR))
    assert measures.on_time(tasks, *MARCH) == {"finished": 3, "on_time": 2, "rate": round(2 / 3, 4)}
    # Only the late one was finished on 13 March.
    day = date(2026, 3, 13)
    assert measures.on_time(tasks, day, day) == {"finished": 1, "on_time": 0, "rate": 0.0}
    assert measures.on_time(tasks, date(2026, 1, 1), date(2026, 1, 31))["rate"] is None


def test_satisfaction_per_branch_and_month(worked):
    world, _tasks = worked
    (row,) = measures.satisfaction(tasks_visible_to(world.user(Role.GROUP)), *MARCH)
    assert row["branch_id"] == world.branch.pk and row["branch"] == world.branch.name
    assert row["month"] == "2026-03"
    assert (row["total"], row["satisfied"], row["neutral"], row["dissatisfied"]) == (2, 1, 0, 1)
    assert row["satisfied_rate"] == 0.5 and row["avg_score"] == 3.5


def test_sampling_sets_the_achieved_rate_against_the_target(world):
    deliveries(world, 20)
    draw = draw_sample(
        organisation_id=world.org.pk,
        branch_id=world.branch.pk,
        population=Population.DELIVERIES,
        period_start=WEEK[0],
        period_end=WEEK[1],
        seed=7,
        actor=world.user(Role.DIRECTOR),
    )
    sampled = CallbackTask.objects.filter(sample_draw=draw)
    assert sampled.count() == 2
    CallbackTask.objects.filter(pk=sampled.first().pk).update(status=TaskStatus.DONE)
    director = world.user(Role.DIRECTOR)
    (row,) = measures.sampling(
        draws_visible_to(director), tasks_visible_to(director), WEEK[0], WEEK[1]
    )
    assert row["level"] == 2 and row["population"] == Population.DELIVERIES
    assert (row["draws"], row["population_size"], row["drawn"]) == (1, 20, 2)
    assert row["target_rate"] == float(Decimal("0.1")) and row["achieved_rate"] == 0.1
    assert (row["called"], row["call_rate"]) == (1, 0.5)
    later = WEEK[1] + timedelta(days=1)
    assert (
        measures.sampling(draws_visible_to(director), tasks_visible_to(director), later, later)
        == []
    )


def test_measures_for_a_branch_count_its_own_leads_and_new_complaints(worked):
    world, tasks = worked
    Lead.objects.create(
        organisation=world.org,
        branch=world.branch,
        customer=tasks[0].customer,
        interest="贴膜",
        created_by=world.user(Role.CALLBACK),
    )
    Lead.objects.create(
        organisation=world.org,
        branch=world.other_branch,
        customer=tasks[0].customer,
        interest="保险",
        created_by=world.user(Role.CALLBACK),
    )
    from django.utils import timezone

    today = timezone.localdate()
    director = measures.measures_for(world.user(Role.DIRECTOR), today, today)
    group = measures.measures_for(world.user(Role.GROUP), today, today)
    assert director["period"] == {"from": today.isoformat(), "until": today.isoformat()}
    assert (director["leads"], group["leads"]) == (1, 2)
    assert director["new_complaints"] == 0
    march = measures.measures_for(world.user(Role.DIRECTOR), *MARCH)
    assert march["levels"][0]["total"] == 4
    assert measures.measures_for(world.user(Role.GROUP), *MARCH)["levels"][0]["total"] == 5
