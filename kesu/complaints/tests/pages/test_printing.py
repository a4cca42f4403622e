"""Printable forms: handling form, handling notice and register, in HTML and as PDF."""

import io
import re
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
    # The plain name, or the hashed one once `collectstatic` has run.
    assert re.search(r"complaints/print(\.[0-9a-f]{12})?\.css", body)
    assert "http://" not in body and "https://" not in body


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


# ---- The register's result column -----------------------------------------------------------


def _resolved(world, complaint, result: str, **fields):
    """The complaint as the procedure leaves it after `resolve`, with its entry's result."""
    Complaint.objects.filter(pk=complaint.pk).update(
        state="resolved", resolved_at=timezone.now(), **fields
    )
    audit_record(
        organisation_id=world.org.pk,
        actor=world.user(Role.HANDLER),
        action="resolve",
        obj=complaint,
        complaint_id=complaint.pk,
        data={"from": "in_progress", "to": "resolved", "result": result},
    )


def test_register_prints_each_complaints_result_or_that_it_is_not_resolved(client, world):
    resolved = world.complaint(title="异响已处理")
    _resolved(world, resolved, "已更换正时链条，试车正常")
    withdrawn = world.complaint(title="客户撤诉")
    Complaint.objects.filter(pk=withdrawn.pk).update(
        state="withdrawn", close_reason="withdrawn", close_note="客户自行修好"
    )
    parked = world.complaint(title="等厂家升级")
    Complaint.objects.filter(pk=parked.pk).update(
        state="parked", not_solvable_reason="等待厂家发布软件升级"
    )
    open_one = world.complaint(title="还在调查")
    # Resolved once, then reopened: the old result is not the register's result.
    reopened = world.complaint(title="重开的投诉")
    _resolved(world, reopened, "第一次的处理结果")
    Complaint.objects.filter(pk=reopened.pk).update(state="investigating")

    client.force_login(world.user(Role.DIRECTOR))
    response = client.get("/complaints/print/register/", HTTP_ACCEPT_LANGUAGE="zh-hans")
    body = response.content.decode()
    assert "处理结果" in body  # the column's heading
    results = {c.pk: c.printed_result for c in response.context["rows"]}
    assert results[resolved.pk].text == "已更换正时链条，试车正常"
    assert results[resolved.pk].settled
    assert results[withdrawn.pk].text == "客户撤回：客户自行修好"
    assert results[parked.pk].text == "暂无法解决：等待厂家发布软件升级"
    assert not results[parked.pk].settled
    assert results[open_one.pk].text == "尚未解决" and not results[open_one.pk].settled
    assert results[reopened.pk].text == "尚未解决"
    assert "已更换正时链条，试车正常" in body and "第一次的处理结果" not in body
    assert 'class="result pending"' in body

    with translation.override("en"):
        english = client.get("/complaints/print/register/").content.decode()
    assert "Handling result" in english and "Not resolved yet" in english

    text = pdf_text(client.get("/complaints/print/register.pdf"))
    assert "已更换正时链条，试车正常" in text


def test_the_register_result_column_costs_one_query(client, world, django_assert_num_queries):
    rows = [world.complaint(title=f"第{i}号") for i in range(3)]
    for complaint in rows:
        _resolved(world, complaint, f"{complaint.title}已处理")
    listed = list(Complaint.objects.filter(pk__in=[c.pk for c in rows]))
    with django_assert_num_queries(1):
        printing.register_results(listed)
    assert {c.printed_result.text for c in listed} == {"第0号已处理", "第1号已处理", "第2号已处理"}
    printing.register_results([])  # nothing to look up: no query, no error


def test_the_register_result_escapes_free_text(client, world):
    complaint = world.complaint()
    _resolved(world, complaint, "<b>已处理</b>")
    client.force_login(world.user(Role.DIRECTOR))
    body = client.get("/complaints/print/register/").content.decode()
    assert "<b>已处理</b>" not in body and "&lt;b&gt;已处理&lt;/b&gt;" in body


# ---- The handling notice's corrective action --------------------------------------------------


def test_the_notice_prints_the_remedy_and_the_corrective_and_preventive_action(
    client, world, complaint
):
    Complaint.objects.filter(pk=complaint.pk).update(
        solution="免费更换阀体",
        root_cause="阀体批次缺陷",
        corrective_action="召回同批次阀体",
        preventive_action="入库抽检阀体",
    )
    client.force_login(world.user(Role.DIRECTOR))
    body = client.get(
        f"/complaints/{complaint.pk}/print/notice/", HTTP_ACCEPT_LANGUAGE="zh-hans"
    ).content.decode()
    for text in [
        "补救与纠正措施",
        "纠正措施",
        "预防措施",
        "免费更换阀体",
        "召回同批次阀体",
        "入库抽检阀体",
    ]:
        assert text in body, text
    text = pdf_text(client.get(f"/complaints/{complaint.pk}/print/notice.pdf"))
    assert "召回同批次阀体" in text and "入库抽检阀体" in text


