"""Level 2 and level 3 callbacks: recorded, reproducible random samples (DOMAIN §5).

A draw takes a population (the deliveries, the complaint records that reached a result, or the
customers served in a period, of one branch), leaves out customers sampled recently, and draws
ceil(rate × population) members with `random.Random(seed)`: the same population and seed always
draw the same members. Level 3 is loyalty-minded: customers of higher tiers weigh more (a
weighted draw without replacement). Every draw is stored with its population, seed, rate, who
was left out and who was drawn, and each drawn member gets a callback task.
"""

import math
import random
from datetime import date, datetime, timedelta
from decimal import Decimal

from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from kesu.audit.services import audit_record
from kesu.callbacks.choices import CallbackAction, Event, Level, Population
from kesu.callbacks.models import (
    LEVEL2_MIN_RATE,
    LEVEL3_MIN_RATE,
    CallbackPlan,
    CallbackTask,
    SampleDraw,
)
from kesu.callbacks.plans import Planner, Subject, complaint_subject, purchase_subject
from kesu.complaints.choices import DONE_STATES
from kesu.complaints.models import Complaint
from kesu.customers.choices import Tier
from kesu.customers.models import Customer, Purchase
from kesu.organisation.models import Branch

POPULATION_EVENTS = {
    Population.DELIVERIES: Event.SAMPLE_DELIVERIES,
    Population.COMPLAINTS: Event.SAMPLE_COMPLAINTS,
    Population.CUSTOMERS: Event.SAMPLE_CUSTOMERS,
}
MIN_RATES = {Level.TWO: LEVEL2_MIN_RATE, Level.THREE: LEVEL3_MIN_RATE}
# Loyalty weighting of level 3: the best customers are likelier to get the director's call.
TIER_WEIGHTS = {Tier.DIAMOND: 3, Tier.A: 3, Tier.GOLD: 2, Tier.B: 2}


class AlreadyDrawn(ValidationError):
    pass


def _bounds(start: date, end: date):
    tz = timezone.get_current_timezone()
    return (
        datetime.combine(start, datetime.min.time(), tzinfo=tz),
        datetime.combine(end + timedelta(days=1), datetime.min.time(), tzinfo=tz),
    )


def _branch_q(branch_id, own="branch_id", fallback="customer__branch_id") -> Q:
    if branch_id is None:
        return Q()
    return Q(**{own: branch_id}) | Q(**{f"{own[:-3]}__isnull": True, fallback: branch_id})


def population_members(
    organisation_id: int, branch_id: int | None, kind: str, start: date, end: date
) -> dict[int, int]:
    """Member id → customer id, for the population of a period."""
    lo, hi = _bounds(start, end)
    if kind == Population.DELIVERIES:
        rows = Purchase.objects.filter(
            _branch_q(branch_id),
            customer__organisation_id=organisation_id,
            delivered_on__range=(start, end),
        ).values_list("pk", "customer_id")
    elif kind == Population.COMPLAINTS:
        rows = Complaint.objects.filter(
            organisation_id=organisation_id,
            resolved_at__gte=lo,
            resolved_at__lt=hi,
            state__in=DONE_STATES,
        )
        if branch_id is not None:
            rows = rows.filter(branch_id=branch_id)
        rows = rows.values_list("pk", "customer_id")
    elif kind == Population.CUSTOMERS:
        served = Purchase.objects.filter(
            _branch_q(branch_id), customer__organisation_id=organisation_id
        ).filter(
            Q(order_effective_on__range=(start, end))
            | Q(delivered_on__range=(start, end))
            | Q(service_completed_on__range=(start, end))
        )
        resolved = Complaint.objects.filter(
            organisation_id=organisation_id, resolved_at__gte=lo, resolved_at__lt=hi
        )
        if branch_id is not None:
            resolved = resolved.filter(branch_id=branch_id)
        ids = set(served.values_list("customer_id", flat=True)) | set(
            resolved.values_list("customer_id", flat=True)
        )
        rows = [(pk, pk) for pk in ids]
    else:
        raise ValueError(kind)
    return dict(rows)


