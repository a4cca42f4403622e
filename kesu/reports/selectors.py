"""The monthly analysis (DOMAIN §8): what came in, why, how fast it was handled, what it cost
and what keeps coming back — for one period and scope, against the period before and the same
period a year earlier. Reads only.

Every figure is about one cohort: the complaints *received* in the period that the user may
see and that match the scope (the complaint list's own filters: branch, department, category
and everything under it, product, …). So each figure drills down to the list with the same
filters and the received dates, and a report reopened later counts the same complaints.
"""

import statistics
from collections import Counter, defaultdict
from dataclasses import dataclass, field
from datetime import date, datetime, timedelta
from decimal import Decimal
from urllib.parse import urlencode

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db.models import Case, Count, F, FloatField, Func, Q, QuerySet, When
from django.db.models.functions import TruncMonth
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _

from kesu.callbacks.measures import measures_for
from kesu.callbacks.models import SurveyResponse
from kesu.complaints.api.filters import NOT_YOUR_BRANCH, ComplaintFilter
from kesu.complaints.choices import (
    CauseClass,
    Channel,
    CompensationType,
    Kind,
    Satisfaction,
    Severity,
    State,
)
from kesu.complaints.exports import category_labels
from kesu.complaints.models import Category, Complaint
from kesu.complaints.selectors import OVERDUE_STATES, branches_in_view, complaints_visible_to
from kesu.improvements.selectors import ReportRow as ImprovementRow
from kesu.improvements.selectors import improvements_for_report
from kesu.organisation.choices import Role
from kesu.organisation.models import Branch, Department, Organisation, User
from kesu.reports import rollups
from kesu.reports.access import may_read_reports
from kesu.reports.choices import Reach
from kesu.reports.models import StoredReport, StoredReportCopy
from kesu.reports.periods import Period, month
from kesu.sla.choices import MilestoneKind, MilestoneStatus
from kesu.sla.models import ComplaintMilestone

# The deadlines whose keeping the report measures, in the order of the procedure.
MEASURED_MILESTONES = (
    MilestoneKind.FIRST_CONTACT,
    MilestoneKind.SOLUTION,
    MilestoneKind.RESOLUTION,
    MilestoneKind.SATISFACTION_CALLBACK,
)
PARETO_LINE = 80  # per cent: the "vital few" causes and categories
TREND_MONTHS = 12
RECURRING_LOOKBACK = timedelta(days=90)  # "the same customer again": within three months
RECURRING_DEFECT_AT = 3  # complaints of one product and category in the period
LIST_TOP = 10
# The scope filters a report accepts: the complaint list's, minus what the period decides.
SCOPE_FILTERS = ("branch", "department", "category", "product", "kind", "channel", "severity")


@dataclass
class Row:
    key: str
    label: str
    count: int
    previous: int = 0
    year_before: int = 0
    link: str = ""

    @property
    def change(self) -> int:
        return self.count - self.previous

    @property
    def change_pct(self) -> int | None:
        return round(100 * self.change / self.previous) if self.previous else None


@dataclass
class Breakdown:
    code: str
    title: str
    rows: list[Row]


@dataclass
class ParetoRow:
    label: str
    count: int
    share: float  # per cent of the cohort
    cumulative: float  # per cent, this row included
    vital: bool  # among the few that make up the first 80 %
    link: str


@dataclass
class Compliance:
    code: str
    label: str
    on_time: int = 0
    late: int = 0
    pending: int = 0

    @property
    def decided(self) -> int:
        return self.on_time + self.late

    @property
    def rate(self) -> float | None:
        return round(100 * self.on_time / self.decided, 1) if self.decided else None


@dataclass
class Duration:
    code: str
    label: str
    count: int
    median_hours: float | None
    p90_hours: float | None


@dataclass
class Money:
    label: str
    count: int
    amount: Decimal


@dataclass
class Listed:
    """A complaint named in the report (crisis cases, the overdue)."""

    pk: int
    number: str
    title: str
    state: str
    link: str


