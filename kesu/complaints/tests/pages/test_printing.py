"""Printable forms: handling form, handling notice and register, in HTML and as PDF."""

import io
from datetime import datetime, timedelta

import pytest
from django.utils import timezone, translation
from pypdf import PdfReader

from kesu.audit.models import AuditEntry
from kesu.audit.services import audit_record
from kesu.complaints import printing
from kesu.complaints.models import Complaint
from kesu.customers.tests.factories import CustomerFactory
from kesu.organisation.choices import Role

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


def at(day: str) -> datetime:
    return timezone.make_aware(datetime.fromisoformat(day + "T10:00"))


# ---- The handling form ----------------------------------------------------------------------


def test_form_html_has_the_record_and_escapes_free_text(client, world, complaint):
    client.force_login(world.user(Role.DIRECTOR))
    response = client.get(f"/complaints/{complaint.pk}/print/form/")
    assert response.status_code == 200
    body = response.content.decode()
    assert complaint.number in body and SUMMARY in body and "王建国" in body
    assert "<script>alert" not in body
    assert "&lt;script&gt;alert(&#x27;x&#x27;)&lt;/script&gt;" in body
    assert "138 1234 5678" in body  # a director talks to customers: the phone in full
    assert "complaints/print.css" in body and "http://" not in body and "https://" not in body


def test_the_printouts_name_the_staff_involved_and_who_made_the_promise(client, world):
    named = world.complaint(
        title="承诺的贴膜没有做", staff_involved="销售顾问 王强", promise_made_by="销售经理 李娜"
    )
    plain = world.complaint(title="洗车没洗干净")
    client.force_login(world.user(Role.DIRECTOR))
    with translation.override("en"):
        form = client.get(f"/complaints/{named.pk}/print/form/").content.decode()
        notice = client.get(f"/complaints/{named.pk}/print/notice/").content.decode()
        blank_form = client.get(f"/complaints/{plain.pk}/print/form/").content.decode()
        blank_notice = client.get(f"/complaints/{plain.pk}/print/notice/").content.decode()
    for page in (form, notice):
        assert "销售顾问 王强" in page and "销售经理 李娜" in page
    # The form keeps the row to fill in by hand; the notice leaves it out when nobody is named.
    assert "Staff member involved" in blank_form and "Promise made by" in blank_form
    assert "Staff member involved" not in blank_notice


def test_form_pdf_has_the_chinese_text_and_the_number(client, world, complaint):
    client.force_login(world.user(Role.DIRECTOR))
    response = client.get(f"/complaints/{complaint.pk}/print/form.pdf")
    assert response.status_code == 200
    text = pdf_text(response)
    assert complaint.number in text
    assert SUMMARY in text
    assert "王建国" in text


def test_form_shows_the_solution_result_and_approver(client, world, complaint):
    Complaint.objects.filter(pk=complaint.pk).update(
        solution="免费更换变速箱阀体", compensation_type="free_parts", root_cause="阀体批次缺陷"
    )
    audit_record(
        organisation_id=world.org.pk,
        actor=world.user(Role.HANDLER),
        action="resolve",
        obj=complaint,
        complaint_id=complaint.pk,
        data={"from": "in_progress", "to": "resolved", "result": "已更换阀体，试车正常"},
    )
    client.force_login(world.user(Role.DIRECTOR))
    body = client.get(f"/complaints/{complaint.pk}/print/form/").content.decode()
    assert "免费更换变速箱阀体" in body
    assert "已更换阀体，试车正常" in body
    assert "阀体批次缺陷" in body


def test_a_handler_sees_the_phone_masked(client, world, complaint):
    client.force_login(world.user(Role.HANDLER))
    complaint.department = world.service
    complaint.save(update_fields=["department"])
    body = client.get(f"/complaints/{complaint.pk}/print/form/").content.decode()
    assert "138****5678" in body
    assert "13812345678" not in body
    text = pdf_text(client.get(f"/complaints/{complaint.pk}/print/notice.pdf"))
    assert "138****5678" in text and "13812345678" not in text


# ---- The handling notice --------------------------------------------------------------------


