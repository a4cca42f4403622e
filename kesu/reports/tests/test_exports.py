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


def test_sheet_titles_are_valid_for_excel(world):
    from openpyxl import Workbook

    from kesu.reports.exports import _Sheets

    sheets = _Sheets(Workbook(write_only=True))
    one = sheets.add("Causes: what/why [x]" + "y" * 40)
    two = sheets.add("Causes: what/why [x]" + "y" * 40)
    assert len(one.title) <= 31 and ":" not in one.title and one.title != two.title
