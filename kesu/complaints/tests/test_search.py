import pytest
from django.core.management import call_command
from django.db import connection

from kesu.complaints.models import Complaint
from kesu.complaints.search import complaints_matching, grams_of
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


def test_rebuild_command(three):
    Complaint.objects.update(search_grams="")
    call_command("rebuild_search")
    assert matching("顿挫") == {"变速箱顿挫"}


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
