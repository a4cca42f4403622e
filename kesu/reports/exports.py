"""The monthly analysis as an Excel workbook: one sheet per section of the report, then the raw
data — every field of every complaint the report counts, the list export's own sheet
(kesu/complaints/exports.py, `write_complaints_sheet`), so its columns are written in one place.

Written by the streaming writer (kesu/core/xlsx.py) into a temporary file, like the list's
export. Figures are numbers (shares as percentages), so they can be summed and charted in Excel.
"""

import tempfile

from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import pgettext

from kesu.complaints.exports import write_complaints_sheet
from kesu.core import xlsx
from kesu.reports.selectors import Report

T, N, P, M, D = xlsx.text, xlsx.integer, xlsx.percent, xlsx.money, xlsx.day


def _share(value: float | None):
    """A per cent figure of the report (66.7) as Excel's fraction (0.667, shown 66.7%)."""
    return "—" if value is None else value / 100


def _ratio(value: float | None):
    """A ratio of the callback measures (0.85), shown 85.0%."""
    return "—" if value is None else value


def _head(ws, *titles) -> None:
    ws.write_row(list(titles), [xlsx.header] * len(titles))


def _title_rows(book, ws, report: Report, heading: dict[str, str]) -> None:
    ws.write_row([_("Monthly analysis") + " · " + report.period.label], [xlsx.title])
    for label, value, writer in (
        (_("Organisation"), heading.get("organisation", ""), T),
        (_("Whose figures"), heading.get("where", ""), T),
        (_("Period"), f"{report.period.start:%Y-%m-%d} – {report.period.last_day:%Y-%m-%d}", T),
        (_("Scope:"), " · ".join(report.scope_labels) or _("All"), T),
        (_("Compared with"), f"{report.previous.label}, {report.year_before.label}", T),
        (_("Figures as of"), report.generated_at, book.moment),
    ):
        ws.write_row([label, value], [xlsx.bold, writer])
    ws.write_row([])


def _summary(book, report: Report, heading: dict[str, str]) -> None:
    ws = book.add_sheet(_("In brief"), [44, 24])
    _title_rows(book, ws, report, heading)
    for line in report.summary:
        ws.write_row([line], [T])
    ws.write_row([])
    _head(ws, _("Figure"), _("Value"))
    for label, value, writer in (
        (_("Received"), report.total, N),
        (_("%(label)s (period before)") % {"label": report.previous.label}, report.total_previous, N),
        (_("%(label)s (a year earlier)") % {"label": report.year_before.label}, report.total_year_before, N),
        (_("Still open past the deadline"), report.overdue_count, N),
        (_("Reopened"), report.reopened, N),
        (_("Reopen rate"), _share(report.reopen_rate), P),
        (_("Crisis cases"), report.crisis_count, N),
        (_("Compensation granted"), report.compensation_total, M),
        (_("Customers who complained again"), report.repeat_customers, N),
        (_("CSAT (ratings 4–5 of the handling questionnaire)"), _share(report.csat), P),
        (_("NPS (promoters minus detractors)"), "—" if report.nps is None else report.nps, N),
    ):  # fmt: skip
        ws.write_row([label, value], [T, writer])


def _trend(book, report: Report) -> None:
    ws = book.add_sheet(_("Trend"), [22, 12])
    _head(ws, _("Month"), _("Received"))
    for row in report.trend:
        ws.write_row([row.label, row.count], [T, N])
    ws.write_row([])
    _head(ws, _("Period"), _("Received"))
    ws.write_row([report.period.label, report.total], [T, N])
    ws.write_row([_("%(label)s (period before)") % {"label": report.previous.label},
                  report.total_previous], [T, N])  # fmt: skip
    ws.write_row([_("%(label)s (a year earlier)") % {"label": report.year_before.label},
                  report.total_year_before], [T, N])  # fmt: skip