def recently_sampled(organisation_id: int, since: datetime) -> set[int]:
    """Customers who had a level 2 or 3 callback planned since `since`."""
    return set(
        CallbackTask.objects.filter(
            organisation_id=organisation_id, level__gte=Level.TWO, created_at__gte=since
        ).values_list("customer_id", flat=True)
    )


def draw_members(
    eligible: list[int], count: int, seed: int, weights: dict[int, float] | None = None
) -> list[int]:
    """`count` members of `eligible` (in the given order), reproducibly from `seed`."""
    rng = random.Random(seed)
    count = min(count, len(eligible))
    if weights is None:
        return sorted(rng.sample(eligible, count))
    # Efraimidis–Spirakis: each member's key is u^(1/w); the largest keys are drawn.
    keyed = [(rng.random() ** (1.0 / weights.get(m, 1.0)), m) for m in eligible]
    keyed.sort(reverse=True)
    return sorted(m for _k, m in keyed[:count])


def new_seed() -> int:
    return random.SystemRandom().getrandbits(48)


def draw_sample(
    *,
    organisation_id: int,
    branch_id: int | None,
    population: str,
    period_start: date,
    period_end: date,
    level: int | None = None,
    rate: Decimal | None = None,
    seed: int | None = None,
    actor=None,
    now: datetime | None = None,
) -> SampleDraw:
    """Draw, record and plan one sample. A period already drawn raises AlreadyDrawn."""
    from kesu.callbacks.plans import settings_for

    if population not in Population.values:
        raise ValidationError({"population": _("Choose a population.")})
    if period_end < period_start:
        raise ValidationError({"period_end": _("The period ends before it starts.")})
    plan = (
        CallbackPlan.objects.filter(
            organisation_id=organisation_id, event=POPULATION_EVENTS[population], is_active=True
        )
        .filter(**({"level": level} if level else {}))
        .order_by("sort_order", "pk")
        .first()
    )
    if plan is None:
        raise ValidationError({"population": _("No active sampling plan covers this population.")})
    level = plan.level
    cb_settings = settings_for(organisation_id)
    rate = Decimal(rate) if rate is not None else cb_settings.rate_for(level)
    minimum = MIN_RATES.get(level, Decimal(0))
    if not minimum <= rate <= 1:
        raise ValidationError(
            {"rate": _("Sample at least %(min)s%% and at most 100%%.") % {"min": minimum * 100}}
        )
    if (
        branch_id is not None
        and not Branch.objects.filter(pk=branch_id, organisation_id=organisation_id).exists()
    ):
        raise ValidationError({"branch": _("Unknown branch.")})
    if SampleDraw.objects.filter(
        organisation_id=organisation_id,
        branch_id=branch_id,
        level=level,
        population_kind=population,
        period_start=period_start,
        period_end=period_end,
    ).exists():
        raise AlreadyDrawn(
            {"period_start": _("This period has already been drawn for this branch.")}
        )
    now = now or timezone.now()
    seed = new_seed() if seed is None else int(seed)

    members = population_members(organisation_id, branch_id, population, period_start, period_end)
    ids = sorted(members)
    excluded_customers = (
        recently_sampled(organisation_id, now - timedelta(days=cb_settings.recent_contact_days))
        if cb_settings.recent_contact_days
        else set()
    )
    excluded = [m for m in ids if members[m] in excluded_customers]
    excluded_set = set(excluded)
    eligible = [m for m in ids if m not in excluded_set]
    target = math.ceil(rate * len(ids))
    weights = None
    if population == Population.CUSTOMERS:
        tiers = dict(Customer.objects.filter(pk__in=eligible).values_list("pk", "tier"))
        weights = {m: float(TIER_WEIGHTS.get(tiers.get(m), 1)) for m in eligible}
    drawn = draw_members(eligible, target, seed, weights)

    try:
        with transaction.atomic():
            draw = SampleDraw.objects.create(
                organisation_id=organisation_id,
                branch_id=branch_id,
                plan=plan,
                level=level,
                population_kind=population,
                period_start=period_start,
                period_end=period_end,
                rate=rate,
                seed=seed,
                weighted=weights is not None,
                population_ids=ids,
                excluded_ids=excluded,
                drawn_ids=drawn,
                target_count=target,
                population_size=len(ids),
                excluded_count=len(excluded),
                drawn_count=len(drawn),
                drawn_at=now,
                drawn_by=actor,
            )
            audit_record(
                organisation_id=organisation_id,
                actor=actor,
                action=CallbackAction.SAMPLE_DRAWN,
                obj=draw,
                data={
                    "plan": plan.code,
                    "branch": branch_id,
                    "population": population,
                    "period": [period_start, period_end],
                    "rate": rate,
                    "seed": seed,
                    "population_size": len(ids),
                    "excluded": len(excluded),
                    "target": target,
                    "drawn": drawn,
                },
            )
            _plan_sample_tasks(draw, plan, population, drawn, actor, now)
    except IntegrityError:
        raise AlreadyDrawn(
            {"period_start": _("This period has already been drawn for this branch.")}
        ) from None
    return draw


