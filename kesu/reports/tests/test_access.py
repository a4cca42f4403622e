from kesu.organisation.choices import Role
from kesu.reports.access import may_read_reports


def test_those_who_answer_for_complaints_read_reports(world):
    readers = {role for role in Role.values if may_read_reports(world.user(role))}
    assert readers == {Role.HANDLER, Role.DIRECTOR, Role.GENERAL_MANAGER, Role.GROUP}
