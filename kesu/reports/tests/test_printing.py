"""The report as a PDF: it renders, with its pages and its Chinese headings."""

from io import BytesIO

from django.utils import translation
from pypdf import PdfReader

from kesu.organisation.choices import Role
from kesu.reports.periods import month
from kesu.reports.printing import report_filename, report_pdf
from kesu.reports.selectors import monthly_report, report_heading


def test_the_pdf_renders_with_chinese_headings(world):
    world.complaint()
    director = world.user(Role.DIRECTOR)
    with translation.override("zh-hans"):
        from django.utils import timezone

        period = month(timezone.localdate())
        report = monthly_report(director, period, {})
        pdf = report_pdf(report, report_heading(director))
    assert pdf.startswith(b"%PDF")
    reader = PdfReader(BytesIO(pdf))
    assert len(reader.pages) >= 1
    text = "".join(page.extract_text() for page in reader.pages)
    assert "月度分析" in text and "趋势" in text and world.branch.name in text
    # The trend chart, drawn in the PDF: the label of a bar no table names.
    half_a_year = report.trend[-7].label  # 2026-06, shown "26-06" under its bar
    assert half_a_year[2:] in text and half_a_year not in text
    assert report_filename(report, "pdf") == f"monthly-report-{period.label}.pdf"