def _pareto(book, title: str, rows) -> None:
    ws = book.add_sheet(title, [40, 10, 10, 12, 16])
    _head(ws, title, _("Cases"), _("Share"), _("Cumulative"), _("Among the first 80 %"))
    ws.write_rows(
        [[r.label, r.count, _share(r.share), _share(r.cumulative), _("Yes") if r.vital else ""]
         for r in rows],
        [T, N, P, P, T],
    )  # fmt: skip


def _deadlines(book, report: Report) -> None:
    ws = book.add_sheet(_("Deadlines kept"), [34, 12, 12, 14, 12])
    _head(ws, _("Deadline"), _("On time"), _("Late"), _("Still running"), _("Kept"))
    for c in report.compliance:
        ws.write_row([c.label, c.on_time, c.late, c.pending, _share(c.rate)], [T, N, N, N, P])
    ws.write_row([])
    _head(ws, _("Time taken"), _("Cases"), _("Median (hours)"), _("90th percentile (hours)"))
    for d in report.durations:
        ws.write_row([d.label, d.count, d.median_hours, d.p90_hours], [T, N, None, None])


def _listed(book, title: str, count: int, rows) -> None:
    ws = book.add_sheet(title, [18, 40, 16])
    ws.write_row([title, count], [xlsx.bold, N])
    ws.write_row([])
    _head(ws, _("Number"), _("Summary"), _("State"))
    for c in rows:
        ws.write_row([c.number, c.title, c.state], [T, T, T])


def _breakdown(book, report: Report, breakdown) -> None:
    ws = book.add_sheet(breakdown.title, [40, 14, 14, 10, 10, 14])
    if breakdown.code == "product":
        _head(ws, breakdown.title, report.period.label)
        for r in breakdown.rows:
            ws.write_row([r.label, r.count], [T, N])
        return
    _head(ws, breakdown.title, report.period.label, report.previous.label, "±", "± %",
          report.year_before.label)  # fmt: skip
    for r in breakdown.rows:
        ws.write_row([r.label, r.count, r.previous, r.change, _share(r.change_pct), r.year_before],
                     [T, N, N, N, P, N])  # fmt: skip


def _satisfaction(book, report: Report) -> None:
    ws = book.add_sheet(_("Satisfaction after resolution"), [48, 12, 12])
    _head(ws, _("Satisfaction"), _("Cases"))
    for r in report.satisfaction:
        ws.write_row([r.label, r.count], [T, N])
    ws.write_row([])
    _head(ws, _("Figure"), _("Value"), _("Answers"))
    ws.write_row([_("CSAT (ratings 4–5 of the handling questionnaire)"), _share(report.csat),
                  report.csat_answers], [T, P, N])  # fmt: skip
    ws.write_row([_("NPS (promoters minus detractors)"),
                  "—" if report.nps is None else report.nps, report.nps_answers], [T, N, N])  # fmt: skip


def _compensation(book, report: Report) -> None:
    ws = book.add_sheet(_("Compensation granted"), [30, 10, 16])
    _head(ws, _("Kind of compensation"), _("Cases"), _("Amount (yuan)"))
    for m in report.compensation_by_type:
        ws.write_row([m.label, m.count, m.amount], [T, N, M])
    ws.write_row([])
    _head(ws, _("Approved by"), _("Cases"), _("Amount (yuan)"))
    for m in report.compensation_by_approver:
        ws.write_row([m.label, m.count, m.amount], [T, N, M])


