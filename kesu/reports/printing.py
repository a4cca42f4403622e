"""The monthly analysis as a PDF: the page's sections, charts and tables on A4, drawn by
WeasyPrint with the printouts' stylesheet and fonts (kesu/complaints/printing.py) and the
report's own (reports/print.css). Nothing is fetched: the charts are SVG drawn on the server."""

from kesu.complaints.printing import render_pdf
from kesu.core.links import public_base
from kesu.reports.selectors import Report

TEMPLATE = "reports/print/monthly.html"
STYLESHEET = "reports/print.css"


def report_pdf(report: Report, heading: dict[str, str], kept=None) -> bytes:
    """The report in the active language; `kept`, the StoredReport it is a copy of, if any.
    Its links open the complaint lists in Kesu (KESU_PUBLIC_URL)."""
    context = {"report": report, "heading": heading, "kept": kept}
    return render_pdf(
        TEMPLATE, context, extra_stylesheets=(STYLESHEET,), base_url=public_base() + "/"
    )


def report_filename(report: Report, suffix: str, where: str = "") -> str:
    """monthly-report-2026-11.pdf, monthly-report-2026-11-east.xlsx …"""
    label = report.period.label.replace(" – ", "_")
    return f"monthly-report-{label}{'-' + where if where else ''}.{suffix}"
