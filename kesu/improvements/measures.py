"""The measure an improvement action should move, computed from the complaints themselves.

The measure of a period is the number of complaints received in it that match the action —
its causes and its categories (each with everything under it; both given: both must match), in
its branch or, for a group-wide action, in the whole organisation; a merged duplicate counts
once, as the complaint it was merged into — turned into a rate: per 30 days, or per 1,000 of a
number entered by hand for the period (deliveries, service visits). Nothing is estimated: a
count over dates, divided by the days or by the number given.
"""

from dataclasses import dataclass
from datetime import date, datetime, time, timedelta
from decimal import ROUND_HALF_UP, Decimal

from django.db.models import Q, QuerySet
from django.utils import timezone
from django.utils.translation import gettext as _

from kesu.complaints.choices import State
from kesu.complaints.models import Complaint
from kesu.improvements.choices import Unit

PLACES = Decimal("0.01")


@dataclass(frozen=True)
class Measured:
    start: date  # first day
    end: date  # last day
    count: int
    value: Decimal | None  # None: per 1,000 without the number to divide by

    @property
    def days(self) -> int:
        return (self.end - self.start).days + 1


def matching_complaints(
    organisation_id: int,
    branch_id: int | None,
    category_paths: list[str],
    causes: list[str],
) -> QuerySet[Complaint]:
    """The complaints an action with these causes and categories is about (any date)."""
    qs = Complaint.objects.filter(organisation_id=organisation_id).exclude(state=State.MERGED)
    if branch_id is not None:
        qs = qs.filter(branch_id=branch_id)
    if category_paths:
        under = Q()
        for path in category_paths:
            under |= Q(category__path=path) | Q(category__path__startswith=f"{path}/")
        qs = qs.filter(under)
    if causes:
        qs = qs.filter(cause__in=list(causes))
    return qs


def _local_midnight(day: date) -> datetime:
    return timezone.make_aware(datetime.combine(day, time.min), timezone.get_current_timezone())


def count_in(qs: QuerySet[Complaint], start: date, end: date) -> int:
    """Complaints of `qs` received from the first day to the last, both included."""
    return qs.filter(
        received_at__gte=_local_midnight(start),
        received_at__lt=_local_midnight(end + timedelta(days=1)),
    ).count()


def rate(count: int, days: int, unit: str, denominator: int | None) -> Decimal | None:
    if unit == Unit.PER_THOUSAND:
        if not denominator:
            return None
        value = Decimal(count) * 1000 / Decimal(denominator)
    else:
        value = Decimal(count) * 30 / Decimal(max(days, 1))
    return value.quantize(PLACES, rounding=ROUND_HALF_UP)


def measure(action, start: date, end: date, denominator: int | None) -> Measured:
    """The action's measure over a period (the action's categories and causes as saved)."""
    paths = list(action.categories.values_list("path", flat=True))
    qs = matching_complaints(action.organisation_id, action.branch_id, paths, action.causes)
    count = count_in(qs, start, end)
    days = (end - start).days + 1
    return Measured(start, end, count, rate(count, days, action.unit, denominator))


def after_period(action, today: date) -> tuple[date, date] | None:
    """The period after completion the review measures: from the day it was done to the day
    before the review date (or, reviewed after a late completion, to yesterday); None while
    there is no whole day after completion to measure yet."""
    if action.completed_on is None:
        return None
    start = action.completed_on
    end = action.review_on - timedelta(days=1)
    if end < start:
        end = today - timedelta(days=1)
    return (start, end) if end >= start else None


def unit_suffix(unit: str, denominator_label: str = "") -> str:
    """What a value of the measure is counted in, to follow the number: "/ 30 days", "per
    1,000 service visits"."""
    if unit == Unit.PER_THOUSAND:
        return _("per 1,000 %(label)s") % {"label": denominator_label or "—"}
    return _("/ 30 days")


def counts_everything(action) -> bool:
    """Neither causes nor categories: the measure counts every complaint of the branch."""
    return not action.causes and not action.categories.exists()
