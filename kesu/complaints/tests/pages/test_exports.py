"""The complaint list as an Excel workbook: same filters as the page, scoped, masked, audited."""

import io
from datetime import datetime, timedelta
from decimal import Decimal

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone
from openpyxl import load_workbook

from kesu.audit.models import AuditEntry
from kesu.callbacks.choices import TaskStatus
from kesu.callbacks.models import CallbackTask
from kesu.callbacks.services import task_record_outcome
from kesu.complaints import exports, workflow
from kesu.complaints.models import Category, Complaint
from kesu.complaints.tests.helpers import tick_required, verification_day_come
from kesu.core import xlsx
from kesu.customers.tests.factories import CustomerFactory, PurchaseFactory
from kesu.organisation.choices import Role
from kesu.organisation.models import CompensationLimit
from kesu.sla.choices import MilestoneKind, MilestoneStatus
from kesu.sla.models import ComplaintMilestone

XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


def workbook(response):
    assert response.status_code == 200
    assert response["Content-Type"] == XLSX
    assert "attachment" in response["Content-Disposition"]
    return load_workbook(io.BytesIO(b"".join(response.streaming_content)))


def rows_of(wb):
    ws = wb.worksheets[0]
    header, *rows = list(ws.iter_rows(values_only=True))
    return header, rows


@pytest.fixture
def director(client, world):
    client.force_login(world.user(Role.DIRECTOR))
    return client


def test_export_has_the_filtered_rows(director, world):
    major = world.complaint(title="刹车失灵", severity="major", severity_override_reason="安全")
    world.complaint(title="洗车不干净")
    wb = workbook(director.get("/complaints/export.xlsx", {"severity": "major"}))
    header, rows = rows_of(wb)
    assert list(header) == [
        c.title for c in exports.export_layout(world.user(Role.DIRECTOR)).columns
    ]
    assert len(set(header)) == len(header)  # every column says what it is, once
    assert [r[0] for r in rows] == [major.number]
    row = dict(zip(header, rows[0], strict=True))
    assert "刹车失灵" in row.values()
    assert isinstance(row["Received at"], datetime)  # a real date cell
    # The second sheet says what was exported.
    about = [r for r in wb.worksheets[1].iter_rows(values_only=True)]
    assert any(r[1] == 1 for r in about)  # the row count


def test_export_uses_the_search_like_the_list(director, world):
    wanted = world.complaint(title="空调不制冷", account="开了半小时还是热风")
    world.complaint(title="保养等待时间太长")
    listed = [c.pk for c in director.get("/complaints/", {"q": "制冷"}).context["complaints"]]
    _, rows = rows_of(workbook(director.get("/complaints/export.xlsx", {"q": "制冷"})))
    assert listed == [wanted.pk]
    assert [r[0] for r in rows] == [wanted.number]


def test_export_never_has_another_branch(client, world):
    mine = world.complaint()
    theirs = world.complaint(
        actor=world.other_users[Role.FRONTLINE], customer=CustomerFactory(organisation=world.org)
    )
    client.force_login(world.other_users[Role.DIRECTOR])
    _, rows = rows_of(workbook(client.get("/complaints/export.xlsx")))
    numbers = [r[0] for r in rows]
    assert theirs.number in numbers and mine.number not in numbers
    # Naming the other branch in the filter does not open it either: refused, not an empty file.
    refused = client.get("/complaints/export.xlsx", {"branch": world.branch.pk})
    assert refused.status_code == 400


def test_a_handler_gets_masked_phones(client, world):
    customer = CustomerFactory(organisation=world.org, phone="+8613812345678")
    complaint = world.complaint(customer=customer)
    complaint.department = world.service
    complaint.save(update_fields=["department"])
    client.force_login(world.user(Role.HANDLER))
    header, rows = rows_of(workbook(client.get("/complaints/export.xlsx")))
    values = [str(v) for v in rows[0] if v is not None]
    assert "138****5678" in values
    assert not any("13812345678" in v for v in values)

    client.force_login(world.user(Role.DIRECTOR))
    _, rows = rows_of(workbook(client.get("/complaints/export.xlsx")))
    assert "138 1234 5678" in rows[0]


def test_free_text_is_text_not_a_formula(director, world):
    world.complaint(title='=HYPERLINK("http://evil","点我")', account="+1+2\x07响铃")
    wb = workbook(director.get("/complaints/export.xlsx"))
    ws = wb.worksheets[0]
    cells = [c for row in ws.iter_rows(min_row=2) for c in row if c.value]
    title = next(c for c in cells if str(c.value).startswith("=HYPERLINK"))
    assert title.data_type == "s"
    assert any(c.value == "+1+2响铃" for c in cells)  # the control character is dropped