@dataclass
class Report:
    period: Period
    previous: Period
    year_before: Period
    scope: dict[str, str]
    scope_labels: list[str]
    generated_at: datetime
    total: int
    total_previous: int
    total_year_before: int
    list_link: str
    breakdowns: list[Breakdown] = field(default_factory=list)
    trend: list[Row] = field(default_factory=list)
    pareto_causes: list[ParetoRow] = field(default_factory=list)
    pareto_categories: list[ParetoRow] = field(default_factory=list)
    compliance: list[Compliance] = field(default_factory=list)
    durations: list[Duration] = field(default_factory=list)
    overdue_count: int = 0
    overdue: list[Listed] = field(default_factory=list)
    overdue_link: str = ""
    reopened: int = 0
    reopened_link: str = ""
    satisfaction: list[Row] = field(default_factory=list)
    csat: float | None = None  # per cent of ratings 4–5 of the handling questionnaire
    csat_answers: int = 0
    nps: int | None = None  # promoters minus detractors, per cent
    nps_answers: int = 0
    compensation_by_type: list[Money] = field(default_factory=list)
    compensation_by_approver: list[Money] = field(default_factory=list)
    crisis: list[Listed] = field(default_factory=list)  # the newest twenty
    crisis_count: int = 0
    crisis_link: str = ""
    repeat_customers: int = 0
    recurring_defects: list[Row] = field(default_factory=list)
    summary: list[str] = field(default_factory=list)
    # The callback programme in the period (kesu/callbacks/measures.py): the user's branch or
    # the whole organisation, not narrowed by the scope's other filters.
    callbacks: dict = field(default_factory=dict)
    # The improvement actions under way in the period (kesu/improvements/selectors.py).
    improvements: list[ImprovementRow] = field(default_factory=list)
    improvements_total: int = 0

    @property
    def reopen_rate(self) -> float | None:
        return round(100 * self.reopened / self.total, 1) if self.total else None

    @property
    def compensation_total(self) -> Decimal:
        return sum((m.amount for m in self.compensation_by_type), Decimal(0))


def scope_from(params) -> dict[str, str]:
    """The scope filters present in the query parameters, as given."""
    return {name: params[name] for name in SCOPE_FILTERS if params.get(name)}


def check_scope(user, scope: dict[str, str]) -> None:
    """Refuse a branch out of the user's view (a ValidationError keyed "branch"): its report
    would read as zeros, as if nothing had happened there."""
    branch = scope.get("branch", "")
    if branch and not (branch.isdigit() and branches_in_view(user).filter(pk=int(branch)).exists()):
        raise ValidationError({"branch": [NOT_YOUR_BRANCH]})
    # The rest as the complaint list reads them: a value it would refuse is refused here too,
    # not silently left out of the scope (the report would then cover more than was asked).
    form = ComplaintFilter(scope, queryset=Complaint.objects.none(), request=_RequestOf(user)).form
    if not form.is_valid():
        raise ValidationError({name: list(errors) for name, errors in form.errors.items()})


def scoped_complaints(user, scope: dict[str, str], request=None) -> QuerySet[Complaint]:
    """The complaints the user may see that match the scope (the list's own filters)."""
    qs = complaints_visible_to(user)
    if not scope:
        return qs
    filterset = ComplaintFilter(scope, queryset=qs, request=request or _RequestOf(user))
    return filterset.qs


class _RequestOf:
    """The little of a request ComplaintFilter reads (its user), for the worker."""

    def __init__(self, user):
        self.user = user


def _received_in(qs: QuerySet, period: Period) -> QuerySet:
    """The complaints received in the period; a duplicate merged into another is the same
    complaint told twice and counts once, as the one it was merged into."""
    start, end = period.bounds()
    return qs.filter(received_at__gte=start, received_at__lt=end).exclude(state=State.MERGED)


def _link(period: Period, scope: dict[str, str], **extra) -> str:
    params = {
        **scope,
        "received_after": period.start.isoformat(),
        "received_before": period.last_day.isoformat(),
        "merged": "false",  # as the report counts: a merged duplicate is its original's
        **{k: v for k, v in extra.items() if v not in (None, "")},
    }
    return f"{reverse('complaints:complaint-list')}?{urlencode(params)}"


# The dimensions the volume is broken down by: (code, title, row field, choices or None).
COLUMNS = (
    "kind",
    "channel",
    "category_id",
    "cause",
    "severity",
    "branch_id",
    "department_id",
    "purchase__product",
    "reopen_count",
    "is_crisis",
    "satisfaction",
    "customer_id",
    "compensation_type",
    "compensation_amount",
    "compensation_approved_by_id",
    "pk",
    "resolve_hours",
    "overdue_since",
)


