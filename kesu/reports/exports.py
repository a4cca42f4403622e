"""The monthly analysis as an Excel workbook: one sheet per section of the report, then the raw
data — every field of every complaint the report counts, the list export's own sheet
(kesu/complaints/exports.py), so its columns are written in one place only.

Written in openpyxl's write-only mode into a temporary file, like the list's export. Figures
are numbers (shares as percentages), so they can be summed and charted in Excel.
"""

import re
import tempfile
from collections.abc import Iterable
from datetime import date, datetime
from decimal import Decimal

from django.utils import timezone
from django.utils.translation import gettext as _
from openpyxl import Workbook
from openpyxl.cell import WriteOnlyCell
from openpyxl.cell.cell import ILLEGAL_CHARACTERS_RE
from openpyxl.styles import Font, PatternFill

from kesu.complaints.exports import write_complaints_sheet
from kesu.reports.selectors import Report

PERCENT = "0.0%"
WHOLE_PERCENT = "0%"
SHEET_TITLE_MAX = 31  # Excel's limit
NOT_IN_TITLES = re.compile(r"[\[\]:*?/\\]")
BOLD = Font(bold=True)
HEAD = PatternFill("solid", fgColor="E6F0F7")


def text_cell(ws, value, **style):
    cell = WriteOnlyCell(ws, value=ILLEGAL_CHARACTERS_RE.sub("", str(value)))
    cell.data_type = "s"  # labels are text, never formulas
    for name, setting in style.items():
        setattr(cell, name, setting)
    return cell


def value_cell(ws, value):
    """A figure as a number (money with two decimals), a moment as local time, else text."""
    if value is None or value == "":
        return None
    if isinstance(value, datetime):
        cell = WriteOnlyCell(ws, value=timezone.localtime(value).replace(tzinfo=None))
        cell.number_format = "yyyy-mm-dd hh:mm"
        return cell
    if isinstance(value, date):
        cell = WriteOnlyCell(ws, value=value)
        cell.number_format = "yyyy-mm-dd"
        return cell
    if isinstance(value, Decimal):
        cell = WriteOnlyCell(ws, value=value)
        cell.number_format = "#,##0.00"
        return cell
    if isinstance(value, int | float) and not isinstance(value, bool):
        return WriteOnlyCell(ws, value=value)
    return text_cell(ws, value)


class _Sheets:
    """The workbook's sheets, their titles made valid and unique."""

    def __init__(self, wb: Workbook):
        self.wb = wb
        self.used: set[str] = set()

    def add(self, title: str, widths: Iterable[int] = (40, 14, 14, 14, 14, 14, 14)):
        clean = NOT_IN_TITLES.sub(" ", title).strip()[:SHEET_TITLE_MAX] or "-"
        name, n = clean, 2
        while name.lower() in self.used:
            tail = f" ({n})"
            name, n = clean[: SHEET_TITLE_MAX - len(tail)] + tail, n + 1
        self.used.add(name.lower())
        ws = self.wb.create_sheet(name)
        for index, width in enumerate(widths):
            ws.column_dimensions[chr(ord("A") + index)].width = width
        return ws


def _head(ws, *titles) -> None:
    ws.append([text_cell(ws, t, font=BOLD, fill=HEAD) for t in titles])


def _row(ws, *values) -> None:
    ws.append([value_cell(ws, v) for v in values])


def _percent(ws, value: float | None, fmt: str = PERCENT):
    """A per cent figure of the report (66.7) as Excel's percentage (0.667, shown 66.7 %)."""
    if value is None:
        return text_cell(ws, "—")
    cell = value_cell(ws, value / 100)
    cell.number_format = fmt
    return cell


def _ratio(ws, value: float | None):
    """A ratio of the callback measures (0.85) as a percentage."""
    return _percent(ws, None if value is None else value * 100, WHOLE_PERCENT)


def _title_rows(ws, report: Report, heading: dict[str, str]) -> None:
    ws.append(
        [
            text_cell(
                ws,
                _("Monthly analysis") + " · " + report.period.label,
                font=Font(bold=True, size=14),
            )
        ]
    )
    for label, value in (
        (_("Organisation"), heading.get("organisation", "")),
        (_("Whose figures"), heading.get("where", "")),
        (_("Period"), f"{report.period.start:%Y-%m-%d} – {report.period.last_day:%Y-%m-%d}"),
        (_("Scope:"), " · ".join(report.scope_labels) or _("All")),
        (_("Compared with"), f"{report.previous.label}, {report.year_before.label}"),
        (_("Figures as of"), report.generated_at),
    ):
        ws.append([text_cell(ws, label, font=BOLD), value_cell(ws, value)])
    ws.append([])


