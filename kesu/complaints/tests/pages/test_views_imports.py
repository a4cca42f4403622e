"""The Excel import's pages (kesu/complaints/views_imports.py)."""

import io

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from openpyxl import load_workbook

from kesu.complaints.choices import ImportStatus
from kesu.complaints.models import Complaint, ImportJob
from kesu.complaints.tests.import_helpers import CLOSED_ROW, OPEN_ROW, workbook_bytes
from kesu.organisation.choices import Role
from kesu.web.tests.visible_text import DataStripper, english_chunks, project_catalogue

XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


def _client(client, user, language="zh-hans"):
    client.force_login(user)
    client.cookies["django_language"] = language
    return client


def _upload(client, data: bytes, name="history.xlsx"):
    return client.post(
        reverse("complaints:import"), {"file": SimpleUploadedFile(name, data, content_type=XLSX)}
    )


def test_a_small_file_is_imported_while_the_upload_waits(client, world):
    c = _client(client, world.user(Role.DIRECTOR), "en")
    response = _upload(c, workbook_bytes([CLOSED_ROW, OPEN_ROW]))
    job = ImportJob.objects.get()
    assert response.status_code == 302 and response.url == reverse(
        "complaints:import-job", args=[job.pk]
    )
    page = c.get(response.url)
    assert "2 complaints were imported" in page.content.decode()
    assert Complaint.objects.count() == 2


def test_a_large_file_waits_for_the_worker_and_the_page_polls(client, world, settings):
    settings.KESU_IMPORT_INLINE_ROWS = 0
    c = _client(client, world.user(Role.GENERAL_MANAGER), "en")
    _upload(c, workbook_bytes([OPEN_ROW] * 3, keys=list(OPEN_ROW)))
    job = ImportJob.objects.get()
    assert job.status == ImportStatus.QUEUED
    page = c.get(reverse("complaints:import-job", args=[job.pk])).content.decode()
    assert 'hx-trigger="every 1s"' in page and "<progress" in page
    part = c.get(reverse("complaints:import-progress", args=[job.pk]), HTTP_HX_REQUEST="true")
    assert part.status_code == 200 and "<html" not in part.content.decode()


@pytest.mark.parametrize(
    ("data", "name"),
    [
        (b"", "empty.xlsx"),
        (b"MZ\x90\x00\x03" * 100, "setup.xlsx"),
        (b"a,b\n1,2\n", "list.xlsx"),
    ],
)
def test_what_is_no_workbook_is_refused_on_the_page_in_the_users_language(
    client, world, data, name
):
    c = _client(client, world.user(Role.DIRECTOR))
    response = _upload(c, data, name)
    assert response.status_code == 400
    html = response.content.decode()
    assert 'role="alert"' in html
    assert ImportJob.objects.count() == 0


def test_a_huge_text_and_a_bad_row_give_the_report_and_import_nothing(client, world):
    c = _client(client, world.user(Role.DIRECTOR), "en")
    _upload(c, workbook_bytes([OPEN_ROW, CLOSED_ROW | {"account": "长" * 32000}]))
    job = ImportJob.objects.get()
    assert job.status == ImportStatus.INVALID and Complaint.objects.count() == 0
    page = c.get(reverse("complaints:import-job", args=[job.pk])).content.decode()
    assert "Nothing was imported: 1 problem to correct." in page
    assert "The customer&#x27;s account" in page or "The customer's account" in page
    report = c.get(reverse("complaints:import-report", args=[job.pk]))
    assert report["Content-Type"] == XLSX
    book = load_workbook(io.BytesIO(b"".join(report.streaming_content)), read_only=True)
    rows = list(book.worksheets[0].iter_rows(values_only=True))
    assert rows[1][:2] == (3, "The customer's account")


def test_the_template_downloads(client, world):
    response = _client(client, world.user(Role.GROUP)).get(reverse("complaints:import-template"))
    assert response.status_code == 200 and response["Content-Type"] == XLSX


@pytest.mark.parametrize("role", [Role.FRONTLINE, Role.CALLBACK, Role.HANDLER])
def test_other_roles_are_refused(client, world, role):
    c = _client(client, world.user(role))
    assert c.get(reverse("complaints:import")).status_code == 403
    assert c.get(reverse("complaints:import-template")).status_code == 403


def test_another_users_job_is_not_found(client, world):
    job = ImportJob.objects.create(
        organisation=world.org, created_by=world.user(Role.GROUP), file_name="x.xlsx"
    )
    c = _client(client, world.user(Role.DIRECTOR))
    assert c.get(reverse("complaints:import-job", args=[job.pk])).status_code == 404


def test_the_list_links_the_import_for_those_who_may(client, world):
    url = reverse("complaints:import")
    assert (
        url
        in _client(client, world.user(Role.DIRECTOR))
        .get(reverse("complaints:complaint-list"))
        .content.decode()
    )
    client.logout()
    assert (
        url
        not in _client(client, world.user(Role.FRONTLINE))
        .get(reverse("complaints:complaint-list"))
        .content.decode()
    )


@pytest.mark.parametrize(
    "status",
    [
        ImportStatus.QUEUED,
        ImportStatus.IMPORTING,
        ImportStatus.DONE,
        ImportStatus.INVALID,
        ImportStatus.FAILED,
    ],
)
def test_the_pages_have_no_english_in_chinese(client, world, status):
    user = world.user(Role.DIRECTOR)
    job = ImportJob.objects.create(
        organisation=world.org,
        created_by=user,
        file_name="历史投诉.xlsx",
        status=status,
        total_rows=5,
        validated_rows=5,
        imported_rows=2,
        error_count=300,
        errors=[[2, "渠道", "不对"]] * 250,
        message="" if status != ImportStatus.FAILED else "导入失败",
        first_number="KS-2023-000001",
        last_number="KS-2023-000005",
    )
    c = _client(client, user)
    catalogue = project_catalogue()
    strip = DataStripper(
        {
            "历史投诉.xlsx",
            "KS-2023-000001",
            "KS-2023-000005",
            "渠道",
            "不对",
            "导入失败",
            str(user),
            "English",
            "Kesu",
        }
    )
    for url in (reverse("complaints:import"), reverse("complaints:import-job", args=[job.pk])):
        html = c.get(url).content.decode()
        assert list(english_chunks(html, catalogue, strip)) == [], url


def test_an_imported_complaints_page_shows_the_import_in_its_timeline(client, world):
    c = _client(client, world.user(Role.DIRECTOR), "en")
    _upload(c, workbook_bytes([CLOSED_ROW]))
    complaint = Complaint.objects.get()
    page = c.get(reverse("complaints:complaint", args=[complaint.pk]))
    assert page.status_code == 200
    assert "Imported from Excel" in page.content.decode()


def test_while_checked_and_imported_at_once_with_no_row_count_the_bars_wait_and_count(
    client, world
):
    """An overlapped import of a sheet that records no row count (import_jobs)."""
    user = world.user(Role.DIRECTOR)
    job = ImportJob.objects.create(
        organisation=world.org,
        created_by=user,
        file_name="h.xlsx",
        status=ImportStatus.IMPORTING,
        total_rows=0,
        validated_rows=2000,
        imported_rows=1000,
    )
    page = _client(client, user, "en").get(reverse("complaints:import-progress", args=[job.pk]))
    html = page.content.decode()
    assert "Rows checked: 2000" in html and "Rows imported: 1000" in html
    assert '<progress id="bar-imported" max="100">' in html
    assert '<progress id="bar-validated" max="100">' in html