def monthly_report(user, period: Period, scope: dict[str, str] | None = None, request=None):
    """The report of `period` for the complaints `user` may see within `scope`."""
    scope = dict(scope or {})
    base = scoped_complaints(user, scope, request)
    now = timezone.now()
    cohort = _received_in(base, period)
    # Hours and dates worked out by the database: a datetime per row read into Python costs
    # more than the rest of a row.
    rows = list(
        cohort.annotate(
            resolve_hours=_Hours(F("resolved_at"), F("received_at")),
            overdue_since=Case(
                When(Q(state__in=OVERDUE_STATES, due_at__lt=now), then=F("due_at")), default=None
            ),
        ).values_list(*COLUMNS)
    )
    col = {name: i for i, name in enumerate(COLUMNS)}
    previous, year_before = period.previous(), period.year_before()
    kept = _kept_counts(user, scope)
    before = _period_counts(base, previous, kept)
    a_year_ago = _period_counts(base, year_before, kept)

    categories = _category_tree(user.organisation_id)
    report = Report(
        period=period,
        previous=previous,
        year_before=year_before,
        scope=scope,
        scope_labels=_scope_labels(user, scope, categories),
        generated_at=now,
        total=len(rows),
        total_previous=before["total"][""],
        total_year_before=a_year_ago["total"][""],
        list_link=_link(period, scope),
    )
    current = _tally(rows, col)
    report.breakdowns = _breakdowns(user, period, scope, current, before, a_year_ago, categories)
    report.trend = _trend(base, period, kept, len(rows))
    _paretos(report, current, categories, len(rows))
    # The cohort's lowest and highest ids: a redundant bound that lets the milestones and
    # answers be read by a range of their complaint index, not by a scan of all of them.
    ids = _id_range(rows, col)
    report.compliance = _compliance(cohort, now, ids)
    report.durations = _durations(rows, col, _first_contacts(cohort, ids))
    _overdue(report, cohort, rows, col)
    report.reopened = sum(1 for r in rows if r[col["reopen_count"]])
    report.reopened_link = _link(period, scope, reopened="true")
    report.satisfaction = [
        Row(s.value, str(s.label), current["satisfaction"].get(s.value, 0),
            link=_link(period, scope, satisfaction=s.value))
        for s in Satisfaction
    ]  # fmt: skip
    _surveys(report, cohort, ids)
    _compensation(report, rows, col)
    crisis = sorted((r[col["pk"]] for r in rows if r[col["is_crisis"]]), reverse=True)
    report.crisis = _listed(cohort, crisis[: LIST_TOP * 2])
    report.crisis_count = len(crisis)
    report.crisis_link = _link(period, scope, is_crisis="true")
    report.repeat_customers = _repeat_customers(base, period, rows, col)
    report.recurring_defects = _recurring_defects(rows, col, categories, period, scope)
    report.callbacks = measures_for(user, period.start, period.last_day)
    report.improvements, report.improvements_total = improvements_for_report(
        user, period.start, period.end, scope
    )
    report.summary = _summary(report)
    return report


def _paretos(report: Report, current: dict, categories: "_CategoryTree", total: int) -> None:
    """The Pareto of causes and of categories, each linked to its list."""
    period, scope = report.period, report.scope
    report.pareto_causes = _pareto(
        current["cause"],
        lambda k: str(CauseClass(k).label) if k in CauseClass.values else _("Not given"),
        lambda k: _link(period, scope, cause=k) if k else "",
        total,
    )
    report.pareto_categories = _pareto(
        current["category_id"],
        lambda k: categories.labels.get(int(k), "?") if k else _("Not given"),
        lambda k: _link(period, scope, category=k) if k else "",
        total,
    )


def _overdue(report: Report, cohort: QuerySet, rows, col) -> None:
    """From the cohort's rows, as the list's overdue filter decides (complaints_overdue): a walk
    of an index in deadline or id order would pass over most of the organisation's cases."""
    overdue = sorted(
        (r[col["overdue_since"]], r[col["pk"]]) for r in rows if r[col["overdue_since"]]
    )
    report.overdue_count = len(overdue)
    report.overdue = _listed(cohort, [pk for _due, pk in overdue[:LIST_TOP]])
    report.overdue_link = _link(report.period, report.scope, overdue="true")