def test_export_is_recorded_with_filters_and_count(director, world):
    for _ in range(2):
        world.complaint()
    director.get("/complaints/export.xlsx", {"state": "registered", "q": "异响"})
    entry = AuditEntry.objects.get(action="export")
    assert entry.actor_id == world.user(Role.DIRECTOR).pk
    assert entry.object_type == "organisation.organisation" and entry.object_id == world.org.pk
    assert entry.data["format"] == "xlsx"
    assert entry.data["rows"] == 2
    assert entry.data["filters"] == {"state": ["registered"], "q": ["异响"]}


def test_export_is_capped_with_a_note(director, world, monkeypatch):
    monkeypatch.setattr(exports, "EXPORT_CAP", 2)
    for _ in range(3):
        world.complaint()
    _, rows = rows_of(workbook(director.get("/complaints/export.xlsx")))
    assert len(rows) == 3  # two complaints and the note
    assert rows[-1][1] is None and "2" in rows[-1][0]
    entry = AuditEntry.objects.get(action="export")
    assert entry.data["rows"] == 2 and entry.data["capped"] is True


def test_bad_filters_are_refused_clearly(director, world):
    response = director.get("/complaints/export.xlsx", {"received_before": "yesterday"})
    assert response.status_code == 400
    assert "2026-03-01" in response.content.decode()
    assert director.get("/complaints/export.xlsx", {"owner": "abc"}).status_code == 400
    assert not AuditEntry.objects.filter(action="export").exists()


def test_the_list_links_carry_the_filters(director, world):
    world.complaint()
    body = director.get("/complaints/", {"severity": "general", "q": "异响"}).content.decode()
    assert "/complaints/export.xlsx?severity=general&amp;q=" in body
    assert "/complaints/print/register/?severity=general&amp;q=" in body


def test_the_about_sheet_names_the_filters(director, world):
    handler = world.user(Role.HANDLER)
    response = director.get(
        "/complaints/export.xlsx",
        {"owner": handler.pk, "received_after": "2026-03-01", "severity": "major"},
    )
    about = {r[0]: r[1] for r in workbook(response).worksheets[1].iter_rows(values_only=True)}
    values = [str(v) for v in about.values()]
    assert str(handler) in values
    assert "2026-03-01" in values
    assert str(world.user(Role.DIRECTOR)) in values  # exported by


# Every field a director needs to rebuild the monthly report by hand.


def _do(move: str, complaint, actor, **kwargs):
    tick_required(Complaint.objects.get(pk=complaint.pk), move, actor)
    return getattr(workflow, f"complaint_{move}")(complaint_id=complaint.pk, actor=actor, **kwargs)


def _excel_time(moment):
    """What a stored moment reads as in the workbook: local wall-clock time, to the second."""
    return timezone.localtime(moment).replace(tzinfo=None, microsecond=0)


def _same_time(cell, moment) -> bool:
    return isinstance(cell, datetime) and abs(cell - _excel_time(moment)) < timedelta(seconds=1)


