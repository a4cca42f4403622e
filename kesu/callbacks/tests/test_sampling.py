"""Level 2 and 3 sampling: rates achieved within tolerance, reproducible, recorded, exclusions."""

from datetime import date, timedelta
from decimal import Decimal

import pytest
from django.core.exceptions import ValidationError

from kesu.audit.models import AuditEntry
from kesu.callbacks.choices import Level, Population
from kesu.callbacks.models import CallbackSettings, CallbackTask, SampleDraw
from kesu.callbacks.sampling import AlreadyDrawn, draw_members, draw_sample, population_members
from kesu.customers.models import Customer, Purchase
from kesu.organisation.choices import Role

WEEK = (date(2026, 3, 2), date(2026, 3, 8))


def deliveries(world, n: int, branch=None, tier="") -> list[int]:
    branch = branch or world.branch
    customers = Customer.objects.bulk_create(
        Customer(
            organisation=world.org,
            branch=branch,
            name=f"客户{i}",
            phone=f"+86139{i:08d}",
            tier=tier,
        )
        for i in range(n)
    )
    Purchase.objects.bulk_create(
        Purchase(
            customer=c, branch=branch, kind="vehicle", delivered_on=WEEK[0] + timedelta(days=i % 7)
        )
        for i, c in enumerate(customers)
    )
    return [c.pk for c in customers]


def test_ten_thousand_deliveries_draw_the_target_rate_reproducibly(world):
    deliveries(world, 10_000)
    draw = draw_sample(
        organisation_id=world.org.pk,
        branch_id=world.branch.pk,
        population=Population.DELIVERIES,
        period_start=WEEK[0],
        period_end=WEEK[1],
        seed=20260310,
        actor=world.user(Role.DIRECTOR),
    )
    # Stated tolerance: the achieved rate is the target rounded up to a whole member (< 1/N).
    assert draw.population_size == 10_000 and draw.level == Level.TWO
    assert draw.rate == Decimal("0.100") and draw.target_count == 1000
    assert abs(draw.drawn_count / draw.population_size - 0.10) < 1 / 10_000
    assert len(set(draw.drawn_ids)) == 1000 and set(draw.drawn_ids) <= set(draw.population_ids)
    # A uniform draw: the drawn members spread over the whole population.
    position = {pk: i for i, pk in enumerate(draw.population_ids)}
    mean = sum(position[pk] for pk in draw.drawn_ids) / 1000
    assert 4500 < mean < 5500
    # Recorded, and every drawn delivery has one level 2 callback for the director.
    tasks = CallbackTask.objects.filter(sample_draw=draw)
    assert tasks.count() == 1000 and set(tasks.values_list("level", flat=True)) == {2}
    assert set(tasks.values_list("purchase_id", flat=True)) == set(draw.drawn_ids)
    assert set(tasks.values_list("assignee_id", flat=True)) == {world.user(Role.DIRECTOR).pk}
    entry = AuditEntry.objects.get(action="sample_drawn", object_id=draw.pk)
    assert entry.data["seed"] == 20260310 and entry.data["population_size"] == 10_000
    # The same seed over the same population draws the same members; another seed does not.
    again = draw_members(draw.population_ids, 1000, 20260310)
    assert again == draw.drawn_ids
    assert draw_members(draw.population_ids, 1000, 20260311) != draw.drawn_ids


def test_level_3_draws_five_percent_and_favours_the_best_customers(world):
    deliveries(world, 1000, tier="diamond")
    deliveries(world, 1000)
    Customer.objects.filter(tier="").update(phone="+8613700000000")
    draw = draw_sample(
        organisation_id=world.org.pk,
        branch_id=world.branch.pk,
        population=Population.CUSTOMERS,
        period_start=WEEK[0],
        period_end=WEEK[1],
        seed=7,
    )
    assert draw.level == Level.THREE and draw.weighted
    assert draw.population_size == 2000 and draw.drawn_count == 100
    diamonds = Customer.objects.filter(pk__in=draw.drawn_ids, tier="diamond").count()
    assert diamonds > 60  # weight 3 against 1: about three in four
    gm = world.user(Role.GENERAL_MANAGER)
    assert set(
        CallbackTask.objects.filter(sample_draw=draw).values_list("assignee", flat=True)
    ) == {gm.pk}