@dataclass(frozen=True)
class _Kept:
    """The monthly counts a report may read (kesu/reports/rollups.py): its slice, and the
    months changed since they were last refreshed, which are counted from the complaints."""

    where: rollups.Slice
    dirty: set[date]


def _kept_counts(user, scope: dict[str, str]) -> _Kept | None:
    if timezone.get_current_timezone_name() != timezone.get_default_timezone_name():
        return None  # the counts' months are the site's
    where = rollups.slice_for(user, scope)
    if where is None:
        return None
    dirty = rollups.dirty_months(where.organisation_id)
    return None if dirty is None else _Kept(where, dirty)


def _period_counts(base: QuerySet, period: Period, kept: _Kept | None) -> dict[str, Counter]:
    """_counts of the complaints received in `period`: from the monthly counts for the months
    nobody changed since they were refreshed, from the complaints for the others."""
    months = rollups.whole_months(period) if kept is not None else None
    if kept is None or months is None:
        return _counts(_received_in(base, period))
    counts = rollups.counts_by_dimension(kept.where, [m for m in months if m not in kept.dirty])
    for first in months:
        if first in kept.dirty:
            for name, counter in _counts(_received_in(base, month(first))).items():
                counts[name].update(counter)
    return counts


def _counts(qs: QuerySet) -> dict[str, Counter]:
    """Counts of a comparison period by the breakdown dimensions (one grouped query)."""
    dims = ("kind", "channel", "category_id", "cause", "severity", "branch_id", "department_id")
    counts: dict[str, Counter] = defaultdict(Counter)
    for row in qs.order_by().values(*dims).annotate(n=Count("id")).values_list(*dims, "n"):
        n = row[-1]
        counts["total"][""] += n
        for name, value in zip(dims, row[:-1], strict=False):
            counts[name][_key(value)] += n
    return counts


def _key(value) -> str:
    return "" if value is None else str(value)


def _tally(rows, col) -> dict[str, Counter]:
    tally: dict[str, Counter] = defaultdict(Counter)
    for name in ("kind", "channel", "category_id", "cause", "severity", "branch_id",
                 "department_id", "purchase__product", "satisfaction"):  # fmt: skip
        i = col[name]
        for value, n in Counter(row[i] for row in rows).items():
            tally[name][_key(value)] += n
    return tally


@dataclass(frozen=True)
class _CategoryTree:
    labels: dict[int, str]  # each category's full path in the user's language
    roots: dict[int, int]  # each category's top-level category


def _category_tree(organisation_id: int) -> _CategoryTree:
    paths = dict(Category.objects.filter(organisation_id=organisation_id).values_list("pk", "path"))
    by_path = {path: pk for pk, path in paths.items()}
    roots = {pk: by_path.get(path.split("/")[0], pk) for pk, path in paths.items()}
    return _CategoryTree(category_labels(organisation_id), roots)


def _roll_up(counter: Counter, tree: _CategoryTree) -> Counter:
    """Counts by category as counts by their top-level categories ("" for none)."""
    rolled: Counter = Counter()
    for key, n in counter.items():
        rolled[str(tree.roots[int(key)]) if key and int(key) in tree.roots else ""] += n
    return rolled


