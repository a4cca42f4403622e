from datetime import date, timedelta
from decimal import Decimal

from django.utils import timezone

from kesu.complaints import workflow
from kesu.complaints.choices import CauseClass
from kesu.improvements import measures
from kesu.improvements.choices import Unit
from kesu.improvements.models import ImprovementAction
from kesu.improvements.tests.conftest import at
from kesu.organisation.choices import Role

JAN = date(2026, 1, 1)


def _paths(actions, *codes):
    return [actions.category(code).path for code in codes]


def test_matching_counts_the_subtree_the_causes_and_the_branch(world, actions):
    engine, brakes = actions.category("vehicle.engine"), actions.category("vehicle.brakes")
    quality = CauseClass.PRODUCT_QUALITY
    world.complaint(category=engine, cause=quality, received_at=at(JAN))
    world.complaint(category=brakes, cause=quality, received_at=at(JAN))
    world.complaint(category=engine, cause=CauseClass.CUSTOMER_MISUSE, received_at=at(JAN))
    world.complaint(category=None, cause=quality, received_at=at(JAN))
    other = world.other_users[Role.FRONTLINE]
    world.complaint(actor=other, category=engine, cause=quality, received_at=at(JAN))
    org, east = world.org.pk, world.branch.pk

    def n(branch, paths, causes):
        return measures.matching_complaints(org, branch, paths, causes).count()

    assert n(east, _paths(actions, "vehicle"), []) == 3  # the parent takes its children along
    assert n(east, _paths(actions, "vehicle.engine"), []) == 2
    assert n(east, _paths(actions, "vehicle.engine"), [quality]) == 1  # both must match
    assert n(east, [], [quality]) == 3
    assert n(None, _paths(actions, "vehicle.engine"), [quality]) == 2  # the whole group
    assert n(east, [], []) == 4


def test_a_merged_duplicate_counts_once(world, actions):
    engine = actions.category("vehicle.engine")
    survivor = world.complaint(category=engine, received_at=at(JAN))
    duplicate = world.complaint(customer=survivor.customer, category=engine, received_at=at(JAN))
    workflow.complaint_merge(
        complaint_id=duplicate.pk, actor=world.user(Role.FRONTLINE), into_id=survivor.pk
    )
    qs = measures.matching_complaints(world.org.pk, world.branch.pk, [engine.path], [])
    assert qs.count() == 1


def test_count_in_takes_both_days_whole_in_local_time(world, actions):
    engine = actions.category("vehicle.engine")
    for day, hour in (
        (date(2025, 12, 31), 23),
        (JAN, 0),
        (date(2026, 1, 31), 23),
        (date(2026, 2, 1), 0),
    ):
        world.complaint(category=engine, received_at=at(day, hour))
    qs = measures.matching_complaints(world.org.pk, world.branch.pk, [engine.path], [])
    assert measures.count_in(qs, JAN, date(2026, 1, 31)) == 2


def test_the_rates():
    assert measures.rate(9, 90, Unit.PER_30_DAYS, None) == Decimal("3.00")
    assert measures.rate(1, 7, Unit.PER_30_DAYS, None) == Decimal("4.29")
    assert measures.rate(0, 0, Unit.PER_30_DAYS, None) == Decimal("0.00")
    assert measures.rate(6, 90, Unit.PER_THOUSAND, 1200) == Decimal("5.00")
    assert measures.rate(6, 90, Unit.PER_THOUSAND, None) is None


def test_measure_uses_the_action_as_saved(world, actions):
    engine = actions.category("vehicle.engine")
    for _ in range(3):
        world.complaint(category=engine, received_at=at(date(2026, 1, 15)))
    action = actions.create(categories=[engine], baseline_from=JAN, baseline_to=date(2026, 1, 30))
    measured = measures.measure(action, JAN, date(2026, 1, 30), None)
    assert (measured.count, measured.days, measured.value) == (3, 30, Decimal("3.00"))


def test_the_period_after_completion():
    today = timezone.localdate()
    action = ImprovementAction(completed_on=None, review_on=today)
    assert measures.after_period(action, today) is None
    action.completed_on = today - timedelta(days=30)
    assert measures.after_period(action, today) == (
        today - timedelta(days=30),
        today - timedelta(days=1),
    )
    # Reviewed later than the review date: still up to the day before it.
    action.review_on = today - timedelta(days=10)
    assert measures.after_period(action, today) == (
        today - timedelta(days=30),
        today - timedelta(days=11),
    )
    # Done after the review date: the days since completion.
    action.completed_on = today - timedelta(days=3)
    assert measures.after_period(action, today) == (
        today - timedelta(days=3),
        today - timedelta(days=1),
    )
    action.completed_on = today
    assert measures.after_period(action, today) is None
