"""Each figure of the report against a small data set computed by hand: October 2026 (the
month of the National Day holiday), a reopened case, a merged duplicate, compensation, a
crisis, questionnaire answers, and the periods it is compared with."""

from datetime import datetime, timedelta
from decimal import Decimal

import pytest
from django.utils import timezone

from kesu.callbacks.models import Survey, SurveyResponse
from kesu.complaints.choices import State
from kesu.complaints.models import Category, Complaint
from kesu.customers.tests.factories import CustomerFactory
from kesu.organisation.choices import Role
from kesu.reports.periods import period_from
from kesu.reports.selectors import monthly_report
from kesu.sla.models import ComplaintMilestone

TZ = timezone.get_fixed_timezone(8 * 60)


def at(day: str, hour: int = 10) -> datetime:
    return datetime.fromisoformat(day).replace(hour=hour, tzinfo=TZ)


@pytest.fixture
def october(world):
    engine = Category.objects.get(organisation=world.org, code="vehicle.engine")
    promise = Category.objects.get(organisation=world.org, code="sales.promise")
    regular = CustomerFactory(organisation=world.org)
    c1 = world.complaint(customer=regular, category=engine, received_at=at("2026-10-09"))
    c2 = world.complaint(
        customer=regular, category=engine, channel="walk_in", received_at=at("2026-10-12")
    )
    c3 = world.complaint(category=promise, received_at=at("2026-10-20"))
    duplicate = world.complaint(category=promise, received_at=at("2026-10-21"))
    world.complaint(category=engine, received_at=at("2026-09-15"))  # the month before
    world.complaint(category=promise, received_at=at("2025-10-08"))  # a year earlier
    world.complaint(category=promise, received_at=at("2025-10-30"))
    world.complaint(category=engine, received_at=at("2026-11-01", 0))  # the next month

    Complaint.objects.filter(pk=c1.pk).update(
        resolved_at=at("2026-10-10"), reopen_count=1, satisfaction="dissatisfied"
    )
    Complaint.objects.filter(pk=c2.pk).update(
        resolved_at=at("2026-10-14"),
        satisfaction="satisfied",
        compensation_type="cash",
        compensation_amount=Decimal("500"),
        compensation_approved_by=world.user(Role.DIRECTOR),
        compensation_approved_at=at("2026-10-13"),
    )
    Complaint.objects.filter(pk=c3.pk).update(is_crisis=True)
    Complaint.objects.filter(pk=duplicate.pk).update(state=State.MERGED, merged_into=c3)
    first = {m.complaint_id: m for m in ComplaintMilestone.objects.filter(kind="first_contact")}
    # c1 contacted after 1 hour (on time), c2 after 30 hours (late), c3 not yet but not due.
    _met(first[c1.pk], at("2026-10-09", 11), due=at("2026-10-09", 12))
    _met(first[c2.pk], at("2026-10-13", 16), due=at("2026-10-12", 12))
    ComplaintMilestone.objects.filter(pk=first[c3.pk].pk).update(
        status="running", met_at=None, breached_at=None, due_at=timezone.now() + timedelta(days=1)
    )
    survey = Survey.objects.get(organisation=world.org, code="satisfaction")
    for complaint, answers in ((c1, {"result": 5, "nps": 10}), (c2, {"result": 2, "nps": 3})):
        SurveyResponse.objects.create(
            organisation=world.org, survey=survey, customer=regular, complaint=complaint,
            channel="phone", answered_at=at("2026-10-25"), answers=answers,
        )  # fmt: skip
    return {"c1": c1, "c2": c2, "c3": c3, "duplicate": duplicate}


def _met(milestone, met_at, *, due):
    ComplaintMilestone.objects.filter(pk=milestone.pk).update(
        status="met", met_at=met_at, due_at=due, breached_at=None if met_at <= due else due
    )


def _report(world, role=Role.DIRECTOR, **scope):
    return monthly_report(world.user(role), period_from({"month": "2026-10"}), scope)


