"""A report as JSON and back: the same figures, dates, money and improvement rows."""

import json

from django.utils import timezone

from kesu.organisation.choices import Role
from kesu.reports.periods import month
from kesu.reports.selectors import Report, monthly_report, report_heading
from kesu.reports.snapshots import report_data, report_from_data


def test_a_report_round_trips_through_json(world):
    world.complaint()
    director = world.user(Role.DIRECTOR)
    report = monthly_report(director, month(timezone.localdate()), {})
    data = json.loads(json.dumps(report_data(report, report_heading(director))))
    again = report_from_data(data)
    assert isinstance(again, Report)
    assert again == report
    assert again.period.start == report.period.start and again.generated_at == report.generated_at
    assert again.compensation_total == report.compensation_total
    assert data["heading"]["where"] == world.branch.name


def test_an_older_snapshot_reads_missing_fields_as_their_defaults(world):
    director = world.user(Role.DIRECTOR)
    report = monthly_report(director, month(timezone.localdate()), {})
    data = report_data(report, {})
    del data["report"]["improvements"]
    data["report"]["gone_since"] = 1
    again = report_from_data(data)
    assert again.improvements == [] and again.total == report.total