def _plan_sample_tasks(draw, plan, population, drawn, actor, now) -> list[CallbackTask]:
    planner = Planner(draw.organisation_id, actor=actor, now=now)
    today = planner.today
    subjects: list[Subject] = []
    for i in range(0, len(drawn), 1000):
        chunk = drawn[i : i + 1000]
        if population == Population.DELIVERIES:
            rows = Purchase.objects.filter(pk__in=chunk).select_related("customer")
            subjects += [purchase_subject(p) for p in rows]
        elif population == Population.COMPLAINTS:
            rows = Complaint.objects.filter(pk__in=chunk).select_related("customer", "purchase")
            subjects += [complaint_subject(c) for c in rows]
        else:
            rows = Customer.objects.filter(pk__in=chunk)
            subjects += [Subject(c, draw.branch_id or c.branch_id, f"cu{c.pk}") for c in rows]
    planner.load_preferences(s.customer.pk for s in subjects)
    return planner.save([planner.build(plan, s, today, draw=draw, late_ok=True) for s in subjects])


def last_week(today: date) -> tuple[date, date]:
    monday = today - timedelta(days=today.weekday())
    return monday - timedelta(days=7), monday - timedelta(days=1)


def draw_last_week(organisation_id: int, *, now: datetime | None = None) -> list[SampleDraw]:
    """Last week's draws for every branch and sampling plan, unless already drawn."""
    now = now or timezone.now()
    start, end = last_week(timezone.localtime(now).date())
    plans = CallbackPlan.objects.filter(
        organisation_id=organisation_id,
        is_active=True,
        event__in=list(POPULATION_EVENTS.values()),
    )
    populations = {e: p for p, e in POPULATION_EVENTS.items()}
    done = set(
        SampleDraw.objects.filter(
            organisation_id=organisation_id, period_start=start, period_end=end
        ).values_list("branch_id", "level", "population_kind")
    )
    made = []
    for branch_id in Branch.objects.filter(organisation_id=organisation_id).values_list(
        "pk", flat=True
    ):
        for plan in plans:
            population = populations[plan.event]
            if (branch_id, plan.level, population) in done:
                continue
            try:
                made.append(
                    draw_sample(
                        organisation_id=organisation_id,
                        branch_id=branch_id,
                        population=population,
                        period_start=start,
                        period_end=end,
                        level=plan.level,
                        now=now,
                    )
                )
            except AlreadyDrawn:
                continue
    return made
