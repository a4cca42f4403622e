"""The monthly counts equal the complaints counted live: after registrations, a hand-over to
another department, a reopen, a merge, a re-categorisation and a change of kind, once the worker
has refreshed them — and the report reads them only for months nobody changed since."""

from collections import Counter
from datetime import date, datetime, timedelta

import pytest
from django.utils import timezone

from kesu.complaints import workflow
from kesu.complaints.choices import State
from kesu.complaints.models import Category, Complaint
from kesu.complaints.services import complaint_update
from kesu.customers.tests.factories import CustomerFactory
from kesu.organisation.choices import Role
from kesu.reports import rollups
from kesu.reports.models import MonthlyCount, RollupState
from kesu.reports.periods import month, period_from
from kesu.reports.selectors import _counts, _received_in, complaints_visible_to, monthly_report

TZ = timezone.get_fixed_timezone(8 * 60)


def at(day: str, hour: int = 10) -> datetime:
    return datetime.fromisoformat(day).replace(hour=hour, tzinfo=TZ)


@pytest.fixture(autouse=True)
def no_lag(monkeypatch):
    # The changes of a test are seconds before its refresh; LAG would count them as touched.
    monkeypatch.setattr(rollups, "LAG", timedelta(0))


@pytest.fixture
def autumn(world):
    engine = Category.objects.get(organisation=world.org, code="vehicle.engine")
    promise = Category.objects.get(organisation=world.org, code="sales.promise")
    one, another = CustomerFactory(organisation=world.org), CustomerFactory(organisation=world.org)
    made = {
        "a": world.complaint(customer=one, category=engine, received_at=at("2026-10-09")),
        "b": world.complaint(
            customer=one, category=engine, channel="walk_in", received_at=at("2026-10-12")
        ),
        "c": world.complaint(customer=another, category=promise, received_at=at("2026-10-20")),
        "d": world.complaint(  # 31 October 23:00 in Shanghai
            customer=another, category=promise, received_at=at("2026-10-31", 23)
        ),
        "e": world.complaint(category=engine, received_at=at("2026-09-15")),
        "f": world.complaint(category=promise, received_at=at("2025-10-08")),
        "g": world.complaint(category=engine, received_at=at("2026-11-01", 0)),
        "west": world.complaint(
            actor=world.other_users[Role.FRONTLINE], category=engine, received_at=at("2026-10-02")
        ),
    }
    return made


SLICES = ("organisation", "branch", "department")


def _slices(world):
    return {
        "organisation": (
            rollups.Slice(world.org.pk),
            complaints_visible_to(world.user(Role.GROUP)),
        ),
        "branch": (
            rollups.Slice(world.org.pk, world.branch.pk),
            Complaint.objects.filter(branch=world.branch),
        ),
        "department": (
            rollups.Slice(world.org.pk, world.branch.pk, world.service.pk),
            Complaint.objects.filter(department=world.service),
        ),
    }


def _kept(where, first: date) -> dict[str, Counter]:
    return {k: +v for k, v in rollups.counts_by_dimension(where, [first]).items() if +v}


def _live(qs, first: date) -> dict[str, Counter]:
    return {k: +v for k, v in _counts(_received_in(qs, month(first))).items() if +v}


MONTHS = (date(2025, 10, 1), date(2026, 9, 1), date(2026, 10, 1), date(2026, 11, 1))


def _assert_kept_equal_live(world):
    for name, (where, qs) in _slices(world).items():
        for first in MONTHS:
            assert _kept(where, first) == _live(qs, first), (name, first)
        totals = rollups.totals_by_month(where, list(MONTHS))
        assert {m: totals.get(m, 0) for m in MONTHS} == {
            m: _received_in(qs, month(m)).count() for m in MONTHS
        }, name


def test_the_first_refresh_counts_every_month_as_the_complaints_are(world, autumn):
    assert rollups.refresh_rollups(world.org.pk) == 4  # 2025-10, 2026-09, 2026-10, 2026-11
    _assert_kept_equal_live(world)
    october = _kept(rollups.Slice(world.org.pk), date(2026, 10, 1))
    assert october["total"] == Counter({"": 5})  # 31 October 23:00 is October in Shanghai
    assert october["channel"] == Counter({"phone": 4, "walk_in": 1})
    assert october["branch_id"] == Counter({str(world.branch.pk): 4, str(world.other_branch.pk): 1})


def test_after_each_kind_of_change_the_refresh_counts_again_only_the_months_touched(world, autumn):
    rollups.refresh_rollups(world.org.pk)
    director = world.user(Role.DIRECTOR)
    # A move to another department, a re-categorisation, a change of kind: October only.
    workflow.complaint_hand_over(
        complaint_id=autumn["a"].pk, actor=director, department=world.sales
    )
    complaint_update(
        complaint_id=autumn["b"].pk,
        actor=director,
        expected_version=None,
        changes={"category": Category.objects.get(organisation=world.org, code="sales.promise")},
    )
    complaint_update(
        complaint_id=autumn["c"].pk, actor=director, expected_version=None,
        changes={"kind": "suggestion"},
    )  # fmt: skip
    assert rollups.dirty_months(world.org.pk) == {date(2026, 10, 1)}
    assert rollups.refresh_rollups(world.org.pk) == 1
    _assert_kept_equal_live(world)
    assert rollups.dirty_months(world.org.pk) == set()

    # A merged duplicate leaves the counts; a reopen keeps them; a new complaint joins them.
    workflow.complaint_merge(complaint_id=autumn["d"].pk, actor=director, into_id=autumn["c"].pk)
    Complaint.objects.filter(pk=autumn["e"].pk).update(state=State.CLOSED)  # as if handled
    workflow.complaint_reopen(
        complaint_id=autumn["e"].pk, actor=world.user(Role.CALLBACK), reason="仍有异响"
    )
    world.complaint(received_at=at("2025-10-20"))
    assert rollups.dirty_months(world.org.pk) == {
        date(2026, 10, 1), date(2026, 9, 1), date(2025, 10, 1)
    }  # fmt: skip
    assert rollups.refresh_rollups(world.org.pk) == 3
    _assert_kept_equal_live(world)
    kept = _kept(rollups.Slice(world.org.pk, world.branch.pk), date(2026, 10, 1))
    assert kept["total"] == Counter({"": 3})  # a, b, c; d merged into c
    assert kept["kind"] == Counter({"complaint": 2, "suggestion": 1})
    assert kept["department_id"][str(world.sales.pk)] >= 1