def test_the_notice_leaves_the_corrective_action_to_fill_in_and_no_empty_preventive_row(
    client, world, complaint
):
    client.force_login(world.user(Role.DIRECTOR))
    with translation.override("en"):
        body = client.get(f"/complaints/{complaint.pk}/print/notice/").content.decode()
    assert "Corrective action" in body
    assert "Preventive action" not in body


# ---- The sales and after-sales handling forms -----------------------------------------------


def test_the_form_follows_the_department(world, complaint):
    Complaint.objects.filter(pk=complaint.pk).update(department=world.sales)
    complaint.refresh_from_db()
    assert printing.department_form_kind(complaint) == printing.SALES
    complaint.department = world.service
    assert printing.department_form_kind(complaint) == printing.AFTER_SALES


def test_without_a_known_department_the_category_then_the_purchase_decides(world, complaint):
    from kesu.complaints.models import Category
    from kesu.customers.tests.factories import PurchaseFactory
    from kesu.organisation.tests.factories import DepartmentFactory

    complaint.department = DepartmentFactory(branch=world.branch, code="care")
    complaint.category = Category.objects.get(organisation=world.org, code="sales.pricing")
    assert printing.department_form_kind(complaint) == printing.SALES
    complaint.category = Category.objects.get(
        organisation=world.org, code="aftersales.repair_quality"
    )
    assert printing.department_form_kind(complaint) == printing.AFTER_SALES
    complaint.category = None
    complaint.purchase = PurchaseFactory(customer=complaint.customer, kind="order")
    assert printing.department_form_kind(complaint) == printing.SALES
    complaint.purchase = PurchaseFactory(customer=complaint.customer, kind="service")
    assert printing.department_form_kind(complaint) == printing.AFTER_SALES
    complaint.purchase = None
    assert printing.department_form_kind(complaint) == printing.AFTER_SALES  # the default


def _with_purchase(world, complaint, **purchase_fields):
    from kesu.customers.tests.factories import PurchaseFactory

    purchase = PurchaseFactory(customer=complaint.customer, branch=world.branch, **purchase_fields)
    Complaint.objects.filter(pk=complaint.pk).update(purchase=purchase)
    return purchase


def test_the_sales_form_prints_the_order_and_the_improvement(client, world, complaint):
    from datetime import date

    _with_purchase(
        world,
        complaint,
        kind="order",
        product="途观L 2024款",
        reference="HT-2026-0815",
        order_effective_on=date(2026, 3, 2),
        vin="LSVAB4187E2123456",
    )
    Complaint.objects.filter(pk=complaint.pk).update(
        department=world.sales,
        staff_involved="销售顾问 王强",
        promise_made_by="销售经理 李娜",
        root_cause="交车前未核对配置单",
        corrective_action="补装承诺的脚垫",
        preventive_action="交车前逐项核对配置单",
    )
    _resolved(world, complaint, "已补装，客户确认")
    client.force_login(world.user(Role.DIRECTOR))
    response = client.get(
        f"/complaints/{complaint.pk}/print/department/", HTTP_ACCEPT_LANGUAGE="zh-hans"
    )
    assert response.status_code == 200
    body = response.content.decode()
    for text in [
        "销售客户抱怨处理表",
        "订单/合同号",
        "HT-2026-0815",
        "2026-03-02",
        "LSVAB4187E2123456",
        "销售顾问 王强",
        "销售经理 李娜",
        "根本原因",
        "交车前未核对配置单",
        "补装承诺的脚垫",
        "交车前逐项核对配置单",
        "已补装，客户确认",
        "销售总监／零售经理（签字）",
    ]:
        assert text in body, text
    assert "维修工单号" not in body and "售后客户抱怨处理表" not in body

    pdf = client.get(f"/complaints/{complaint.pk}/print/department.pdf")
    assert pdf.content.startswith(b"%PDF")
    text = pdf_text(pdf)
    assert complaint.number in text and "HT-2026-0815" in text


def test_the_after_sales_form_prints_the_vehicle_the_repair_order_and_the_times(
    client, world, complaint
):
    from datetime import date

    from kesu.complaints.tests.factories import ManufacturerContactFactory

    _with_purchase(
        world,
        complaint,
        kind="service",
        product="朗逸 2024款",
        plate_number="京A·D1234",
        reference="WO-20260301-07",
        service_completed_on=date(2026, 3, 1),
        vin="LSVNB4187E2654321",
    )
    Complaint.objects.filter(pk=complaint.pk).update(
        department=world.service, staff_involved="服务顾问 周明", solution="免费更换张紧器"
    )
    from kesu.complaints.models import ManufacturerExchange

    ManufacturerExchange.objects.create(
        complaint=complaint,
        contact=ManufacturerContactFactory(organisation=world.org, name="厂家区域经理 孙涛"),
        asked="同批次张紧器是否有问题",
        asked_at=timezone.now(),
        asked_by=world.user(Role.DIRECTOR),
    )
    _resolved(world, complaint, "已更换张紧器，试车无异响")
    client.force_login(world.user(Role.DIRECTOR))
    body = client.get(
        f"/complaints/{complaint.pk}/print/department/", HTTP_ACCEPT_LANGUAGE="zh-hans"
    ).content.decode()
    for text in [
        "售后客户抱怨处理表",
        "京A·D1234",
        "LSVNB4187E2654321",
        "行驶里程",
        "公里",
        "维修工单号",
        "WO-20260301-07",
        "2026-03-01",
        "服务顾问 周明",
        "免费更换张紧器",
        "处理完成时间",
        "厂家区域经理 孙涛",
        "已更换张紧器，试车无异响",
        "服务总监（签字）",
    ]:
        assert text in body, text
    assert "订单/合同号" not in body and "根本原因" not in body
    assert pdf_text(client.get(f"/complaints/{complaint.pk}/print/department.pdf")).count(
        "WO-20260301-07"
    )