def _breakdowns(user, period, scope, current, before, a_year_ago, categories) -> list[Breakdown]:
    branches = {
        str(b.pk): b.name for b in Branch.objects.filter(organisation_id=user.organisation_id)
    }
    departments = {
        str(d.pk): f"{d.name} · {d.branch.name}" if not user.branch_id else d.name
        for d in Department.objects.filter(
            branch__organisation_id=user.organisation_id
        ).select_related("branch")
    }
    not_given = _("Not given")

    def choice(choices):
        return lambda k: str(choices(k).label) if k in choices.values else not_given

    def category_label(k):
        return categories.labels.get(int(k), not_given) if k else not_given

    dims = [
        ("kind", _("Kind"), current["kind"], before["kind"], a_year_ago["kind"], choice(Kind), "kind"),
        ("channel", _("Channel"), current["channel"], before["channel"], a_year_ago["channel"],
         choice(Channel), "channel"),
        ("category", _("Category"), _roll_up(current["category_id"], categories),
         _roll_up(before["category_id"], categories), _roll_up(a_year_ago["category_id"], categories),
         category_label, "category"),
        ("cause", _("Cause"), current["cause"], before["cause"], a_year_ago["cause"],
         choice(CauseClass), "cause"),
        ("severity", _("Severity"), current["severity"], before["severity"], a_year_ago["severity"],
         choice(Severity), "severity"),
        ("branch", _("Branch"), current["branch_id"], before["branch_id"], a_year_ago["branch_id"],
         lambda k: branches.get(k, not_given), "branch"),
        ("department", _("Department"), current["department_id"], before["department_id"],
         a_year_ago["department_id"], lambda k: departments.get(k, not_given), "department"),
    ]  # fmt: skip
    out = []
    for code, title, now_counts, prev_counts, year_counts, label, param in dims:
        keys = sorted(
            set(now_counts) | set(prev_counts), key=lambda k: (-now_counts.get(k, 0), label(k))
        )
        out.append(
            Breakdown(
                code,
                title,
                [
                    Row(
                        k,
                        label(k),
                        now_counts.get(k, 0),
                        prev_counts.get(k, 0),
                        year_counts.get(k, 0),
                        _link(period, scope, **{param: k}) if k else "",
                    )
                    for k in keys
                ],
            )  # fmt: skip
        )
    products = current["purchase__product"]
    out.append(
        Breakdown(
            "product",
            _("Product or model"),
            [
                Row(k, k or not_given, n, link=_link(period, scope, product=k) if k else "")
                for k, n in products.most_common(LIST_TOP * 2)
            ],
        )
    )
    return out


def _trend(base: QuerySet, period: Period, kept: _Kept | None, total: int) -> list[Row]:
    """Complaints received in each of the twelve months up to the period's last one."""
    last = month(period.last_day)
    first = last
    for _i in range(TREND_MONTHS - 1):
        first = first.previous()
    if kept is not None:
        return _kept_trend(base, period, kept, total, first, last)
    start, _end = first.bounds()
    _start, end = last.bounds()
    counts = {
        timezone.localtime(m).date().replace(day=1) if timezone.is_aware(m) else m.date(): n
        for m, n in base.filter(received_at__gte=start, received_at__lt=end)
        .exclude(state=State.MERGED)
        .order_by()
        .annotate(m=TruncMonth("received_at", tzinfo=timezone.get_current_timezone()))
        .values("m")
        .annotate(n=Count("id"))
        .values_list("m", "n")
    }
    out, current = [], first
    while current.start <= last.start:
        out.append(Row(current.label, current.label, counts.get(current.start, 0)))
        current = month(current.end)
    return out


def _kept_trend(base, period, kept: _Kept, total: int, first: Period, last: Period) -> list[Row]:
    """The trend from the monthly counts; the months changed since they were refreshed
    counted from the complaints, and the report's own month (of a monthly report) from the
    complaints it already read."""
    months, current = [], first
    while current.start <= last.start:
        months.append(current)
        current = month(current.end)
    counts = rollups.totals_by_month(
        kept.where, [m.start for m in months if m.start not in kept.dirty]
    )
    for m in months:
        if period.kind == "month" and m.start == period.start:
            counts[m.start] = total
        elif m.start in kept.dirty:
            counts[m.start] = _received_in(base, m).count()
    return [Row(m.label, m.label, counts.get(m.start, 0)) for m in months]


def _pareto(counter: Counter, label, link, total: int) -> list[ParetoRow]:
    out: list[ParetoRow] = []
    running = 0.0
    for key, n in counter.most_common():
        share = 100 * n / total if total else 0.0
        vital = running < PARETO_LINE
        running_share = running + share
        out.append(
            ParetoRow(label(key), n, round(share, 1), round(running_share, 1), vital, link(key))
        )
        running = running_share
    return out


def _id_range(rows, col) -> tuple[int, int]:
    pks = [r[col["pk"]] for r in rows]
    return (min(pks), max(pks)) if pks else (0, -1)