def test_a_rebuild_gives_the_same_counts(world, autumn):
    rollups.refresh_rollups(world.org.pk)
    before = sorted(
        MonthlyCount.objects.values_list("month", "branch_id", "department_id", "dimension",
                                         "value", "count")
    )  # fmt: skip
    assert rollups.refresh_rollups(world.org.pk, rebuild=True) == 4
    after = sorted(
        MonthlyCount.objects.values_list("month", "branch_id", "department_id", "dimension",
                                         "value", "count")
    )  # fmt: skip
    assert before == after
    assert RollupState.objects.get(organisation=world.org).months == 4


def _figures(report):
    return {
        "totals": (report.total, report.total_previous, report.total_year_before),
        "breakdowns": [
            (b.code, [(r.key, r.label, r.count, r.previous, r.year_before, r.link) for r in b.rows])
            for b in report.breakdowns
        ],
        "trend": [(r.label, r.count) for r in report.trend],
        "summary": report.summary,
    }


@pytest.mark.parametrize(
    ("role", "scope"),
    [
        (Role.GROUP, {}),
        (Role.DIRECTOR, {}),
        (Role.GROUP, {"branch": "BRANCH"}),
        (Role.DIRECTOR, {"department": "SERVICE"}),
        (Role.GROUP, {"kind": "complaint"}),  # not a slice: counted live
    ],
)
@pytest.mark.parametrize(
    "period", [{"month": "2026-10"}, {"month": "2026-11"}, {"quarter": "2026-Q4"}, {"year": "2026"}]
)
def test_the_report_from_the_counts_equals_the_report_counted_live(
    world, autumn, role, scope, period
):
    names = {"BRANCH": str(world.branch.pk), "SERVICE": str(world.service.pk)}
    scope = {k: names.get(v, v) for k, v in scope.items()}
    period = period_from(period)
    user = world.user(role)
    live = _figures(monthly_report(user, period, scope))
    rollups.refresh_rollups(world.org.pk)
    assert _figures(monthly_report(user, period, scope)) == live
    # A change after the refresh: its month is counted live, the others still from the counts.
    workflow.complaint_merge(
        complaint_id=autumn["b"].pk, actor=world.user(Role.DIRECTOR), into_id=autumn["a"].pk
    )
    changed = _figures(monthly_report(user, period, scope))
    RollupState.objects.all().delete()
    assert _figures(monthly_report(user, period, scope)) == changed


def test_the_report_reads_the_counts_for_the_months_nobody_changed(world, autumn):
    director = world.user(Role.DIRECTOR)
    rollups.refresh_rollups(world.org.pk)
    # A count altered by hand shows: the month before and a year earlier come from the counts.
    MonthlyCount.objects.filter(
        month=date(2026, 9, 1), branch=world.branch, dimension="total"
    ).update(count=40)
    report = monthly_report(director, period_from({"month": "2026-10"}), {})
    assert report.total_previous == 40
    assert [r.count for r in report.trend][-2:] == [40, 4]  # October from its own complaints
    # Once September changed, it is counted from the complaints again until the next refresh.
    complaint_update(
        complaint_id=autumn["e"].pk, actor=director, expected_version=None,
        changes={"kind": "suggestion"},
    )  # fmt: skip
    report = monthly_report(director, period_from({"month": "2026-10"}), {})
    assert report.total_previous == 1
    assert [r.count for r in report.trend][-2:] == [1, 4]


def test_what_the_counts_are_kept_by(world):
    group, director = world.user(Role.GROUP), world.user(Role.DIRECTOR)
    org, east = world.org.pk, world.branch.pk
    assert rollups.slice_for(group, {}) == rollups.Slice(org)
    assert rollups.slice_for(group, {"branch": str(east)}) == rollups.Slice(org, east)
    assert rollups.slice_for(director, {}) == rollups.Slice(org, east)
    assert rollups.slice_for(director, {"department": str(world.service.pk)}) == rollups.Slice(
        org, east, world.service.pk
    )
    # Counted from the complaints: another branch, a filter the counts are not kept by, a
    # handling manager of a department (who also sees the cases they are on the team of).
    assert rollups.slice_for(director, {"branch": str(world.other_branch.pk)}) is None
    assert rollups.slice_for(group, {"category": "1"}) is None
    assert rollups.slice_for(group, {"product": "A6"}) is None
    assert rollups.slice_for(group, {"branch": "x"}) is None
    assert rollups.slice_for(world.user(Role.HANDLER), {}) is None
    assert rollups.whole_months(period_from({"quarter": "2026-Q4"})) == [
        date(2026, 10, 1), date(2026, 11, 1), date(2026, 12, 1)
    ]  # fmt: skip
    assert rollups.whole_months(period_from({"from": "2026-10-01", "to": "2026-10-31"})) is None


def test_the_worker_refreshes_every_organisation(world, autumn):
    assert rollups.refresh_all_rollups() == 4
    assert rollups.refresh_all_rollups() == 0  # nothing changed since
    assert rollups.dirty_months(world.org.pk) == set()
