"""kesu/organisation/models.py: names, and what a user's role lets them see."""

from decimal import Decimal

import pytest

from kesu.organisation.choices import Role
from kesu.organisation.models import CompensationLimit, User

pytestmark = pytest.mark.django_db


def test_organisation_branch_and_department_names(world):
    assert str(world.org) == world.org.name
    assert str(world.branch) == world.branch.name
    assert str(world.service) == f"{world.branch.name} / {world.service.name}"


def test_a_user_is_shown_by_display_name_then_full_name_then_username():
    user = User(username="wli", first_name="Wei", last_name="Li", display_name="李伟")
    assert str(user) == "李伟"
    user.display_name = ""
    assert str(user) == "Wei Li"
    user.first_name = user.last_name = ""
    assert str(user) == "wli"


@pytest.mark.parametrize(
    "role, whole, contact",
    [
        (Role.FRONTLINE, False, True),
        (Role.CALLBACK, False, True),
        (Role.HANDLER, False, False),
        (Role.DIRECTOR, False, True),
        (Role.GENERAL_MANAGER, False, True),
        (Role.GROUP, True, False),
        (Role.ADMIN, True, False),
    ],
)
def test_what_each_role_sees(role, whole, contact):
    user = User(role=role)
    assert user.sees_whole_organisation is whole
    assert user.sees_contact_data is contact


def test_a_compensation_limit_shows_its_amount_or_no_limit(world):
    CompensationLimit.objects.filter(organisation=world.org).delete()
    limit = CompensationLimit(organisation=world.org, role=Role.HANDLER, max_amount=Decimal("2000"))
    assert str(limit) == "Handling manager: 2000"
    limit.max_amount = None
    assert str(limit) == "Handling manager: ∞"
