"""The printout and export views: scope, ids, login, the audit entry, file names, refusals."""

import io

import pytest
from django.utils import timezone
from pypdf import PdfReader

from kesu.audit.models import AuditEntry
from kesu.customers.tests.factories import CustomerFactory
from kesu.organisation.choices import Role
from kesu.organisation.tests.factories import UserFactory

SUMMARY = "变速箱换挡顿挫"
ACCOUNT = "客户说：<script>alert('x')</script> 每次二挡升三挡都会顿一下。"


def pdf_text(response) -> str:
    assert response["Content-Type"] == "application/pdf"
    reader = PdfReader(io.BytesIO(response.content))
    return "\n".join(page.extract_text() for page in reader.pages)


@pytest.fixture
def complaint(world):
    customer = CustomerFactory(organisation=world.org, name="王建国", phone="+8613812345678")
    return world.complaint(customer=customer, title=SUMMARY, account=ACCOUNT, demand="repair")


def test_another_branch_gets_404_on_every_printout(client, world, complaint):
    client.force_login(world.other_users[Role.DIRECTOR])
    for suffix in ["form/", "form.pdf", "notice/", "notice.pdf", "department/", "department.pdf"]:
        assert client.get(f"/complaints/{complaint.pk}/print/{suffix}").status_code == 404
    assert not AuditEntry.objects.filter(action="export").exists()


def test_bad_ids_are_404_not_500(client, world):
    client.force_login(world.user(Role.DIRECTOR))
    assert client.get("/complaints/abc/print/form/").status_code == 404
    assert client.get("/complaints/99999999999999999999999/print/form.pdf").status_code == 404
    assert client.get("/complaints/0/print/notice/").status_code == 404


def test_printing_needs_a_login(client, world, complaint):
    response = client.get(f"/complaints/{complaint.pk}/print/form.pdf")
    assert response.status_code == 302 and response.url.startswith("/login/")


def test_every_printout_is_recorded_as_an_export(client, world, complaint):
    user = world.user(Role.DIRECTOR)
    client.force_login(user)
    client.get(f"/complaints/{complaint.pk}/print/form/")
    client.get(f"/complaints/{complaint.pk}/print/notice.pdf")
    entries = AuditEntry.objects.filter(action="export", complaint_id=complaint.pk).order_by("seq")
    assert [(e.data["document"], e.data["format"]) for e in entries] == [
        ("handling_form", "html"),
        ("handling_notice", "pdf"),
    ]
    assert all(e.actor_id == user.pk and e.object_id == complaint.pk for e in entries)


def test_the_department_form_is_recorded_with_the_form_printed(client, world, complaint):
    complaint.department = world.service
    complaint.save(update_fields=["department"])
    user = world.user(Role.DIRECTOR)
    client.force_login(user)
    client.get(f"/complaints/{complaint.pk}/print/department/")
    response = client.get(f"/complaints/{complaint.pk}/print/department.pdf?form=sales")
    assert response.status_code == 200 and response.content.startswith(b"%PDF")
    assert f"{complaint.number}-sales-form.pdf" in response["Content-Disposition"]
    entries = AuditEntry.objects.filter(action="export", complaint_id=complaint.pk).order_by("seq")
    assert [(e.data["document"], e.data["format"], e.data["kind"]) for e in entries] == [
        ("department_form", "html", "after_sales"),
        ("department_form", "pdf", "sales"),
    ]
    assert all(e.actor_id == user.pk and e.object_id == complaint.pk for e in entries)


def test_register_with_a_bad_date_says_so(client, world):
    client.force_login(world.user(Role.DIRECTOR))
    response = client.get("/complaints/print/register.pdf?received_after=2026-13-45")
    assert response.status_code == 400
    assert "2026-03-01" in response.content.decode()  # the message shows the expected form
    response = client.get("/complaints/print/register/?severity=catastrophic")
    assert response.status_code == 400
    assert not AuditEntry.objects.filter(action="export").exists()


def test_a_chinese_number_prefix_is_a_valid_file_name(client, world):
    world.org.number_prefix = "客诉"
    world.org.save(update_fields=["number_prefix"])
    complaint = world.complaint()
    assert complaint.number.startswith("客诉")
    client.force_login(world.user(Role.DIRECTOR))
    response = client.get(f"/complaints/{complaint.pk}/print/form.pdf")
    assert response.status_code == 200
    assert "filename*=utf-8''" in response["Content-Disposition"]
    assert complaint.number in pdf_text(response)


# ---- The list's register and Excel export ------------------------------------------------------

XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


