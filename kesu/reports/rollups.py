"""The monthly counts behind the report's trend and comparisons, kept current by the worker.

At a million complaints, counting twelve months of them for the trend and two more periods
for the comparisons takes seconds each time a report is worked out. So the worker keeps, per
organisation, month, branch and department, the number of complaints received and their
counts by kind, channel, category, cause and severity (MonthlyCount), and the report adds those
up instead.

Kept current: `refresh_rollups` (the worker, every minute) counts again, from the complaints,
each month a change touched — the received months of the complaints whose `updated_at` is
after the last refresh (less LAG, for a transaction still open then). The first refresh of an
organisation counts every month. Every change to a complaint goes through a service that saves
`updated_at`, so a creation, a move to another branch or department, a re-categorisation, a
merge or a reopen all mark their month.

Read exactly: the report takes a month from the counts only when no change since the last
refresh touched it (`dirty_months`); a touched month, and any month before the first refresh,
is counted from the complaints as before. So the figures are those of the complaints at the
moment the report is worked out, and the counts only save the work for the months nobody
changed in the meantime.

Which reports read them: the whole organisation, a branch, a department (the slices the
counts are kept by) — the group, a branch's director or general manager, and the scope filters
branch and department. A handling manager of a department (who also sees the cases they are
on the team of), a custom period (not whole months) and the other scope filters (category,
product, kind, channel, severity) count from the complaints.
"""

from collections import Counter, defaultdict
from dataclasses import dataclass
from datetime import date, datetime, timedelta

from django.db import transaction
from django.db.models import Count, Sum
from django.db.models.functions import TruncMonth
from django.utils import timezone

from kesu.complaints.choices import State
from kesu.complaints.models import Complaint
from kesu.complaints.selectors import branches_in_view
from kesu.organisation.choices import Role
from kesu.organisation.models import Organisation
from kesu.reports.models import MonthlyCount, RollupState
from kesu.reports.periods import Period, month

# A change saved this long before a refresh may still have been in an open transaction then
# (an import commits its rows at once): its month is counted again, and read live, meanwhile.
LAG = timedelta(minutes=10)
# The dimensions kept, each the complaint field it counts; "total" is their sum.
DIMENSIONS = {
    "kind": "kind",
    "channel": "channel",
    "category": "category_id",
    "cause": "cause",
    "severity": "severity",
}
# The comparisons' dimension names (selectors._counts), by the kept ones.
REPORT_KEYS = {"kind": "kind", "channel": "channel", "category": "category_id",
               "cause": "cause", "severity": "severity"}  # fmt: skip
# The scope filters the counts are kept by.
SLICE_FILTERS = {"branch", "department"}


@dataclass(frozen=True)
class Slice:
    """Whose complaints: an organisation, maybe one branch, maybe one department."""

    organisation_id: int
    branch_id: int | None = None
    department_id: int | None = None

    def rows(self):
        qs = MonthlyCount.objects.filter(organisation_id=self.organisation_id)
        if self.branch_id is not None:
            qs = qs.filter(branch_id=self.branch_id)
        if self.department_id is not None:
            qs = qs.filter(department_id=self.department_id)
        return qs


def slice_for(user, scope: dict[str, str]) -> Slice | None:
    """The slice a report of `user` within `scope` counts, or None when the counts are not
    kept by what it filters on (the report then counts from the complaints)."""
    if user.organisation_id is None or set(scope) - SLICE_FILTERS:
        return None
    if any(not value.isdigit() for value in scope.values()):
        return None
    branch = int(scope["branch"]) if "branch" in scope else None
    department = int(scope["department"]) if "department" in scope else None
    if branch is not None and not branches_in_view(user).filter(pk=branch).exists():
        return None  # the list's filter leaves such a branch out; so does the live count
    if user.sees_whole_organisation:
        return Slice(user.organisation_id, branch, department)
    if user.role == Role.HANDLER and user.department_id:
        return None  # their department's and the cases they are on the team of
    if not user.branch_id or branch not in (None, user.branch_id):
        return None
    return Slice(user.organisation_id, user.branch_id, department)


def whole_months(period: Period) -> list[date] | None:
    """The first days of the months a period is made of, or None if it is not whole months."""
    if period.kind not in ("month", "quarter", "year"):
        return None
    months, current = [], month(period.start)
    while current.start < period.end:
        months.append(current.start)
        current = month(current.end)
    return months


def _local_month(value) -> date:
    if isinstance(value, datetime):
        if timezone.is_aware(value):
            value = timezone.localtime(value, timezone.get_default_timezone())
        return value.date().replace(day=1)
    return value.replace(day=1)


def _touched_months(organisation_id: int, since: datetime) -> set[date]:
    """The received months of the organisation's complaints changed at or after `since`."""
    return {
        _local_month(m)
        for m in Complaint.objects.filter(organisation_id=organisation_id, updated_at__gte=since)
        .order_by()
        .annotate(m=TruncMonth("received_at", tzinfo=timezone.get_default_timezone()))
        .values_list("m", flat=True)
        .distinct()
    }