@pytest.fixture
def handled(world, monkeypatch):
    """A complaint the manufacturer forwarded about a vehicle taken through the whole procedure: routed, re-graded,
    compensated with approval, reopened once, verified by a callback with a questionnaire,
    learnt from and closed; and a duplicate merged into it."""
    F, H, G, D, C = (
        world.user(r)
        for r in (Role.FRONTLINE, Role.HANDLER, Role.GENERAL_MANAGER, Role.DIRECTOR, Role.CALLBACK)
    )
    CompensationLimit.objects.update_or_create(
        organisation=world.org, role=Role.HANDLER, defaults={"max_amount": Decimal("1000")}
    )
    engine = Category.objects.filter(organisation=world.org, parent__isnull=False).first()
    customer = CustomerFactory(organisation=world.org, phone="+8613812345678")
    purchase = PurchaseFactory(
        customer=customer, product="朗逸 2024款", vin="LSVAA4182E2123456", plate_number="沪A12345"
    )
    c = world.complaint(
        customer=customer,
        purchase=purchase,
        channel="manufacturer",
        channel_detail="厂家400热线转办",
        third_party_reference="GD-2026-0042",
        title="发动机异响",
        demand="repair",
        demand_detail="要求更换发动机",
        category=engine,
        cause="product_quality",
        staff_involved="王师傅 机修",
        promise_made_by="李顾问",
    )
    assert c.routed_by is not None  # the default rules route it by its category
    _do("override_severity", c, F, severity="major", reason="涉及安全", is_crisis=True)
    _do("confirm", c, F, method="signature")
    _do("hand_over", c, F, to_user=H)
    duplicate = world.complaint(customer=customer, title="发动机又响了")
    _do("merge", duplicate, F, into_id=c.pk)
    _do("start_investigation", c, H)
    _do("propose_solution", c, H, solution="更换张紧器")
    _do("accept_solution", c, F)
    _do("resolve", c, H, result="已更换")
    _do("reopen", c, C, reason="异响复现")
    _do(
        "propose_solution",
        c,
        H,
        solution="更换发动机总成并补偿",
        resolvability="short_term",
        compensation_type="cash",
        compensation_amount=Decimal("3000.50"),
        solution_due_on=timezone.localdate() + timedelta(days=3),
    )
    _do("approve_compensation", c, G)
    _do("accept_solution", c, F)
    _do("resolve", c, H, result="已更换总成")
    task = CallbackTask.objects.filter(complaint=c, status=TaskStatus.OPEN).get()
    task_record_outcome(
        task_id=task.pk,
        actor=D,
        satisfaction="satisfied",
        score=4,
        answers={"result": "4", "staff": "5", "nps": "9"},
    )
    _do(
        "record_root_cause",
        c,
        D,
        root_cause="张紧器批次缺陷",
        corrective_action="召回同批次张紧器",
        preventive_action="保养时检查张紧器",
        responsibility="internal",
    )
    _do("close", c, D, summary="已修复并回访，客户满意")
    verification_day_come(monkeypatch, c)
    _do("verify_prevention", c, D, verification="三个月内无同类投诉")
    return Complaint.objects.get(pk=c.pk), Complaint.objects.get(pk=duplicate.pk)


def _row_of(response, number):
    wb = workbook(response)
    header, rows = rows_of(wb)
    (row,) = [r for r in rows if r[0] == number]
    return header, dict(zip(header, row, strict=True)), wb


