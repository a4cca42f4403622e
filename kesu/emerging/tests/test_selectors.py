import pytest

from kesu.emerging.choices import State
from kesu.emerging.selectors import (
    issue_complaints,
    issue_list,
    issues_visible_to,
    may_dismiss,
    may_read,
    may_start_crisis,
    may_start_improvement,
    open_issues_for_home,
    trend,
)
from kesu.organisation.choices import Role

pytestmark = pytest.mark.django_db


def test_who_sees_it(raised, world):
    seen = {role for role in Role.values if issues_visible_to(world.user(role)).exists()}
    assert seen == {Role.HANDLER, Role.DIRECTOR, Role.GENERAL_MANAGER, Role.GROUP, Role.ADMIN}
    assert not may_read(world.user(Role.FRONTLINE)) and not may_read(world.user(Role.CALLBACK))
    # Another branch's director does not; a handler of another department does not.
    assert not issues_visible_to(world.other_users[Role.DIRECTOR]).exists()
    handler = world.user(Role.HANDLER)
    handler.department = world.sales
    assert not issues_visible_to(handler).exists()


def test_open_first_then_the_latest(raised, world):
    director = world.user(Role.DIRECTOR)
    assert list(issue_list(director)) == [raised]
    assert list(issue_list(director, state=State.DISMISSED)) == []
    assert open_issues_for_home(director, 5) == [raised]
    assert open_issues_for_home(world.user(Role.FRONTLINE), 5) == []


def test_its_complaints_and_trend(raised, world):
    director = world.user(Role.DIRECTOR)
    assert [c.pk for c in issue_complaints(director, raised)] == [
        c.pk for c in raised.test_complaints
    ]
    days = trend(raised)
    assert sum(n for _, n in days) == 4 and len(days) == 7  # at least a week


def test_who_may_act(raised, world):
    director, handler = world.user(Role.DIRECTOR), world.user(Role.HANDLER)
    assert may_dismiss(director, raised) and may_start_crisis(director, raised)
    assert may_start_improvement(director, raised) and may_start_improvement(handler, raised)
    assert not may_dismiss(handler, raised) and not may_start_crisis(handler, raised)
    assert not may_start_crisis(world.user(Role.GROUP), raised)  # the group flags no crisis
    assert may_dismiss(world.user(Role.GROUP), raised)
    assert not may_dismiss(world.other_users[Role.DIRECTOR], raised)
    raised.state = State.DISMISSED
    assert not may_start_crisis(director, raised) and not may_start_improvement(director, raised)
