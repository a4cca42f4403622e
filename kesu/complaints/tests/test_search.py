from datetime import date, timedelta

import pytest
from django.db import connection
from django.utils import timezone

from kesu.complaints import workflow
from kesu.complaints.choices import EscalationLevel, State
from kesu.complaints.models import Complaint
from kesu.complaints.search import complaints_matching, grams_of, number_tail, numbers_for_tail
from kesu.complaints.services import complaint_update
from kesu.organisation.choices import Role


def test_grams_are_pairs_of_chinese_and_whole_latin_words():
    assert grams_of("发动机异响 ABS灯亮") == [
        "发动",
        "动机",
        "机异",
        "异响",
        "abs",
        "ab",
        "bs",
        "灯亮",
    ]


@pytest.fixture
def three(world):
    return [
        world.complaint(title="发动机异响", account="冷车启动时有哒哒声"),
        world.complaint(title="变速箱顿挫", account="二档升三档时明显顿挫"),
        world.complaint(title="ABS故障灯亮", account="仪表盘ABS灯常亮"),
    ]


def matching(text):
    return set(complaints_matching(Complaint.objects.all(), text).values_list("title", flat=True))


def test_two_characters_find_by_index(three):
    assert matching("异响") == {"发动机异响"}
    assert matching("顿挫") == {"变速箱顿挫"}
    assert matching("abs") == {"ABS故障灯亮"}
    assert matching("冷车 哒哒") == {"发动机异响"}


def test_pairs_that_are_not_adjacent_do_not_match(three):
    # 机 and 响 both occur, but "机响" is not in any text.
    assert matching("机响") == set()


def test_one_character_still_works_by_scanning(three):
    assert matching("挫") == {"变速箱顿挫"}


def test_edits_are_reindexed(world, three):
    first = three[0]
    complaint_update(
        complaint_id=first.pk,
        actor=world.user(Role.FRONTLINE),
        expected_version=first.version,
        changes={"title": "天窗漏水"},
    )
    assert matching("漏水") == {"天窗漏水"}
    assert matching("异响") == set()


@pytest.mark.skipif(connection.vendor != "postgresql", reason="GIN index is PostgreSQL only")
def test_search_uses_the_gin_index(three):
    with connection.cursor() as cursor:
        # Tiny tables make any plan cheap: rule out the plans that read the whole table.
        cursor.execute("SET enable_seqscan = off")
        cursor.execute("SET enable_indexscan = off")
        sql, params = complaints_matching(Complaint.objects.all(), "异响").query.sql_with_params()
        cursor.execute("EXPLAIN " + sql, params)
        plan = "\n".join(row[0] for row in cursor.fetchall())
        cursor.execute("RESET enable_seqscan")
        cursor.execute("RESET enable_indexscan")
    assert "complaint_search_grams_gin" in plan


# ---- What the procedure records is searched too (issue 8) -----------------------------------

# A move, the state it starts from, who makes it, and a text it records with a word in it
# that no other complaint holds.
MOVE_TEXTS = [
    ("propose_solution", State.INVESTIGATING, Role.HANDLER, {"solution": "更换张紧轮总成"}),
    ("reject_compensation", State.AWAITING_APPROVAL, Role.DIRECTOR, {"reason": "金额超出标准"}),
    ("decline_solution", State.SOLUTION_PROPOSED, Role.FRONTLINE, {"reason": "客户要求退车"}),
    ("resolve", State.IN_PROGRESS, Role.HANDLER, {"result": "已更换节气门"}),
    ("close", State.VERIFIED, Role.DIRECTOR, {"summary": "案例总结雨刮器"}),
    ("reopen", State.CLOSED, Role.DIRECTOR, {"reason": "异响再次出现"}),
    ("park", State.INVESTIGATING, Role.HANDLER, {"reason": "等待厂家配件"}),
    ("withdraw", State.REGISTERED, Role.FRONTLINE, {"reason": "客户自行撤诉"}),
    ("escalate", State.INVESTIGATING, Role.HANDLER, {"reason": "需要集团协调"}),
    ("set_deadline", State.INVESTIGATING, Role.DIRECTOR, {"reason": "客户同意延期"}),
    ("override_severity", State.REGISTERED, Role.FRONTLINE, {"reason": "涉及人身安全"}),
    ("record_root_cause", State.INVESTIGATING, Role.HANDLER, {"root_cause": "张紧器批次缺陷"}),
    (
        "record_root_cause",
        State.INVESTIGATING,
        Role.HANDLER,
        {"corrective_action": "召回同批次", "preventive_action": "入库抽检"},
    ),
    ("verify_prevention", State.CLOSED, Role.DIRECTOR, {"verification": "三个月无复发"}),
]


def _extra_args(name: str) -> dict:
    tomorrow = timezone.localdate() + timedelta(days=1)
    return {
        "park": {"follow_up_on": tomorrow},
        "escalate": {"level": EscalationLevel.GROUP},
        "set_deadline": {"due_at": timezone.now() + timedelta(days=5)},
        "override_severity": {"severity": "major"},
    }.get(name, {})


@pytest.mark.parametrize("name,state,role,texts", MOVE_TEXTS)
def test_every_text_a_move_records_is_searched(world, name, state, role, texts):
    complaint = world.complaint(title="仪表盘异常", account="客户来电")
    Complaint.objects.filter(pk=complaint.pk).update(
        state=state, compensation_type="cash", preventive_action="保养时检查"
    )
    move = getattr(workflow, f"complaint_{name}")
    move(complaint_id=complaint.pk, actor=world.user(role), **texts, **_extra_args(name))
    for text in texts.values():
        assert set(complaints_matching(Complaint.objects.all(), text)) == {complaint}, text
        # Also by its last two characters alone, through the pieces.
        assert complaint in complaints_matching(Complaint.objects.all(), text[-2:])