def _of_cohort(qs: QuerySet, cohort: QuerySet, ids: tuple[int, int] | None) -> QuerySet:
    """The rows of `qs` about the cohort's complaints (whose ids are within `ids`, if given)."""
    qs = qs.filter(complaint_id__in=cohort.order_by().values("pk"))
    return qs if ids is None else qs.filter(complaint_id__gte=ids[0], complaint_id__lte=ids[1])


def _measured(cohort: QuerySet, ids: tuple[int, int] | None) -> QuerySet[ComplaintMilestone]:
    return _of_cohort(
        ComplaintMilestone.objects.filter(kind__in=MEASURED_MILESTONES, round=1), cohort, ids
    ).exclude(status=MilestoneStatus.CANCELLED)


def _compliance(cohort: QuerySet, now, ids: tuple[int, int] | None = None) -> list[Compliance]:
    """Per measured milestone of the cohort: kept on time, late (met late, breached or past
    due), still pending — counted by the database, one row per kind."""
    on_time = Q(met_at__isnull=False, due_at__isnull=False, met_at__lte=F("due_at"),
                breached_at__isnull=True)  # fmt: skip
    late = ~on_time & (Q(met_at__isnull=False) | Q(breached_at__isnull=False) | Q(due_at__lt=now))
    by_kind: dict[str, Compliance] = {
        k: Compliance(k, str(MilestoneKind(k).label)) for k in MEASURED_MILESTONES
    }
    counts = (
        _measured(cohort, ids)
        .order_by()
        .values("kind")
        .annotate(
            on_time=Count("id", filter=on_time),
            late=Count("id", filter=late),
            total=Count("id"),
        )
    )
    for row in counts:
        found = by_kind[row["kind"]]
        found.on_time, found.late = row["on_time"], row["late"]
        found.pending = row["total"] - row["on_time"] - row["late"]
    return list(by_kind.values())


def _first_contacts(cohort: QuerySet, ids: tuple[int, int]) -> list[float]:
    """Hours from receipt to first contact of the cohort's contacted complaints."""
    return list(
        _measured(cohort, ids)
        .filter(kind=MilestoneKind.FIRST_CONTACT, met_at__isnull=False)
        .annotate(hours=_Hours(F("met_at"), F("complaint__received_at")))
        .values_list("hours", flat=True)
    )


class _Hours(Func):
    """Hours from one moment to a later one, as a float (None if either is missing):
    the seconds between them over 3,600, as Python's timedelta.total_seconds() / 3600."""

    output_field = FloatField()
    arity = 2

    def as_sql(self, compiler, connection, **extra):
        end, start = (compiler.compile(e) for e in self.source_expressions)
        return (
            f"(EXTRACT(EPOCH FROM ({end[0]} - {start[0]}))::float8 / 3600.0)",
            [*end[1], *start[1]],
        )

    def as_sqlite(self, compiler, connection, **extra):
        end, start = (compiler.compile(e) for e in self.source_expressions)
        return (
            f"((julianday({end[0]}) - julianday({start[0]})) * 24.0)",
            [*end[1], *start[1]],
        )


def _hours(values: list[float]) -> tuple[float | None, float | None]:
    if not values:
        return None, None
    values.sort()
    p90 = values[min(len(values) - 1, int(round(0.9 * (len(values) - 1))))]
    return round(statistics.median(values), 1), round(p90, 1)


def _durations(rows, col, first_contacts: list[float]) -> list[Duration]:
    contact = list(first_contacts)
    resolve = [r[col["resolve_hours"]] for r in rows if r[col["resolve_hours"]] is not None]
    out = []
    for code, label, values in (
        ("to_contact", _("Time to first contact"), contact),
        ("to_resolve", _("Time to resolution"), resolve),
    ):
        median, p90 = _hours(values)
        out.append(Duration(code, label, len(values), median, p90))
    return out


def _listed(qs, pks: list[int] | None = None) -> list[Listed]:
    """The complaints of `qs` (of `pks`, in that order, if given) as the report names them."""
    if pks is not None:
        found = {c.pk: c for c in qs.filter(pk__in=pks).only("pk", "number", "title", "state")}
        complaints = [found[pk] for pk in pks if pk in found]
    else:
        complaints = list(qs.only("pk", "number", "title", "state"))
    return [
        Listed(c.pk, c.number, c.title, c.get_state_display(),
               reverse("complaints:complaint", args=[c.pk]))
        for c in complaints
    ]  # fmt: skip


