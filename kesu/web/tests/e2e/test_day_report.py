"""The director's first of the month (issue 12), in a real browser: the home page's month at a
glance, this month's report, and a figure of it followed down to the complaints behind it."""

import re

from kesu.web.tests.e2e.conftest import screenshot


def test_the_director_goes_from_the_dashboard_to_the_report_and_down_to_the_cases(sign_in, demo):
    director = sign_in("director")
    received = int(director.inner_text("#dash-received .n"))
    assert received > 0
    screenshot(director, "home-dashboard-director")
    with director.expect_navigation():
        director.click("#dashboard a:has-text('打开本月报表')")
    assert "/reports/monthly/" in director.url
    assert int(director.inner_text(".report-summary .counter .n")) == received
    screenshot(director, "report-monthly")

    crisis = director.locator(".report-summary a.counter", has_text="危机案件")
    expected = int(crisis.locator(".n").inner_text())
    with director.expect_navigation():
        crisis.click()
    assert "is_crisis=true" in director.url
    numbers = set(re.findall(r"KS-\d{4}-\d{6}", director.inner_text("#results")))
    assert len(numbers) == expected


def test_the_dashboard_reads_in_english_for_the_general_manager(sign_in, demo):
    gm = sign_in("gm", locale="en-US")
    text = gm.inner_text("#dashboard")
    assert "so far" in text and "Open crisis cases" in text


def test_the_director_downloads_the_report_as_pdf_and_excel_and_opens_a_kept_one(
    sign_in, demo, tmp_path
):
    from io import BytesIO

    from openpyxl import load_workbook

    director = sign_in("director")
    director.goto(f"{demo.url}/reports/monthly/")
    with director.expect_download() as downloading:
        director.click("#report-pdf")
    pdf = tmp_path / "report.pdf"
    downloading.value.save_as(pdf)
    assert downloading.value.suggested_filename.endswith(".pdf")
    assert pdf.read_bytes().startswith(b"%PDF")
    with director.expect_download() as downloading:
        director.click("#report-xlsx")
    xlsx = tmp_path / "report.xlsx"
    downloading.value.save_as(xlsx)
    book = load_workbook(BytesIO(xlsx.read_bytes()))
    assert book.sheetnames[0] == "摘要" and "原始数据" in book.sheetnames

    with director.expect_navigation():
        director.click("a:has-text('存档报告')")
    assert "/reports/kept/" in director.url
    with director.expect_navigation():
        director.click("#kept-reports tbody a >> nth=0")
    assert "存档于" in director.inner_text("#kept-note")
    screenshot(director, "report-kept")
    with director.expect_download() as downloading:
        director.click("#kept-pdf")
    kept = tmp_path / "kept.pdf"
    downloading.value.save_as(kept)
    assert kept.read_bytes().startswith(b"%PDF")