def test_the_department_form_prints_the_callback_that_verified_it(client, world, complaint):
    Complaint.objects.filter(pk=complaint.pk).update(
        department=world.service, state="verified", satisfaction="satisfied"
    )
    audit_record(
        organisation_id=world.org.pk,
        actor=world.user(Role.CALLBACK),
        action="verify",
        obj=complaint,
        complaint_id=complaint.pk,
        data={"from": "resolved", "to": "verified", "note": "客户说现在没有异响了"},
    )
    client.force_login(world.user(Role.DIRECTOR))
    body = client.get(
        f"/complaints/{complaint.pk}/print/department/", HTTP_ACCEPT_LANGUAGE="zh-hans"
    ).content.decode()
    assert "客户说现在没有异响了" in body
    assert str(world.user(Role.CALLBACK)) in body
    assert "满意" in body


def test_either_form_can_be_asked_for_and_a_strange_one_is_ignored(client, world, complaint):
    Complaint.objects.filter(pk=complaint.pk).update(department=world.service)
    client.force_login(world.user(Role.DIRECTOR))
    url = f"/complaints/{complaint.pk}/print/department/"
    with translation.override("en"):
        own = client.get(url).content.decode()
        sales = client.get(url + "?form=sales").content.decode()
        strange = client.get(url + "?form=<x>").content.decode()
    assert "After-sales complaint handling form" in own
    assert "Sales complaint handling form" in sales
    assert f'/complaints/{complaint.pk}/print/department.pdf?form=sales"' in sales
    assert "After-sales complaint handling form" in strange and "&lt;x&gt;" not in strange


def test_the_department_form_masks_the_phone_for_a_handler(client, world, complaint):
    Complaint.objects.filter(pk=complaint.pk).update(department=world.service)
    client.force_login(world.user(Role.HANDLER))
    body = client.get(f"/complaints/{complaint.pk}/print/department/").content.decode()
    assert "138****5678" in body and "13812345678" not in body


def test_the_complaint_page_links_the_form_of_its_department(client, world, complaint):
    client.force_login(world.user(Role.DIRECTOR))
    Complaint.objects.filter(pk=complaint.pk).update(department=world.sales)
    with translation.override("en"):
        page = client.get(f"/complaints/{complaint.pk}/").content.decode()
    assert f'href="/complaints/{complaint.pk}/print/department/"' in page
    assert "Print sales form" in page
    Complaint.objects.filter(pk=complaint.pk).update(department=world.service)
    with translation.override("en"):
        page = client.get(f"/complaints/{complaint.pk}/").content.decode()
    assert "Print after-sales form" in page


# ---- The QR code to the customer portal (kesu/portal) ---------------------------------------


def test_the_notice_carries_a_qr_code_to_the_tracking_page(client, world, complaint, settings):
    import segno

    settings.KESU_PUBLIC_URL = "https://kesu.example.com"
    client.force_login(world.user(Role.DIRECTOR))
    body = client.get(f"/complaints/{complaint.pk}/print/notice/").content.decode()
    url = f"https://kesu.example.com/portal/track/?number={complaint.number}"
    assert url in body
    # The drawn code is exactly the one that encodes the tracking address.
    drawn = re.search(r'<svg[^>]*class="segno".*?</svg>', body, re.S).group(0)
    expected = segno.make(url, error="m").svg_inline(scale=3, border=2, title=url)
    assert re.search(r' d="([^"]+)"', drawn).group(1) == re.search(r' d="([^"]+)"', expected).group(
        1
    )
    text = pdf_text(client.get(f"/complaints/{complaint.pk}/print/notice.pdf"))
    assert "kesu.example.com/portal/track/" in text.replace("\n", "")


def test_without_a_public_address_the_qr_code_uses_the_requests_host(
    client, world, complaint, settings
):
    settings.ALLOWED_HOSTS = ["kesu.internal"]
    settings.KESU_PUBLIC_URL = ""
    client.force_login(world.user(Role.DIRECTOR))
    body = client.get(
        f"/complaints/{complaint.pk}/print/notice/", HTTP_HOST="kesu.internal"
    ).content.decode()
    assert f"http://kesu.internal/portal/track/?number={complaint.number}" in body
