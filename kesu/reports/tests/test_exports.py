"""The report as an Excel workbook: one sheet per section, the raw data sheet, figures checked."""

from io import BytesIO

from django.utils import timezone, translation
from openpyxl import load_workbook

from kesu.organisation.choices import Role
from kesu.reports.exports import write_report_xlsx
from kesu.reports.periods import month
from kesu.reports.selectors import monthly_report, report_cohort, report_heading


def test_the_workbook_has_a_sheet_per_section_and_the_raw_data(world):
    first = world.complaint(title="刹车异响")
    world.complaint(title="空调不制冷")
    director = world.user(Role.DIRECTOR)
    period = month(timezone.localdate())
    with translation.override("en"):
        report = monthly_report(director, period, {})
        out, rows, capped = write_report_xlsx(
            report, report_heading(director), raw=(director, report_cohort(director, period, {}))
        )
    assert (rows, capped) == (2, False)
    book = load_workbook(BytesIO(out.read()))
    names = book.sheetnames
    for sheet in ("In brief", "Trend", "Causes (Pareto)", "Categories (Pareto)", "Deadlines kept",
                  "Callbacks", "Recurring issues", "Improvement actions", "Raw data"):  # fmt: skip
        assert sheet in names, sheet
    assert names[0] == "In brief" and names[-1] == "Raw data"
    brief = {row[0]: row[1] for row in book["In brief"].iter_rows(values_only=True) if row}
    assert brief["Received"] == report.total == 2
    assert brief["Whose figures"] == world.branch.name
    raw = list(book["Raw data"].iter_rows(values_only=True))
    assert len(raw) == 3  # the heading and two complaints
    assert first.number in {str(v) for row in raw for v in row}
    trend = {row[0]: row[1] for row in book["Trend"].iter_rows(values_only=True) if row}
    assert trend[period.label] == 2


def test_shares_are_percentages_and_money_is_a_number(world):
    director = world.user(Role.DIRECTOR)
    period = month(timezone.localdate())
    world.complaint()
    with translation.override("en"):
        report = monthly_report(director, period, {})
        out, _rows, _capped = write_report_xlsx(report, report_heading(director))
    book = load_workbook(BytesIO(out.read()))
    assert "Raw data" not in book.sheetnames
    pareto = list(book["Causes (Pareto)"].iter_rows(min_row=2, values_only=True))
    assert pareto and abs(sum(row[2] for row in pareto) - 1) < 0.01
    assert book["Causes (Pareto)"]["C2"].number_format == "0.0%"