def dirty_months(organisation_id: int) -> set[date] | None:
    """The months the counts may not hold as they are now; None if they were never built."""
    state = RollupState.objects.filter(organisation_id=organisation_id).first()
    if state is None:
        return None
    return _touched_months(organisation_id, state.built_through - LAG)


def _runs(months: set[date]) -> list[tuple[date, date]]:
    """Consecutive months as (first day, day after the last month)."""
    runs: list[tuple[date, date]] = []
    for first in sorted(months):
        end = month(first).end
        if runs and runs[-1][1] == first:
            runs[-1] = (runs[-1][0], end)
        else:
            runs.append((first, end))
    return runs


def _bounds(start: date, end: date) -> tuple[datetime, datetime]:
    tz = timezone.get_default_timezone()
    return (
        timezone.make_aware(datetime.combine(start, datetime.min.time()), tz),
        timezone.make_aware(datetime.combine(end, datetime.min.time()), tz),
    )


def count_months(organisation_id: int, months: set[date]) -> list[MonthlyCount]:
    """The counts of these months, worked out from the complaints (one grouped query per
    dimension and run of consecutive months)."""
    tz = timezone.get_default_timezone()
    cells: dict[tuple, int] = defaultdict(int)
    for start, end in _runs(months):
        low, high = _bounds(start, end)
        received = (
            Complaint.objects.filter(
                organisation_id=organisation_id, received_at__gte=low, received_at__lt=high
            )
            .exclude(state=State.MERGED)
            .order_by()
            .annotate(m=TruncMonth("received_at", tzinfo=tz))
        )
        for dimension, field_name in DIMENSIONS.items():
            grouped = (
                received.values("m", "branch_id", "department_id", field_name)
                .annotate(n=Count("id"))
                .values_list("m", "branch_id", "department_id", field_name, "n")
            )
            for m, branch_id, department_id, value, n in grouped:
                key = (_local_month(m), branch_id, department_id)
                cells[(*key, dimension, "" if value is None else str(value))] += n
                if dimension == "kind":
                    cells[(*key, "total", "")] += n
    return [
        MonthlyCount(
            organisation_id=organisation_id,
            month=m,
            branch_id=branch_id,
            department_id=department_id,
            dimension=dimension,
            value=value,
            count=n,
        )
        for (m, branch_id, department_id, dimension, value), n in cells.items()
    ]


def _all_months(organisation_id: int) -> set[date]:
    return {
        _local_month(m)
        for m in Complaint.objects.filter(organisation_id=organisation_id)
        .order_by()
        .annotate(m=TruncMonth("received_at", tzinfo=timezone.get_default_timezone()))
        .values_list("m", flat=True)
        .distinct()
    }


def refresh_rollups(organisation_id: int, *, rebuild: bool = False) -> int:
    """Count again the months of the organisation that changed since the last refresh (every
    month the first time, or with `rebuild`); returns how many months were counted."""
    started = timezone.now()
    with transaction.atomic():
        # One refresh of an organisation at a time: the second waits for the first.
        Organisation.objects.select_for_update().filter(pk=organisation_id).first()
        state = RollupState.objects.filter(organisation_id=organisation_id).first()
        if state is None or rebuild:
            months = _all_months(organisation_id)
            MonthlyCount.objects.filter(organisation_id=organisation_id).delete()
        else:
            months = _touched_months(organisation_id, state.built_through - LAG)
            MonthlyCount.objects.filter(organisation_id=organisation_id, month__in=months).delete()
        MonthlyCount.objects.bulk_create(count_months(organisation_id, months), batch_size=2000)
        RollupState.objects.update_or_create(
            organisation_id=organisation_id,
            defaults={"built_through": started, "refreshed_at": timezone.now(),
                      "months": len(months)},
        )  # fmt: skip
    return len(months)


def refresh_all_rollups() -> int:
    """Every organisation's counts refreshed (the worker's task); returns the months counted."""
    return sum(
        refresh_rollups(pk)
        for pk in Organisation.objects.order_by("pk").values_list("pk", flat=True)
    )


def totals_by_month(where: Slice, months: list[date]) -> dict[date, int]:
    """Complaints received in each of these months, from the counts."""
    return dict(
        where.rows()
        .filter(month__in=months, dimension="total")
        .order_by()
        .values("month")
        .annotate(n=Sum("count"))
        .values_list("month", "n")
    )


def counts_by_dimension(where: Slice, months: list[date]) -> dict[str, Counter]:
    """The comparisons' counts (as selectors._counts gives them) of these months, from the
    counts: the total, by kind, channel, category, cause, severity, branch and department."""
    counts: dict[str, Counter] = defaultdict(Counter)
    if not months:
        return counts
    grouped = (
        where.rows()
        .filter(month__in=months)
        .order_by()
        .values("branch_id", "department_id", "dimension", "value")
        .annotate(n=Sum("count"))
        .values_list("branch_id", "department_id", "dimension", "value", "n")
    )
    for branch_id, department_id, dimension, value, n in grouped:
        if dimension == "total":
            counts["total"][""] += n
            counts["branch_id"][str(branch_id)] += n
            counts["department_id"]["" if department_id is None else str(department_id)] += n
        else:
            counts[REPORT_KEYS[dimension]][value] += n
    return counts
