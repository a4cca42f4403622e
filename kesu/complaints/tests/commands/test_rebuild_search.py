"""manage.py rebuild_search: every complaint's search pieces and timeline texts again."""

from io import StringIO

import pytest
from django.core.management import call_command

from kesu.complaints import workflow
from kesu.complaints.choices import State
from kesu.complaints.models import ChecklistRequirement, Complaint
from kesu.complaints.tests.test_search import matching
from kesu.organisation.choices import Role


@pytest.fixture(autouse=True)
def _checklist_not_required(world):
    """These tests are about search, not the checklist (test_checklist.py)."""
    ChecklistRequirement.objects.all().delete()


@pytest.fixture
def three(world):
    return [
        world.complaint(title="发动机异响", account="冷车启动时有哒哒声"),
        world.complaint(title="变速箱顿挫", account="二档升三档时明显顿挫"),
        world.complaint(title="ABS故障灯亮", account="仪表盘ABS灯常亮"),
    ]


def test_rebuild_command(three):
    Complaint.objects.update(search_grams="")
    call_command("rebuild_search")
    assert matching("顿挫") == {"变速箱顿挫"}


def test_rebuild_fills_the_pieces_and_the_timeline_texts(world):
    complaint = world.complaint(title="空调异味")
    Complaint.objects.filter(pk=complaint.pk).update(state=State.VERIFIED)
    workflow.complaint_close(
        complaint_id=complaint.pk, actor=world.user(Role.DIRECTOR), summary="总结滤芯更换"
    )
    workflow.complaint_record_root_cause(
        complaint_id=complaint.pk, actor=world.user(Role.DIRECTOR), root_cause="滤芯过期"
    )
    Complaint.objects.update(search_grams="", search_notes="")
    assert matching("滤芯") == set()
    call_command("rebuild_search", "--batch-size", "1")
    assert matching("滤芯更换") == matching("滤芯过期") == {"空调异味"}
    assert "总结滤芯更换" in Complaint.objects.get(pk=complaint.pk).search_notes


def test_it_says_how_many_it_indexed_and_reports_progress_when_asked(three):
    out = StringIO()
    call_command("rebuild_search", stdout=out)
    assert out.getvalue() == "3 complaints indexed for search.\n"
    out = StringIO()
    call_command("rebuild_search", "--batch-size", "2", verbosity=2, stdout=out)
    assert out.getvalue().splitlines() == ["  2 …", "  3 …", "3 complaints indexed for search."]


def test_only_missing_leaves_the_indexed_ones_alone(three):
    Complaint.objects.filter(pk=three[0].pk).update(search_grams="")
    Complaint.objects.filter(pk=three[1].pk).update(search_grams="stale")
    out = StringIO()
    call_command("rebuild_search", "--only-missing", stdout=out)
    assert out.getvalue() == "1 complaints indexed for search.\n"
    assert matching("异响") == {"发动机异响"}
    assert Complaint.objects.get(pk=three[1].pk).search_grams == "stale"


def test_the_rebuilt_pieces_are_those_a_save_writes(three):
    before = dict(Complaint.objects.values_list("pk", "search_grams"))
    Complaint.objects.update(search_grams="", search_notes="")
    call_command("rebuild_search", stdout=StringIO())
    assert dict(Complaint.objects.values_list("pk", "search_grams")) == before


def test_an_empty_database_indexes_nothing(db):
    out = StringIO()
    call_command("rebuild_search", stdout=out)
    assert out.getvalue() == "0 complaints indexed for search.\n"
