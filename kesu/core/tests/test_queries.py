"""IdIn: a long list of ids as one condition, the same rows as `__in`."""

from kesu.complaints.models import Complaint
from kesu.core.queries import IdIn


def test_the_same_rows_as_in(world):
    made = [world.complaint() for _ in range(3)]
    wanted = [made[0].pk, made[2].pk]
    found = Complaint.objects.filter(IdIn("id", wanted)).order_by("id")
    assert list(found.values_list("id", flat=True)) == sorted(wanted)
    assert list(found) == list(Complaint.objects.filter(id__in=wanted).order_by("id"))
    # Beside other conditions, and through a relation.
    assert not Complaint.objects.filter(IdIn("id", wanted), title="no such title").exists()
    assert Complaint.objects.filter(IdIn("branch_id", [made[0].branch_id])).count() == 3


def test_no_ids_find_nothing(world):
    world.complaint()
    assert not Complaint.objects.filter(IdIn("id", [])).exists()


def test_ids_are_integers():
    condition = IdIn("id", ["7", 8])
    assert condition.ids == [7, 8]
    assert "2 ids" in repr(condition)


class _Compiler:
    def compile(self, node):
        return '"complaints_complaint"."id"', []


class _PostgreSQL:
    vendor = "postgresql"


def test_postgresql_gets_the_ids_as_one_array():
    sql, params = IdIn("id", [3, 4, 5]).as_sql(_Compiler(), _PostgreSQL())
    assert sql == '"complaints_complaint"."id" = ANY(%s)'
    assert params == [[3, 4, 5]]
