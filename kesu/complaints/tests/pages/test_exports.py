"""The complaint list as an Excel workbook: same filters as the page, scoped, masked, audited."""

import io
from datetime import datetime

import pytest
from django.utils import timezone
from openpyxl import load_workbook

from kesu.audit.models import AuditEntry
from kesu.complaints import exports
from kesu.customers.tests.factories import CustomerFactory
from kesu.organisation.choices import Role

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
    assert len(header) == len(exports.columns_for(world.user(Role.DIRECTOR)))
    assert [r[0] for r in rows] == [major.number]
    row = dict(zip(header, rows[0], strict=True))
    assert "刹车失灵" in row.values()
    assert isinstance(rows[0][1], datetime)  # received: a real date cell
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
    # Naming the other branch in the filter does not open it either.
    _, rows = rows_of(workbook(client.get("/complaints/export.xlsx", {"branch": world.branch.pk})))
    assert rows == []


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


def test_export_query_count_does_not_grow(director, world, django_assert_max_num_queries):
    for i in range(30):
        world.complaint(title=f"第{i}号投诉", received_at=timezone.now())
    with django_assert_max_num_queries(12):
        response = director.get("/complaints/export.xlsx")
    _, rows = rows_of(workbook(response))
    assert len(rows) == 30


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
