"""Reads of the callbacks: who sees which, today's list in calling order, one task, a customer's
history, the sample draws a supervisor may see and what the complaints' export shows of them."""

from datetime import date, datetime, timedelta

import pytest
from django.utils import timezone

from kesu.callbacks.choices import Population, TaskStatus
from kesu.callbacks.models import CallbackTask, Survey
from kesu.callbacks.sampling import draw_sample
from kesu.callbacks.selectors import (
    customer_callbacks,
    draws_visible_to,
    end_of_day,
    exported_satisfaction,
    may_use_workspace,
    next_task_after,
    task_get,
    tasks_visible_to,
    todays_tasks,
)
from kesu.callbacks.services import task_record_outcome
from kesu.callbacks.surveys import record_response
from kesu.callbacks.tests.conftest import TZ, advisor_call, at, resolve, welcome_call
from kesu.complaints.hooks import exported_columns
from kesu.core.errors import NotFound
from kesu.customers.tests.factories import CustomerFactory, PurchaseFactory
from kesu.organisation.choices import Role
from kesu.organisation.tests.factories import UserFactory

NOW = at(2026, 3, 10, 10)


@pytest.fixture
def calls(world):
    east = [welcome_call(world, now=NOW) for _ in range(2)]
    west = welcome_call(world, branch=world.other_branch, now=NOW)
    return world, east, west


def test_the_workspace_is_for_the_roles_that_call(world):
    callers = (Role.CALLBACK, Role.DIRECTOR, Role.GENERAL_MANAGER, Role.FRONTLINE)
    for role in (*callers, Role.GROUP, Role.ADMIN):
        assert may_use_workspace(world.user(role)), role
    assert not may_use_workspace(world.user(Role.HANDLER))


def test_frontline_staff_see_only_the_calls_planned_for_their_role(calls):
    world, east, _west = calls
    advisor = advisor_call(world, now=NOW)
    theirs = set(tasks_visible_to(world.user(Role.FRONTLINE)).values_list("pk", flat=True))
    assert theirs == {advisor.pk}
    # The delivery's 7- and 25-day calls are the callback specialist's, with the welcome calls.
    specialist = set(tasks_visible_to(world.user(Role.CALLBACK)).values_list("pk", flat=True))
    assert advisor.pk in specialist and {t.pk for t in east} < specialist
    other = advisor_call(world, branch=world.other_branch, now=NOW)
    assert other.role == Role.FRONTLINE
    assert other.pk not in set(
        tasks_visible_to(world.user(Role.FRONTLINE)).values_list("pk", flat=True)
    )
    (today,) = todays_tasks(world.user(Role.FRONTLINE), now=NOW)
    assert today.pk == advisor.pk


def test_a_branch_sees_its_own_callbacks_and_the_group_every_branchs(calls):
    world, east, west = calls
    mine = set(tasks_visible_to(world.user(Role.CALLBACK)).values_list("pk", flat=True))
    assert mine == {t.pk for t in east}
    group = set(tasks_visible_to(world.user(Role.GROUP)).values_list("pk", flat=True))
    assert group == {t.pk for t in [*east, west]}
    assert not tasks_visible_to(world.user(Role.HANDLER)).exists()


def test_another_organisations_callbacks_stay_out_of_sight(calls):
    world, _east, _west = calls
    from kesu.organisation.tests.factories import OrganisationFactory

    outsider = UserFactory(role=Role.GROUP, branch=None, organisation=OrganisationFactory())
    assert not tasks_visible_to(outsider).exists()


def test_todays_list_is_mine_or_my_roles_unassigned_in_calling_order(calls):
    world, east, _west = calls
    user = world.user(Role.CALLBACK)
    colleague = UserFactory(role=Role.CALLBACK, branch=world.branch, organisation=world.org)
    CallbackTask.objects.filter(pk=east[0].pk).update(assignee=colleague)
    CallbackTask.objects.filter(pk=east[1].pk).update(assignee=None)
    late = welcome_call(world, now=NOW - timedelta(days=1))
    CallbackTask.objects.filter(pk=late.pk).update(assignee=user)
    listed = [t.pk for t in todays_tasks(user, now=NOW)]
    assert listed == [late.pk, east[1].pk]
    # A callback specialist sees only their own list even when asking for everything.
    assert [t.pk for t in todays_tasks(user, scope="all", now=NOW)] == listed


def test_a_supervisor_may_see_the_whole_branchs_list(calls):
    world, east, _west = calls
    director = world.user(Role.DIRECTOR)
    assert {t.pk for t in todays_tasks(director, scope="all", now=NOW)} == {t.pk for t in east}
    assert list(todays_tasks(director, now=NOW)) == []