def test_the_export_carries_every_field_of_a_handled_complaint(director, world, handled):
    c, duplicate = handled
    header, row, _ = _row_of(director.get("/complaints/export.xlsx"), c.number)
    assert row["Kind"] == "Complaint"
    assert row["Channel"] == "Manufacturer hotline" and row["Channel detail"] == "厂家400热线转办"
    assert row["Third party's reference"] == "GD-2026-0042"
    assert (
        row["Handling department"] == world.service.name and row["Routing rule"] == c.routed_by.name
    )
    assert row["Phone"] == "138 1234 5678"  # a director sees it whole
    assert (row["Product or model"], row["VIN"], row["Plate number"]) == (
        "朗逸 2024款",
        "LSVAA4182E2123456",
        "沪A12345",
    )
    assert row["Demand"] == "Repair" and row["Demand detail"] == "要求更换发动机"
    # The category by its whole path, in the user's language where it has one.
    parent = c.category.parent
    assert (
        row["Category"]
        == f"{parent.name_en or parent.name} › {c.category.name_en or c.category.name}"
    )
    assert row["Cause class"] == "Product quality" and row["Responsibility"] == "Internal"
    assert (row["Suggested severity"], row["Severity"], row["Severity changed"]) == (
        "Medium",
        "Major",
        "Yes",
    )
    assert row["Reason for changing the severity"] == "涉及安全" and row["Crisis"] == "Yes"
    assert row["State"] == "Closed" and row["Escalation level"] == c.get_escalation_level_display()
    assert row["Owner"] == str(c.owner) and row["Registered by"] == str(world.user(Role.FRONTLINE))
    assert row["Staff member involved"] == "王师傅 机修" and row["Promise made by"] == "李顾问"
    assert row["Confirmation"] == "Signature"
    assert row["Solution"] == "更换发动机总成并补偿"
    assert row["Resolvability"] == "Can be solved in the short term"
    # Money is a number Excel can add up; the approver and the time of the approval with it.
    assert row["Compensation type"] == "Cash" and row["Compensation amount (yuan)"] == 3000.5
    assert row["Compensation approved by"] == str(world.user(Role.GENERAL_MANAGER))
    assert _same_time(row["Compensation approved at"], c.compensation_approved_at)
    assert isinstance(row["Solution to be done by"], datetime)  # a date cell
    assert row["Satisfaction"] == "Satisfied"
    assert row["Callback score (1–5)"] == 4 and row["NPS (0–10)"] == 9
    assert (row["Root cause"], row["Corrective action"], row["Preventive action"]) == (
        "张紧器批次缺陷",
        "召回同批次张紧器",
        "保养时检查张紧器",
    )
    assert row["Verification of the preventive action"] == "三个月内无同类投诉"
    assert row["Preventive action verified by"] == str(world.user(Role.DIRECTOR))
    assert _same_time(row["Preventive action verified at"], c.preventive_verified_at)
    assert row["Closing reason"] == c.get_close_reason_display() and row["Closing reason"]
    assert row["Times reopened"] == 1
    for header_, moment in [
        ("Received at", c.received_at),
        ("Confirmed at", c.confirmed_at),
        ("Resolved at", c.resolved_at),
        ("Closed at", c.closed_at),
        ("Resolution due", c.due_at),
    ]:
        assert _same_time(row[header_], moment), header_

    # Each milestone's due and met time: its latest round, empty where that was cancelled.
    latest = {
        m.kind: m for m in ComplaintMilestone.objects.filter(complaint=c).order_by("round", "id")
    }
    assert latest["resolution"].round == 2  # the reopening started a new round
    for kind, label in MilestoneKind.choices:
        milestone = latest.get(kind)
        if milestone is not None and milestone.status == MilestoneStatus.CANCELLED:
            milestone = None
        for title, moment in [
            (f"{label}: due by", milestone.due_at if milestone else None),
            (f"{label}: met at", milestone.met_at if milestone else None),
        ]:
            assert _same_time(row[title], moment) if moment else row[title] is None, title
    assert _same_time(row["First contact: met at"], latest["first_contact"].met_at)
    assert _same_time(row["Resolution: met at"], c.resolved_at)

    _, merged, _ = _row_of(director.get("/complaints/export.xlsx"), duplicate.number)
    assert merged["Merged into"] == c.number and merged["State"] == duplicate.get_state_display()
    assert merged["Callback score (1–5)"] is None and merged["Times reopened"] == 0


def test_the_headers_and_labels_are_in_chinese_too(director, world, handled):
    c, _ = handled
    response = director.get("/complaints/export.xlsx", HTTP_ACCEPT_LANGUAGE="zh-hans")
    header, row, wb = _row_of(response, c.number)
    for title in [
        "编号",
        "类型",
        "受理时间",
        "诉求",
        "诉求说明",
        "原因类别",
        "处理部门",
        "解决方案",
        "补偿方式",
        "补偿金额（元）",
        "补偿审批人",
        "满意度",
        "回访评分（1–5）",
        "净推荐值 NPS（0–10）",
        "根本原因",
        "纠正措施",
        "预防措施",
        "首次联系：截止时间",
        "解决：完成时间",
        "已合并到",
    ]:
        assert title in header, title
    assert row["类型"] == "投诉" and row["危机"] == "是" and row["严重程度已修改"] == "是"
    assert row["补偿方式"] == "现金" and row["满意度"] == "满意"
    assert row["类别"] == f"{c.category.parent.name} › {c.category.name}"
    assert wb.sheetnames[0] == "投诉"


def test_a_handler_gets_the_new_columns_with_a_masked_phone(client, world, handled):
    c, _ = handled
    client.force_login(world.user(Role.HANDLER))
    _, row, _ = _row_of(client.get("/complaints/export.xlsx"), c.number)
    assert row["Phone"] == "138****5678"
    assert row["NPS (0–10)"] == 9


def _export_queries(director) -> tuple[int, int]:
    with CaptureQueriesContext(connection) as queries:
        response = director.get("/complaints/export.xlsx")
        _, rows = rows_of(workbook(response))
    return len(queries), len(rows)


def _complaints(world, n: int) -> None:
    category = Category.objects.filter(organisation=world.org, parent__isnull=False).first()
    for i in range(n):
        customer = CustomerFactory(organisation=world.org)
        complaint = world.complaint(
            customer=customer,
            purchase=PurchaseFactory(customer=customer),
            category=category,
            title=f"第{i}号投诉",
            received_at=timezone.now(),
        )
        workflow.complaint_confirm(
            complaint_id=complaint.pk, actor=world.user(Role.FRONTLINE), method="signature"
        )