def test_a_later_edit_keeps_the_case_summary_searchable(world):
    complaint = world.complaint()
    Complaint.objects.filter(pk=complaint.pk).update(state=State.VERIFIED)
    workflow.complaint_close(
        complaint_id=complaint.pk, actor=world.user(Role.DIRECTOR), summary="总结刹车片"
    )
    workflow.complaint_record_root_cause(
        complaint_id=complaint.pk, actor=world.user(Role.DIRECTOR), root_cause="来料不良"
    )
    assert matching("刹车片") == matching("来料不良") == {complaint.title}


def test_close_codes_are_not_words(world):
    complaint = world.complaint()
    Complaint.objects.filter(pk=complaint.pk).update(state=State.VERIFIED)
    closed = workflow.complaint_close(
        complaint_id=complaint.pk, actor=world.user(Role.DIRECTOR), summary="已处理"
    )
    assert closed.close_reason == "completed"
    assert "completed" not in closed.search_grams.split()


# ---- A number's tail --------------------------------------------------------------------------


def test_number_tails():
    assert number_tail("000006") == (None, 6)
    assert number_tail("006") == (None, 6)
    assert number_tail(" 2026-000123 ") == (2026, 123)
    for text in ["06", "1234567", "abc", "2026-06", "138 1234 5678", "KS-2026-000006"]:
        assert number_tail(text) is None, text
    today = date(2026, 1, 3)
    assert numbers_for_tail("123", "KS", today) == ["KS-2026-000123", "KS-2025-000123"]
    assert numbers_for_tail("2024-000123", "KS", today) == ["KS-2024-000123"]


def test_a_tail_finds_this_years_and_last_years_numbers(world, client):
    now = timezone.localtime()
    last_year = now.replace(year=now.year - 1, day=min(now.day, 28))
    old = world.complaint(received_at=last_year)
    first = world.complaint()
    for _ in range(6):
        world.complaint()
    sixth = Complaint.objects.get(number__endswith=f"{now.year}-000006")
    prefix = world.org.number_prefix
    assert old.number == f"{prefix}-{now.year - 1}-000001"
    client.force_login(world.user(Role.DIRECTOR))

    def found(q):
        return {c.pk for c in client.get("/complaints/", {"q": q}).context["complaints"]}

    assert found("000006") == found("006") == {sixth.pk}
    assert found(f"{now.year}-000006") == {sixth.pk}
    assert found("000001") == {first.pk, old.pk}
    assert found(f"{now.year - 1}-000001") == {old.pk}
    assert found("999") == set()


def test_a_tail_is_looked_up_by_exact_numbers(world):
    from kesu.complaints.views import _search

    user = world.user(Role.DIRECTOR)
    sql = str(_search(Complaint.objects.all(), "000006", user).query)
    assert " IN (" in sql and "LIKE" not in sql.upper()


@pytest.fixture(autouse=True)
def _checklist_not_required(world):
    """These tests are about fields and search, not the checklist (test_checklist.py)."""
    from kesu.complaints.models import ChecklistRequirement

    ChecklistRequirement.objects.all().delete()


def test_a_third_partys_reference_is_found_whatever_it_looks_like(world, client):
    from kesu.complaints.search import reference_forms, reference_matches

    references = ["CRM-2026-0815", "123456", "13812345678", "12315A20261201"]
    cases = {ref: world.complaint(channel="12315", third_party_reference=ref) for ref in references}
    assert reference_forms(" crm-1 ") == ["crm-1", "CRM-1"]
    assert reference_matches(world.org.pk, "crm-2026-0815") == [cases["CRM-2026-0815"].pk]
    assert reference_matches(None, "CRM-2026-0815") == []
    client.force_login(world.user(Role.DIRECTOR))

    def found(q):
        return {c.pk for c in client.get("/complaints/", {"q": q}).context["complaints"]}

    # Like a full number, a number's tail, a phone number and a word: each is found.
    for ref, complaint in cases.items():
        assert found(ref) == {complaint.pk}, ref
    assert found("crm-2026-0815") == {cases["CRM-2026-0815"].pk}
    # Another branch does not find it.
    client.force_login(world.other_users[Role.DIRECTOR])
    assert found("CRM-2026-0815") == set()


def test_a_number_search_without_a_reference_keeps_its_query(world):
    from kesu.complaints.views import _search

    user = world.user(Role.DIRECTOR)
    plain = str(_search(Complaint.objects.all(), "000006", user).query)
    world.complaint(channel="manufacturer", third_party_reference="000006")
    with_reference = str(_search(Complaint.objects.all(), "000006", user).query)
    assert '"id" IN' not in plain and "OR" in with_reference


# ---- The same search over another table's pieces (the lessons) -------------------------------


def test_words_matching_searches_the_fields_named_through_the_rows_pieces(world, three):
    from kesu.complaints.search import words_matching

    qs = Complaint.objects.all()
    titles = lambda text, fields: {  # noqa: E731
        c.title for c in words_matching(qs, text, fields)
    }
    assert titles("哒哒", ["account"]) == {"发动机异响"}
    assert titles("哒哒", ["title"]) == set()  # only the fields named
    assert titles("abs 仪表", ["title", "account"]) == {"ABS故障灯亮"}
    # The pieces narrow first: a row whose pieces lack the word is not found by its text alone.
    Complaint.objects.filter(title="变速箱顿挫").update(search_grams="")
    assert titles("顿挫", ["title"]) == set()