def _callbacks(book, report: Report) -> None:
    ws = book.add_sheet(_("Callbacks"), [30, 10, 10, 12, 10, 12, 12])
    _head(ws, _("Level"), pgettext("callbacks counted", "Due"), _("Done"), _("Not reached"),
          pgettext("callbacks counted", "Open"), _("Completion"),
          _("On time"))  # fmt: skip
    for level in report.callbacks.get("levels", []):
        ws.write_row(
            [level.get("label", ""), level.get("total"), level.get("done"),
             level.get("unreached"), level.get("open"), _ratio(level.get("completion_rate")),
             _ratio(level.get("on_time_rate"))],
            [T, N, N, N, N, P, P],
        )  # fmt: skip
    sampling = report.callbacks.get("sampling", [])
    if sampling:
        ws.write_row([])
        _head(ws, _("Sample"), _("Population"), _("Drawn"), _("Target"), _("Achieved"),
              _("Called"))  # fmt: skip
        for s in sampling:
            ws.write_row(
                [s.get("label", ""), s.get("population_size"), s.get("drawn"),
                 _ratio(s.get("target_rate")), _ratio(s.get("achieved_rate")), s.get("called")],
                [T, N, N, P, P, N],
            )  # fmt: skip
    ws.write_row([])
    ws.write_row([_("Callbacks due in the period, of the whole branch (or organisation): the "
                    "other filters do not narrow them.")], [T])  # fmt: skip


def _recurring(book, report: Report) -> None:
    ws = book.add_sheet(_("Recurring issues"), [48, 10])
    ws.write_row([_("Customers who complained again"), report.repeat_customers], [T, N])
    ws.write_row([])
    _head(ws, _("The same product and category"), _("Cases"))
    for r in report.recurring_defects:
        ws.write_row([r.label, r.count], [T, N])


def _improvements(book, report: Report) -> None:
    ws = book.add_sheet(_("Improvement actions"), [40, 16, 16, 12, 10, 10, 14])
    _head(ws, _("Action"), _("Owner"), _("Status"), _("Due"), _("Before"), _("After"),
          _("Effect"))  # fmt: skip
    effects = {"effective": _("Worked"), "not_effective": _("Did not work")}
    for r in report.improvements:
        ws.write_row([r.title, r.owner, r.status_label, r.due_on, r.before_value, r.after_value,
                      effects.get(r.effect, "")], [T, T, T, D, None, None, T])  # fmt: skip
    if report.improvements_total > len(report.improvements):
        ws.write_row([_("All %(n)s actions") % {"n": report.improvements_total}], [T])


def _write(out, report: Report, heading: dict[str, str], raw) -> tuple[int, bool]:
    book = xlsx.Workbook(out, zone=timezone.get_current_timezone(), yes_no=(_("Yes"), _("No")))
    try:
        _summary(book, report, heading)
        _trend(book, report)
        _pareto(book, _("Causes (Pareto)"), report.pareto_causes)
        _pareto(book, _("Categories (Pareto)"), report.pareto_categories)
        _deadlines(book, report)
        _listed(book, _("Still open past the deadline"), report.overdue_count, report.overdue)
        for breakdown in report.breakdowns:
            _breakdown(book, report, breakdown)
        _satisfaction(book, report)
        _compensation(book, report)
        _callbacks(book, report)
        _listed(book, _("Crisis cases"), report.crisis_count, report.crisis)
        _recurring(book, report)
        _improvements(book, report)
        rows, capped = 0, False
        if raw is not None:
            user, complaints = raw
            rows, capped = write_complaints_sheet(book, user, complaints, title=_("Raw data"))
    except BaseException:
        book.abort()
        raise
    book.close()
    return rows, capped


def write_report_xlsx(report: Report, heading: dict[str, str], raw=None):
    """The report's workbook in the active language, in a temporary file at its start.

    `raw` is (user, complaints) for the raw data sheet — the user whose columns it shows (a
    masked phone for those who may not see it in full) and the report's cohort — or None for
    none. Returns (file, rows on the raw sheet, whether the export's cap cut it).
    """
    out = tempfile.TemporaryFile(suffix=".xlsx")  # noqa: SIM115 - handed to the caller
    try:
        rows, capped = _write(out, report, heading, raw)
    except BaseException:
        out.close()
        raise
    out.seek(0)
    return out, rows, capped
