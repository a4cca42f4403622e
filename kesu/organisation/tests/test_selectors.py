"""kesu/organisation/selectors.py: what pickers and filters offer a user."""

import pytest
from django.contrib.auth.models import AnonymousUser

from kesu.organisation.choices import Role
from kesu.organisation.selectors import (
    branches_visible_to,
    departments_visible_to,
    users_for_picker,
)
from kesu.organisation.tests.factories import BranchFactory, DepartmentFactory, UserFactory

pytestmark = pytest.mark.django_db


def test_branches_of_the_users_organisation_by_code(world):
    BranchFactory()  # another organisation's
    assert list(branches_visible_to(world.user(Role.FRONTLINE))) == [
        world.branch,
        world.other_branch,
    ]


def test_departments_of_the_organisation_by_branch_then_code(world):
    DepartmentFactory()  # another organisation's
    codes = [(d.branch.code, d.code) for d in departments_visible_to(world.user(Role.HANDLER))]
    assert codes == sorted(codes)
    assert ("east", "sales") in codes and ("west", "service") in codes
    assert all(branch in ("east", "west") for branch, _ in codes)


def test_nobody_signed_out_or_outside_an_organisation_gets_anything(world):
    for user in (AnonymousUser(), UserFactory(branch=None, organisation=None)):
        assert list(branches_visible_to(user)) == []
        assert list(departments_visible_to(user)) == []
        assert list(users_for_picker(user)) == []


def test_a_branch_user_picks_from_its_branch_and_the_organisation_wide_roles(world):
    picked = set(users_for_picker(world.user(Role.HANDLER)))
    assert set(world.users.values()) <= picked
    assert not picked & set(world.other_users.values())


def test_an_organisation_wide_user_picks_from_everyone_active(world):
    gone = world.other_users[Role.HANDLER]
    gone.is_active = False
    gone.save()
    picked = set(users_for_picker(world.user(Role.GROUP)))
    assert set(world.users.values()) <= picked
    assert set(world.other_users.values()) - {gone} <= picked
    assert gone not in picked
    assert not [u for u in picked if u.organisation_id != world.org.pk]