def test_complaint_records_are_sampled_too(world):
    from django.utils import timezone

    from kesu.callbacks.tests.conftest import at

    complaints = [world.complaint() for _ in range(12)]
    from kesu.complaints.models import Complaint

    Complaint.objects.filter(pk__in=[c.pk for c in complaints]).update(
        state="closed", resolved_at=at(2026, 3, 4, 15)
    )
    draw = draw_sample(
        organisation_id=world.org.pk,
        branch_id=world.branch.pk,
        population=Population.COMPLAINTS,
        period_start=WEEK[0],
        period_end=WEEK[1],
        seed=1,
        now=timezone.now(),
    )
    assert draw.population_size == 12 and draw.drawn_count == 2  # ceil(10 % of 12)
    assert set(
        CallbackTask.objects.filter(sample_draw=draw).values_list("complaint_id", flat=True)
    ) == set(draw.drawn_ids)


def test_recently_sampled_customers_are_left_out_and_recorded(world):
    ids = deliveries(world, 50)
    first = draw_sample(
        organisation_id=world.org.pk,
        branch_id=world.branch.pk,
        population=Population.DELIVERIES,
        period_start=WEEK[0],
        period_end=WEEK[0] + timedelta(days=3),
        seed=3,
    )
    second = draw_sample(
        organisation_id=world.org.pk,
        branch_id=world.branch.pk,
        population=Population.DELIVERIES,
        period_start=WEEK[0],
        period_end=WEEK[1],
        seed=3,
    )
    first_customers = set(
        Purchase.objects.filter(pk__in=first.drawn_ids).values_list("customer_id", flat=True)
    )
    assert first_customers and set(second.excluded_ids) == set(first.drawn_ids)
    assert not set(second.drawn_ids) & set(first.drawn_ids)
    assert second.excluded_count == len(first.drawn_ids)
    # With exclusion switched off everyone is eligible again.
    CallbackSettings.objects.filter(organisation=world.org).update(recent_contact_days=0)
    third = draw_sample(
        organisation_id=world.org.pk,
        branch_id=world.other_branch.pk,
        population=Population.DELIVERIES,
        period_start=WEEK[0],
        period_end=WEEK[1],
    )
    assert third.population_size == 0 and third.excluded_ids == []
    assert len(ids) == 50


def test_a_period_is_drawn_once_and_never_below_the_minimum_rate(world):
    deliveries(world, 20)
    kwargs = dict(
        organisation_id=world.org.pk,
        branch_id=world.branch.pk,
        population=Population.DELIVERIES,
        period_start=WEEK[0],
        period_end=WEEK[1],
    )
    with pytest.raises(ValidationError):
        draw_sample(**kwargs, rate=Decimal("0.05"))
    draw_sample(**kwargs, rate=Decimal("0.25"))
    with pytest.raises(AlreadyDrawn):
        draw_sample(**kwargs)
    assert SampleDraw.objects.count() == 1 and SampleDraw.objects.get().drawn_count == 5


def test_the_population_is_the_branchs(world):
    deliveries(world, 30)
    deliveries(world, 7, branch=world.other_branch)
    east = population_members(world.org.pk, world.branch.pk, Population.DELIVERIES, *WEEK)
    west = population_members(world.org.pk, world.other_branch.pk, Population.DELIVERIES, *WEEK)
    assert (len(east), len(west)) == (30, 7)
    assert len(population_members(world.org.pk, None, Population.DELIVERIES, *WEEK)) == 37