def test_export_query_count_does_not_grow_with_the_rows(director, world):
    _complaints(world, 30)
    thirty, rows = _export_queries(director)
    assert rows == 30
    _complaints(world, 30)
    sixty, rows = _export_queries(director)
    assert rows == 60
    assert sixty == thirty
    assert thirty <= 12, thirty


def test_rows_and_their_milestones_stay_together_across_chunks(director, world, monkeypatch):
    monkeypatch.setattr(exports, "CHUNK", 4)
    made = [world.complaint(title=f"第{i}号投诉") for i in range(10)]
    header, rows = rows_of(workbook(director.get("/complaints/export.xlsx")))
    assert [r[0] for r in rows] == [c.number for c in reversed(made)]
    due = header.index("First contact: due by")
    for complaint, row in zip(reversed(made), rows, strict=True):
        milestone = ComplaintMilestone.objects.get(complaint=complaint, kind="first_contact")
        assert _same_time(row[due], milestone.due_at)


def test_the_cap_still_holds_across_chunks(director, world, monkeypatch):
    monkeypatch.setattr(exports, "EXPORT_CAP", 5)
    monkeypatch.setattr(exports, "CHUNK", 2)
    made = [world.complaint() for _ in range(7)]
    _, rows = rows_of(workbook(director.get("/complaints/export.xlsx")))
    assert [r[0] for r in rows[:-1]] == [c.number for c in reversed(made)][:5]
    assert "5" in rows[-1][0] and rows[-1][1] is None
    entry = AuditEntry.objects.get(action="export")
    assert entry.data["rows"] == 5 and entry.data["capped"] is True


def test_the_complaints_as_one_sheet_of_another_workbook(world):
    """The monthly report's workbook writes its raw data with the export's own sheet."""
    made = [world.complaint(title=f"第{i}号投诉") for i in range(3)]
    user = world.user(Role.DIRECTOR)
    out = io.BytesIO()
    with xlsx.Workbook(out, zone=timezone.get_current_timezone()) as book:
        book.add_sheet("Summary").write_row(["Complaints", 3], [xlsx.bold, xlsx.integer])
        rows, capped = exports.write_complaints_sheet(
            book, user, Complaint.objects.all(), cap=2, title="Raw data"
        )
    assert (rows, capped) == (2, True)
    wb = load_workbook(io.BytesIO(out.getvalue()))
    assert wb.sheetnames == ["Summary", "Raw data"]
    ws = wb["Raw data"]
    header, *lines = list(ws.iter_rows(values_only=True))
    assert list(header) == [c.title for c in exports.export_layout(user).columns]
    assert [line[0] for line in lines[:2]] == [c.number for c in reversed(made)][:2]
    assert lines[2][0] == exports.cap_note(2)
    assert ws.freeze_panes == "A2" and ws["A1"].font.b
    assert ws.column_dimensions["A"].width == 18
    received = header.index("Received at")
    assert ws.cell(row=2, column=received + 1).number_format == xlsx.DATETIME_FORMAT


def test_an_uncapped_sheet_has_no_note(world):
    world.complaint()
    out = io.BytesIO()
    with xlsx.Workbook(out) as book:
        rows, capped = exports.write_complaints_sheet(
            book, world.user(Role.DIRECTOR), Complaint.objects.all()
        )
    assert (rows, capped) == (1, False)
    wb = load_workbook(io.BytesIO(out.getvalue()))
    assert wb.sheetnames == ["Complaints"] and wb.worksheets[0].max_row == 2


def test_money_and_the_about_sheet_keep_their_formats(director, world, handled):
    c, _ = handled
    wb = workbook(director.get("/complaints/export.xlsx"))
    ws = wb.worksheets[0]
    header = [cell.value for cell in ws[1]]
    (row,) = [r for r in ws.iter_rows(min_row=2) if r[0].value == c.number]
    money = row[header.index("Compensation amount (yuan)")]
    assert money.data_type == "n" and money.number_format == exports.MONEY_FORMAT
    assert row[header.index("Solution to be done by")].number_format == exports.DATE_FORMAT
    assert row[header.index("Times reopened")].data_type == "n"
    about = wb.worksheets[1]
    assert about["A1"].font.b and about["B1"].alignment.wrap_text
    assert about["B2"].number_format == exports.DATETIME_FORMAT
    assert abs(about["B2"].value - timezone.localtime().replace(tzinfo=None)) < timedelta(minutes=5)