def test_volume_against_the_month_before_and_a_year_earlier(world, october):
    report = _report(world)
    assert (report.total, report.total_previous, report.total_year_before) == (3, 1, 2)
    channels = {r.key: (r.count, r.previous) for r in _breakdown(report, "channel").rows}
    assert channels == {"phone": (2, 1), "walk_in": (1, 0)}
    categories = {r.label: (r.count, r.previous, r.year_before)
                  for r in _breakdown(report, "category").rows}  # fmt: skip
    assert categories == {"Vehicle quality": (2, 1, 0), "Sales": (1, 0, 2)}
    trend = {r.label: r.count for r in report.trend}
    assert trend["2026-10"] == 3 and trend["2026-09"] == 1 and "2026-11" not in trend


def test_pareto_of_causes_with_the_80_per_cent_line(world, october):
    report = _report(world)
    causes = [(p.label, p.count, p.share, p.cumulative, p.vital) for p in report.pareto_causes]
    assert [c[1:] for c in causes] == [(2, 66.7, 66.7, True), (1, 33.3, 100.0, True)]
    assert causes[0][0] == "Product quality"


def test_deadline_compliance_and_times_taken(world, october):
    report = _report(world)
    first = next(c for c in report.compliance if c.code == "first_contact")
    assert (first.on_time, first.late, first.pending, first.rate) == (1, 1, 1, 50.0)
    durations = {d.code: d for d in report.durations}
    assert (durations["to_contact"].count, durations["to_contact"].median_hours) == (2, 15.5)
    resolve = durations["to_resolve"]
    assert (resolve.count, resolve.median_hours, resolve.p90_hours) == (2, 36.0, 48.0)


def test_reopen_satisfaction_money_crisis_and_recurring(world, october):
    report = _report(world)
    assert (report.reopened, report.reopen_rate) == (1, 33.3)
    satisfaction = {r.key: r.count for r in report.satisfaction}
    assert satisfaction == {"satisfied": 1, "neutral": 0, "dissatisfied": 1}
    assert (report.csat, report.csat_answers, report.nps, report.nps_answers) == (50.0, 2, 0, 2)
    assert report.compensation_total == Decimal("500")
    assert [(m.count, m.amount) for m in report.compensation_by_type] == [(1, Decimal("500"))]
    assert [m.label for m in report.compensation_by_approver] == [str(world.user(Role.DIRECTOR))]
    assert [c.number for c in report.crisis] == [october["c3"].number]
    assert report.crisis_count == 1
    assert report.repeat_customers == 1
    assert report.summary[0] == ("3 complaints were received, +2 against the period before (1).")


def test_the_scope_narrows_every_figure_and_another_branch_sees_none(world, october):
    engine = Category.objects.get(organisation=world.org, code="vehicle")
    scoped = _report(world, category=str(engine.pk))
    assert (scoped.total, scoped.total_previous) == (2, 1)
    assert [p.count for p in scoped.pareto_causes] == [2]
    other = monthly_report(world.other_users[Role.DIRECTOR], period_from({"month": "2026-10"}))
    assert (other.total, other.total_previous, other.crisis) == (0, 0, [])


def test_every_figure_drills_down_to_the_complaints_behind_it(client, world, october):
    report = _report(world)
    client.force_login(world.user(Role.DIRECTOR))
    walk_in = next(r for r in _breakdown(report, "channel").rows if r.key == "walk_in")
    body = client.get(walk_in.link).content.decode()
    assert october["c2"].number in body and october["c1"].number not in body
    body = client.get(report.reopened_link).content.decode()
    assert october["c1"].number in body and october["c2"].number not in body
    body = client.get(report.crisis_link).content.decode()
    assert october["c3"].number in body and october["c1"].number not in body
    body = client.get(report.list_link).content.decode()
    for name in ("c1", "c2", "c3"):
        assert october[name].number in body


def _breakdown(report, code):
    return next(b for b in report.breakdowns if b.code == code)