def test_the_register_pdf_is_a_dated_file_and_recorded_with_its_filters(client, world):
    world.complaint(title="刹车失灵", severity="major", severity_override_reason="安全")
    world.complaint(title="洗车不干净")
    user = world.user(Role.DIRECTOR)
    client.force_login(user)
    response = client.get("/complaints/print/register.pdf?severity=major&before=5")
    assert response.status_code == 200
    day = f"{timezone.localdate():%Y%m%d}"
    assert f'filename="register-{day}.pdf"' in response["Content-Disposition"]
    assert "刹车失灵" in pdf_text(response)
    entry = AuditEntry.objects.get(action="export")
    assert entry.actor_id == user.pk and entry.object_id == world.org.pk
    assert entry.complaint_id is None
    assert entry.data["document"] == "register"
    assert entry.data["format"] == "pdf" and entry.data["rows"] == 1
    assert entry.data["filters"] == {"severity": ["major"]}
    assert entry.data["capped"] is False


def test_the_register_page_is_html_and_recorded_as_such(client, world, complaint):
    client.force_login(world.user(Role.DIRECTOR))
    response = client.get("/complaints/print/register/")
    assert response.status_code == 200 and response["Content-Type"].startswith("text/html")
    assert complaint.number in response.content.decode()
    assert AuditEntry.objects.get(action="export").data["format"] == "html"


def test_the_excel_export_is_a_dated_workbook_and_recorded(client, world, complaint):
    user = world.user(Role.DIRECTOR)
    client.force_login(user)
    response = client.get("/complaints/export.xlsx", {"q": ""})
    assert response.status_code == 200 and response["Content-Type"] == XLSX
    day = f"{timezone.localdate():%Y%m%d}"
    assert f'filename="complaints-{day}.xlsx"' in response["Content-Disposition"]
    assert response["Content-Disposition"].startswith("attachment")
    assert b"".join(response.streaming_content).startswith(b"PK")  # a zip, as xlsx are
    entry = AuditEntry.objects.get(action="export")
    assert entry.data["document"] == "complaint_list" and entry.data["format"] == "xlsx"
    assert entry.data["rows"] == 1 and entry.object_id == world.org.pk


def test_refused_filters_name_the_problem_and_link_back_to_the_list(client, world):
    client.force_login(world.user(Role.DIRECTOR))
    response = client.get("/complaints/export.xlsx?severity=catastrophic&state=registered&before=9")
    assert response.status_code == 400
    body = response.content.decode()
    assert "catastrophic" in body
    assert 'href="/complaints/?severity=catastrophic&amp;state=registered"' in body
    assert not AuditEntry.objects.filter(action="export").exists()


@pytest.mark.parametrize("url", ["/complaints/print/register/", "/complaints/export.xlsx"])
def test_a_user_of_no_organisation_is_refused_the_lists_printouts(client, db, url):
    client.force_login(UserFactory(organisation=None, branch=None, role=Role.ADMIN))
    assert client.get(url).status_code == 403
    assert not AuditEntry.objects.filter(action="export").exists()


# ---- The closing letter --------------------------------------------------------------------


@pytest.fixture
def closed(world):
    from kesu.complaints.tests.helpers import closed_complaint

    customer = CustomerFactory(organisation=world.org, name="王建国", phone="+8613812345678")
    return closed_complaint(world, customer=customer, title=SUMMARY, account=ACCOUNT)


def test_the_closing_letter_tells_the_customer_where_else_to_turn(client, world, closed):
    client.force_login(world.user(Role.FRONTLINE))
    client.cookies["django_language"] = "zh-hans"
    page = client.get(f"/complaints/{closed.pk}/print/closure/")
    assert page.status_code == 200
    html = page.content.decode()
    assert "尊敬的王建国" in html and closed.number in html
    assert "全国12315平台" in html and "《民法典》第一百八十八条" in html
    assert "草稿" not in html
    client.cookies["django_language"] = "en"
    english = client.get(f"/complaints/{closed.pk}/print/closure/").content.decode()
    assert "Dear 王建国," in english and "Civil Code, Article 188" in english
    assert "If you are still not satisfied" in english


def test_the_closing_letter_of_an_open_complaint_is_a_draft(client, world, complaint):
    client.force_login(world.user(Role.DIRECTOR))
    client.cookies["django_language"] = "zh-hans"
    html = client.get(f"/complaints/{complaint.pk}/print/closure/").content.decode()
    assert "草稿：此投诉尚未办结。" in html and "全国12315平台" in html


def test_the_closing_letter_pdf_renders_and_is_recorded(client, world, closed):
    client.force_login(world.user(Role.DIRECTOR))
    response = client.get(f"/complaints/{closed.pk}/print/closure.pdf")
    text = pdf_text(response)
    assert closed.number in text and "12315" in text
    entry = AuditEntry.objects.get(action="export", complaint_id=closed.pk)
    assert (entry.data["document"], entry.data["format"]) == ("closing_letter", "pdf")


def test_another_branch_gets_404_on_the_closing_letter(client, world, closed):
    client.force_login(world.other_users[Role.DIRECTOR])
    for suffix in ["closure/", "closure.pdf"]:
        assert client.get(f"/complaints/{closed.pk}/print/{suffix}").status_code == 404