def test_callbacks_not_open_or_not_yet_due_are_left_off_todays_list(calls):
    world, east, _west = calls
    user = world.user(Role.CALLBACK)
    CallbackTask.objects.filter(pk=east[0].pk).update(status=TaskStatus.DONE)
    CallbackTask.objects.filter(pk=east[1].pk).update(call_from=end_of_day(NOW))
    assert list(todays_tasks(user, now=NOW)) == []


def test_end_of_day_is_the_next_local_midnight():
    assert end_of_day(at(2026, 3, 10, 23, 59)) == datetime(2026, 3, 11, tzinfo=TZ)
    assert end_of_day(at(2026, 3, 10, 0, 0)) == datetime(2026, 3, 11, tzinfo=TZ)
    assert end_of_day() > timezone.now()


def test_one_task_is_found_only_where_it_may_be_seen(calls):
    world, east, west = calls
    user = world.user(Role.CALLBACK)
    assert task_get(user, east[0].pk) == east[0]
    assert task_get(user, str(east[0].pk)) == east[0]
    for bad in (west.pk, "abc", None, 10**9):
        with pytest.raises(NotFound):
            task_get(user, bad)


def test_the_next_task_is_the_next_on_my_list(calls):
    world, east, _west = calls
    user = world.user(Role.CALLBACK)
    first, second = todays_tasks(user, now=NOW)
    assert next_task_after(user, first, now=NOW) == second
    CallbackTask.objects.filter(pk=second.pk).update(status=TaskStatus.DONE)
    assert next_task_after(user, first, now=NOW) is None


def test_a_customers_history_is_newest_first_bounded_and_without_the_current_one(world):
    customer = CustomerFactory(organisation=world.org, branch=world.branch)
    for day in range(8):
        PurchaseFactory(
            customer=customer,
            branch=world.branch,
            order_effective_on=date(2026, 3, 1) + timedelta(days=day),
        )
    from kesu.callbacks.plans import callbacks_for_purchase

    for purchase in customer.purchases.order_by("pk"):
        callbacks_for_purchase(purchase, now=at(2026, 3, 10))
    user = world.user(Role.CALLBACK)
    tasks = list(CallbackTask.objects.filter(customer=customer).order_by("-due_on", "-id"))
    assert len(tasks) >= 7
    history = list(customer_callbacks(user, customer.pk))
    assert history == tasks[:6]
    without_newest = list(customer_callbacks(user, customer.pk, exclude_id=tasks[0].pk, limit=3))
    assert without_newest == tasks[1:4]
    assert list(customer_callbacks(world.other_users[Role.CALLBACK], customer.pk)) == []


def test_sample_draws_are_for_supervisors_of_the_branch_or_the_group(world):
    def draw(branch):
        return draw_sample(
            organisation_id=world.org.pk,
            branch_id=branch.pk,
            population=Population.DELIVERIES,
            period_start=date(2026, 3, 2),
            period_end=date(2026, 3, 8),
            seed=1,
        )

    east, west = draw(world.branch), draw(world.other_branch)
    assert list(draws_visible_to(world.user(Role.DIRECTOR))) == [east]
    assert set(draws_visible_to(world.user(Role.GROUP))) == {east, west}
    assert not draws_visible_to(world.user(Role.CALLBACK)).exists()
    assert not draws_visible_to(world.user(Role.HANDLER)).exists()


def test_the_export_shows_the_latest_satisfaction_score_and_nps_of_each_complaint(world):
    complaint = resolve(world, world.complaint())
    untouched = world.complaint()
    task = CallbackTask.objects.get(complaint=complaint)
    task_record_outcome(
        task_id=task.pk,
        actor=world.user(Role.DIRECTOR),
        satisfaction="satisfied",
        score=3,
        answers={"result": "3", "staff": "4", "nps": "7"},
    )
    survey = Survey.objects.get(organisation=world.org, code="satisfaction")
    later = timezone.now() + timedelta(hours=1)
    record_response(
        survey=survey,
        customer=complaint.customer,
        complaint=complaint,
        answers={"nps": 10},
        channel="link",
        now=later,
    )
    record_response(  # an answer without a number is no NPS
        survey=survey,
        customer=complaint.customer,
        complaint=complaint,
        answers={"comment": "好"},
        channel="link",
        now=later + timedelta(hours=1),
    )
    part = exported_satisfaction(world.user(Role.DIRECTOR))
    assert part.after == "satisfaction" and exported_satisfaction in exported_columns.receivers()
    loaded = part.load([complaint.pk, untouched.pk])
    score, nps = part.columns
    assert (score.value(loaded[complaint.pk]), nps.value(loaded[complaint.pk])) == (3, 10)
    assert untouched.pk not in loaded
    assert (score.value(None), nps.value(None)) == (None, None)