def _surveys(report: Report, cohort: QuerySet, ids: tuple[int, int]) -> None:
    """CSAT (ratings 4–5 of "the result") and NPS of the questionnaires about the cohort."""
    ratings, scores = [], []
    answers = _of_cohort(SurveyResponse.objects.all(), cohort, ids).values_list(
        "answers", flat=True
    )
    for answer in answers:
        result, nps = (answer or {}).get("result"), (answer or {}).get("nps")
        if isinstance(result, int):
            ratings.append(result)
        if isinstance(nps, int):
            scores.append(nps)
    report.csat_answers, report.nps_answers = len(ratings), len(scores)
    if ratings:
        report.csat = round(100 * sum(1 for r in ratings if r >= 4) / len(ratings), 1)
    if scores:
        promoters = sum(1 for s in scores if s >= 9)
        detractors = sum(1 for s in scores if s <= 6)
        report.nps = round(100 * (promoters - detractors) / len(scores))


def _compensation(report: Report, rows, col) -> None:
    by_type: dict[str, Money] = {}
    by_approver: dict[int, Money] = {}
    for r in rows:
        amount = r[col["compensation_amount"]]
        approver = r[col["compensation_approved_by_id"]]
        if not amount or approver is None:
            continue  # only what was granted counts as a cost
        kind = r[col["compensation_type"]]
        money = by_type.get(kind)
        if money is None:
            label = str(CompensationType(kind).label) if kind in CompensationType.values else "—"
            money = by_type[kind] = Money(label, 0, Decimal(0))
        money.count += 1
        money.amount += amount
        given = by_approver.get(approver)
        if given is None:
            given = by_approver[approver] = Money("", 0, Decimal(0))
        given.count += 1
        given.amount += amount
    names = {u.pk: str(u) for u in User.objects.filter(pk__in=list(by_approver))}
    for pk, money in by_approver.items():
        money.label = names.get(pk, "?")
    report.compensation_by_type = sorted(by_type.values(), key=lambda m: -m.amount)
    report.compensation_by_approver = sorted(by_approver.values(), key=lambda m: -m.amount)


def _repeat_customers(base, period, rows, col) -> int:
    """Customers of the cohort who complained more than once in the period, or also in the
    three months before it."""
    per_customer = Counter(r[col["customer_id"]] for r in rows)
    again = {c for c, n in per_customer.items() if n > 1}
    start, _end = period.bounds()
    # Everyone who complained in the three months (read from an index alone), then those of
    # the cohort among them.
    earlier = (
        base.filter(received_at__gte=start - RECURRING_LOOKBACK, received_at__lt=start)
        .order_by()
        .values_list("customer_id", flat=True)
        .distinct()
    )
    return len(again | (set(earlier) & set(per_customer)))


def _recurring_defects(rows, col, categories, period, scope) -> list[Row]:
    """The same product with the same category again and again within the period."""
    pairs = Counter(
        (r[col["purchase__product"]], r[col["category_id"]])
        for r in rows
        if r[col["purchase__product"]] and r[col["category_id"]]
    )
    return [
        Row(f"{product}|{category_id}",
            f"{product} · {categories.labels.get(category_id, '?')}", n,
            link=_link(period, scope, product=product, category=category_id))
        for (product, category_id), n in pairs.most_common(LIST_TOP)
        if n >= RECURRING_DEFECT_AT
    ]  # fmt: skip


def _scope_labels(user, scope, categories) -> list[str]:
    labels = []
    if scope.get("branch", "").isdigit():
        branch = Branch.objects.filter(
            organisation_id=user.organisation_id, pk=scope["branch"]
        ).first()
        labels.append(branch.name if branch else "?")
    if scope.get("department", "").isdigit():
        department = Department.objects.filter(
            branch__organisation_id=user.organisation_id, pk=scope["department"]
        ).first()
        labels.append(department.name if department else "?")
    if scope.get("category", "").isdigit():
        labels.append(categories.labels.get(int(scope["category"]), "?"))
    if scope.get("product"):
        labels.append(scope["product"])
    for name, choices in (("kind", Kind), ("channel", Channel), ("severity", Severity)):
        if scope.get(name) in choices.values:
            labels.append(str(choices(scope[name]).label))
    return labels