def _summary(sheets: _Sheets, report: Report, heading: dict[str, str]) -> None:
    ws = sheets.add(_("In brief"), (44, 24))
    _title_rows(ws, report, heading)
    for line in report.summary:
        ws.append([text_cell(ws, line)])
    ws.append([])
    _head(ws, _("Figure"), _("Value"))
    for label, value in (
        (_("Received"), report.total),
        (_("%(label)s (period before)") % {"label": report.previous.label}, report.total_previous),
        (
            _("%(label)s (a year earlier)") % {"label": report.year_before.label},
            report.total_year_before,
        ),
        (_("Still open past the deadline"), report.overdue_count),
        (_("Reopened"), report.reopened),
        (_("Crisis cases"), report.crisis_count),
        (_("Compensation granted"), report.compensation_total),
        (_("Customers who complained again"), report.repeat_customers),
    ):
        _row(ws, label, value)
    ws.append([text_cell(ws, _("Reopen rate")), _percent(ws, report.reopen_rate)])
    ws.append(
        [
            text_cell(ws, _("CSAT (ratings 4–5 of the handling questionnaire)")),
            _percent(ws, report.csat),
        ]
    )
    _row(ws, _("NPS (promoters minus detractors)"), report.nps if report.nps is not None else "—")


def _trend(sheets: _Sheets, report: Report) -> None:
    ws = sheets.add(_("Trend"), (16, 12))
    _head(ws, _("Month"), _("Received"))
    for row in report.trend:
        _row(ws, row.label, row.count)
    ws.append([])
    _head(ws, _("Period"), _("Received"))
    _row(ws, report.period.label, report.total)
    _row(
        ws, _("%(label)s (period before)") % {"label": report.previous.label}, report.total_previous
    )
    _row(
        ws,
        _("%(label)s (a year earlier)") % {"label": report.year_before.label},
        report.total_year_before,
    )


def _pareto(sheets: _Sheets, title: str, rows) -> None:
    ws = sheets.add(title, (40, 10, 10, 12, 16))
    _head(ws, title, _("Cases"), _("Share"), _("Cumulative"), _("Among the first 80 %"))
    for r in rows:
        ws.append([text_cell(ws, r.label), value_cell(ws, r.count), _percent(ws, r.share),
                   _percent(ws, r.cumulative), text_cell(ws, _("Yes") if r.vital else "")])  # fmt: skip


def _deadlines(sheets: _Sheets, report: Report) -> None:
    ws = sheets.add(_("Deadlines kept"), (34, 12, 12, 14, 12))
    _head(ws, _("Deadline"), _("On time"), _("Late"), _("Still running"), _("Kept"))
    for c in report.compliance:
        ws.append([text_cell(ws, c.label), value_cell(ws, c.on_time), value_cell(ws, c.late),
                   value_cell(ws, c.pending), _percent(ws, c.rate)])  # fmt: skip
    ws.append([])
    _head(ws, _("Time taken"), _("Cases"), _("Median (hours)"), _("90th percentile (hours)"))
    for d in report.durations:
        _row(ws, d.label, d.count, d.median_hours, d.p90_hours)


def _listed(ws, count_label: str, count: int, rows) -> None:
    _row(ws, count_label, count)
    ws.append([])
    _head(ws, _("Number"), _("Summary"), _("State"))
    for c in rows:
        _row(ws, c.number, c.title, c.state)


def _breakdown(sheets: _Sheets, report: Report, breakdown) -> None:
    ws = sheets.add(breakdown.title, (40, 14, 14, 10, 10, 14))
    if breakdown.code == "product":
        _head(ws, breakdown.title, report.period.label)
        for r in breakdown.rows:
            _row(ws, r.label, r.count)
        return
    _head(ws, breakdown.title, report.period.label, report.previous.label, "±", "± %",
          report.year_before.label)  # fmt: skip
    for r in breakdown.rows:
        ws.append([text_cell(ws, r.label), value_cell(ws, r.count), value_cell(ws, r.previous),
                   value_cell(ws, r.change), _percent(ws, r.change_pct, WHOLE_PERCENT),
                   value_cell(ws, r.year_before)])  # fmt: skip


def _satisfaction(sheets: _Sheets, report: Report) -> None:
    ws = sheets.add(_("Satisfaction after resolution"), (48, 12, 12))
    _head(ws, _("Satisfaction"), _("Cases"))
    for r in report.satisfaction:
        _row(ws, r.label, r.count)
    ws.append([])
    _head(ws, _("Figure"), _("Value"), _("Answers"))
    ws.append([text_cell(ws, _("CSAT (ratings 4–5 of the handling questionnaire)")),
               _percent(ws, report.csat), value_cell(ws, report.csat_answers)])  # fmt: skip
    _row(ws, _("NPS (promoters minus detractors)"),
         report.nps if report.nps is not None else "—", report.nps_answers)  # fmt: skip