def test_notice_is_addressed_to_the_department_with_the_deadline(client, world, complaint):
    due = timezone.now() + timedelta(days=3)
    Complaint.objects.filter(pk=complaint.pk).update(department=world.service, due_at=due)
    client.force_login(world.user(Role.DIRECTOR))
    response = client.get(f"/complaints/{complaint.pk}/print/notice/")
    assert response.status_code == 200
    body = response.content.decode()
    assert complaint.number in body and SUMMARY in body
    assert world.service.name in body
    assert timezone.localtime(due).strftime("%Y-%m-%d %H:%M") in body
    assert str(world.user(Role.DIRECTOR)) in body  # from whom
    assert "<script>alert" not in body

    text = pdf_text(client.get(f"/complaints/{complaint.pk}/print/notice.pdf"))
    assert complaint.number in text and SUMMARY in text


def test_notice_lists_the_running_milestones(world, complaint):
    context = printing.notice_context(world.user(Role.DIRECTOR), complaint)
    kinds = [d.kind for d in context["deadlines"]]
    assert kinds, "a registered complaint has deadlines"
    assert len(kinds) == len(set(kinds))


# ---- Audit ----------------------------------------------------------------------------------


# ---- The register ---------------------------------------------------------------------------


def test_register_for_a_date_range(client, world):
    inside = world.complaint(title="三月的投诉", received_at=at("2026-03-10"))
    world.complaint(title="二月的投诉", received_at=at("2026-02-20"))
    other_branch = world.complaint(
        actor=world.other_users[Role.FRONTLINE],
        customer=CustomerFactory(organisation=world.org),
        title="西区三月的投诉",
        received_at=at("2026-03-11"),
    )
    client.force_login(world.user(Role.DIRECTOR))
    query = "?received_after=2026-03-01&received_before=2026-03-31"
    response = client.get("/complaints/print/register/" + query)
    assert response.status_code == 200
    body = response.content.decode()
    assert inside.number in body and "三月的投诉" in body
    assert "二月的投诉" not in body
    assert other_branch.number not in body and "西区三月的投诉" not in body
    assert "2026-03-01" in body and "2026-03-31" in body

    text = pdf_text(client.get("/complaints/print/register.pdf" + query))
    assert inside.number in text and "三月的投诉" in text
    assert other_branch.number not in text

    entry = AuditEntry.objects.filter(action="export", object_type="organisation.organisation")
    entry = entry.order_by("-id").first()
    assert entry.object_id == world.org.pk
    assert entry.data["document"] == "register" and entry.data["format"] == "pdf"
    assert entry.data["rows"] == 1
    assert entry.data["filters"]["received_after"] == ["2026-03-01"]


def test_the_other_branch_director_sees_only_their_own_in_the_register(client, world):
    mine = world.complaint()
    client.force_login(world.other_users[Role.DIRECTOR])
    body = client.get("/complaints/print/register/").content.decode()
    assert mine.number not in body


def test_register_takes_the_list_filters(client, world):
    major = world.complaint(title="刹车失灵", severity="major", severity_override_reason="安全")
    general = world.complaint(title="洗车不干净")
    client.force_login(world.user(Role.DIRECTOR))
    body = client.get("/complaints/print/register/?severity=major").content.decode()
    assert major.number in body and general.number not in body


def test_register_is_capped_with_a_note(client, world, monkeypatch):
    monkeypatch.setattr(printing, "REGISTER_CAP", 2)
    for _ in range(3):
        world.complaint()
    client.force_login(world.user(Role.DIRECTOR))
    response = client.get("/complaints/print/register/")
    assert len(response.context["rows"]) == 2 and response.context["capped"]
    assert 'class="capped"' in response.content.decode()
    entry = AuditEntry.objects.filter(action="export").order_by("-id").first()
    assert entry.data["rows"] == 2 and entry.data["capped"] is True
    uncapped = client.get("/complaints/print/register/?severity=major")
    assert 'class="capped"' not in uncapped.content.decode()


def test_register_escapes_free_text(client, world):
    world.complaint(title="<img src=x onerror=alert(1)>")
    client.force_login(world.user(Role.DIRECTOR))
    body = client.get("/complaints/print/register/").content.decode()
    assert "<img src=x" not in body and "&lt;img src=x onerror=alert(1)&gt;" in body


def test_register_query_count_does_not_grow(client, world, django_assert_max_num_queries):
    for i in range(30):
        world.complaint(title=f"第{i}号投诉")
    client.force_login(world.user(Role.DIRECTOR))
    with django_assert_max_num_queries(15):
        response = client.get("/complaints/print/register/")
    assert len(response.context["rows"]) == 30
    with django_assert_max_num_queries(15):
        assert client.get("/complaints/print/register.pdf").status_code == 200