def _summary(report: Report) -> list[str]:
    """A few plain sentences that lead the page: the biggest changes, the weakest deadline,
    the top causes."""
    lines = []
    change = report.total - report.total_previous
    if report.total_previous:
        lines.append(
            _("%(n)s complaints were received, %(change)s against the period before (%(before)s).")
            % {"n": report.total, "change": _signed(change), "before": report.total_previous}
        )
    else:
        lines.append(_("%(n)s complaints were received.") % {"n": report.total})
    movers = sorted(
        (
            (row, breakdown)
            for breakdown in report.breakdowns
            if breakdown.code in ("category", "cause", "channel", "branch", "department")
            for row in breakdown.rows
            if row.key and row.change
        ),
        key=lambda pair: -abs(pair[0].change),
    )
    seen = set()
    for row, breakdown in movers:
        if row.label in seen:
            continue
        seen.add(row.label)
        lines.append(
            _("%(dimension)s “%(label)s”: %(n)s, %(change)s against the period before.")
            % {
                "dimension": breakdown.title,
                "label": row.label,
                "n": row.count,
                "change": _signed(row.change),
            }
        )
        if len(seen) == 3:
            break
    measured = [c for c in report.compliance if c.rate is not None]
    if measured:
        worst = min(measured, key=lambda c: c.rate or 0)
        lines.append(
            _("The deadline kept least often: %(milestone)s, on time in %(rate)s %% of cases.")
            % {"milestone": worst.label, "rate": worst.rate}
        )
    top = [p for p in report.pareto_causes if p.vital][:3]
    if top:
        lines.append(
            _("Top causes: %(causes)s.")
            % {"causes": _(", ").join(f"{p.label} ({p.share:g} %)" for p in top)}
        )
    return lines


def _signed(n: int) -> str:
    return f"+{n}" if n > 0 else str(n)


def report_cohort(user, period: Period, scope: dict[str, str], request=None) -> QuerySet:
    """The complaints a report of `period` and `scope` counts, for its raw data sheet."""
    return _received_in(scoped_complaints(user, scope, request), period)


def report_heading(user) -> dict[str, str]:
    """Whose report it is, as its title says: the organisation, and the branch (and department
    of a handling manager) or all branches."""
    organisation = Organisation.objects.filter(pk=user.organisation_id).first()
    if user.sees_whole_organisation or not user.branch_id:
        where = _("All branches")
    else:
        branch = Branch.objects.filter(pk=user.branch_id).first()
        where = branch.name if branch else ""
        if user.role == Role.HANDLER and user.department_id:
            department = Department.objects.filter(pk=user.department_id).first()
            if department is not None:
                where = f"{where} · {department.name}"
    return {"organisation": organisation.name if organisation else "", "where": where}


def stored_reports_visible_to(user) -> QuerySet[StoredReport]:
    """The kept reports the user may open again: the group every one of the organisation; a
    director or general manager (or a handling manager of no department) their branch's. A
    handling manager of a department none: a branch's figures are more than theirs."""
    qs = StoredReport.objects.filter(organisation_id=user.organisation_id)
    if not may_read_reports(user):
        return qs.none()
    if user.sees_whole_organisation:
        return qs
    if not user.branch_id or (user.role == Role.HANDLER and user.department_id):
        return qs.none()
    return qs.filter(reach=Reach.BRANCH, branch_id=user.branch_id)


def stored_report_list(user) -> QuerySet[StoredReport]:
    return (
        stored_reports_visible_to(user)
        .select_related("branch")
        .order_by("-period_start", "reach", "branch__name", "pk")
    )


def stored_copy_for(kept: StoredReport, language: str | None) -> StoredReportCopy | None:
    """The kept report in `language`, else in the site's language, else in any it has."""
    copies = {c.language: c for c in StoredReportCopy.objects.filter(report=kept)}
    for wanted in (language or "", settings.LANGUAGE_CODE):
        if wanted in copies:
            return copies[wanted]
    return next(iter(sorted(copies.items())), (None, None))[1]