def _compensation(sheets: _Sheets, report: Report) -> None:
    ws = sheets.add(_("Compensation granted"), (30, 10, 16))
    _head(ws, _("Kind of compensation"), _("Cases"), _("Amount (yuan)"))
    for m in report.compensation_by_type:
        _row(ws, m.label, m.count, m.amount)
    ws.append([])
    _head(ws, _("Approved by"), _("Cases"), _("Amount (yuan)"))
    for m in report.compensation_by_approver:
        _row(ws, m.label, m.count, m.amount)


def _callbacks(sheets: _Sheets, report: Report) -> None:
    ws = sheets.add(_("Callbacks"), (30, 10, 10, 12, 10, 12, 12))
    _head(ws, _("Level"), _("Due"), _("Done"), _("Not reached"), _("Open"), _("Completion"),
          _("On time"))  # fmt: skip
    for level in report.callbacks.get("levels", []):
        ws.append([text_cell(ws, level.get("label", "")), value_cell(ws, level.get("total")),
                   value_cell(ws, level.get("done")), value_cell(ws, level.get("unreached")),
                   value_cell(ws, level.get("open")), _ratio(ws, level.get("completion_rate")),
                   _ratio(ws, level.get("on_time_rate"))])  # fmt: skip
    sampling = report.callbacks.get("sampling", [])
    if sampling:
        ws.append([])
        _head(ws, _("Sample"), _("Population"), _("Drawn"), _("Target"), _("Achieved"),
              _("Called"))  # fmt: skip
        for s in sampling:
            ws.append([text_cell(ws, s.get("label", "")), value_cell(ws, s.get("population_size")),
                       value_cell(ws, s.get("drawn")), _ratio(ws, s.get("target_rate")),
                       _ratio(ws, s.get("achieved_rate")), value_cell(ws, s.get("called"))])  # fmt: skip
    ws.append([])
    ws.append([text_cell(ws, _("Callbacks due in the period, of the whole branch (or organisation): the other filters do not narrow them."))])  # fmt: skip


def _recurring(sheets: _Sheets, report: Report) -> None:
    ws = sheets.add(_("Recurring issues"), (48, 10))
    _row(ws, _("Customers who complained again"), report.repeat_customers)
    ws.append([])
    _head(ws, _("The same product and category"), _("Cases"))
    for r in report.recurring_defects:
        _row(ws, r.label, r.count)


def _improvements(sheets: _Sheets, report: Report) -> None:
    ws = sheets.add(_("Improvement actions"), (40, 16, 16, 12, 10, 10, 14))
    _head(ws, _("Action"), _("Owner"), _("Status"), _("Due"), _("Before"), _("After"),
          _("Effect"))  # fmt: skip
    effects = {"effective": _("Worked"), "not_effective": _("Did not work")}
    for r in report.improvements:
        _row(ws, r.title, r.owner, r.status_label, r.due_on, r.before_value, r.after_value,
             effects.get(r.effect, ""))  # fmt: skip
    if report.improvements_total > len(report.improvements):
        _row(ws, _("All %(n)s actions") % {"n": report.improvements_total})


def write_report_xlsx(report: Report, heading: dict[str, str], raw=None):
    """The report's workbook in the active language, in a temporary file at its start.

    `raw` is (user, complaints) for the raw data sheet — the user whose columns it shows (a
    masked phone for those who may not see it in full) and the report's cohort — or None for
    none. Returns (file, rows on the raw sheet, whether the export's cap cut it).
    """
    wb = Workbook(write_only=True)
    sheets = _Sheets(wb)
    _summary(sheets, report, heading)
    _trend(sheets, report)
    _pareto(sheets, _("Causes (Pareto)"), report.pareto_causes)
    _pareto(sheets, _("Categories (Pareto)"), report.pareto_categories)
    _deadlines(sheets, report)
    _listed(sheets.add(_("Still open past the deadline"), (18, 40, 16)),
            _("Still open past the deadline"), report.overdue_count, report.overdue)  # fmt: skip
    for breakdown in report.breakdowns:
        _breakdown(sheets, report, breakdown)
    _satisfaction(sheets, report)
    _compensation(sheets, report)
    _callbacks(sheets, report)
    _listed(sheets.add(_("Crisis cases"), (18, 40, 16)), _("Crisis cases"), report.crisis_count,
            report.crisis)  # fmt: skip
    _recurring(sheets, report)
    _improvements(sheets, report)
    rows, capped = 0, False
    if raw is not None:
        user, complaints = raw
        title = _("Raw data")
        sheets.used.add(title.lower())
        rows, capped, _note = write_complaints_sheet(wb, user, complaints, title=title)
    out = tempfile.TemporaryFile(suffix=".xlsx")  # noqa: SIM115 - handed to the caller
    wb.save(out)
    out.seek(0)
    return out, rows, capped
