from datetime import timedelta

from django.utils import timezone

from kesu.crises import selectors
from kesu.crises.choices import Status
from kesu.crises.models import CrisisStep
from kesu.organisation.choices import Role


def test_who_may_do_what(world, crises):
    complaint = crises.complaint()
    assert selectors.may_open(world.user(Role.DIRECTOR), complaint)
    assert not selectors.may_open(world.user(Role.HANDLER), complaint)
    assert not selectors.may_open(world.other_users[Role.GENERAL_MANAGER], complaint)
    crisis = crises.open(complaint=complaint, spokesperson=world.user(Role.HANDLER))
    handler, frontline = world.user(Role.HANDLER), world.user(Role.FRONTLINE)
    assert selectors.may_work(handler, crisis) and not selectors.leads(handler, crisis)
    assert not selectors.may_work(frontline, crisis)
    assert selectors.may_end(world.user(Role.GROUP), crisis)
    assert not selectors.may_end(handler, crisis)


def test_the_list_counts_open_and_overdue_steps(world, crises, django_assert_max_num_queries):
    crisis = crises.open()
    step = crises.step(crisis)
    crises.step(crisis)
    CrisisStep.objects.filter(pk=step.pk).update(due_at=timezone.now() - timedelta(hours=1))
    with django_assert_max_num_queries(1):
        (row,) = list(selectors.crisis_list(world.user(Role.DIRECTOR)))
        assert row.complaint.number and row.spokesperson
    assert (row.open_steps, row.overdue_steps) == (2, 1)
    assert list(selectors.crisis_list(world.user(Role.DIRECTOR), status=Status.ENDED)) == []
    assert list(selectors.crisis_list(world.user(Role.GROUP), branch=world.other_branch.pk)) == []


def test_one_crisis_with_its_parts(world, crises):
    crisis = crises.open()
    crises.step(crisis)
    loaded = selectors.crisis_with_parts(world.user(Role.GROUP), crisis.pk)
    assert [s.title for s in loaded.steps.all()] == ["联系车主当面致歉"]
    assert selectors.crisis_parts(crisis)["statements"] == []
    assert selectors.crisis_of_complaint(crisis.complaint) == crisis
    assert selectors.open_crises_for_home(world.user(Role.HANDLER), 5) == []
