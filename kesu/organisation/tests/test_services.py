"""kesu/organisation/services.py: how much compensation a role may grant on its own."""

from decimal import Decimal

import pytest

from kesu.organisation.choices import Role
from kesu.organisation.models import CompensationLimit
from kesu.organisation.services import (
    DEFAULT_COMPENSATION_LIMITS,
    compensation_limit_for,
    may_grant,
)

pytestmark = pytest.mark.django_db


@pytest.fixture
def unconfigured(world):
    CompensationLimit.objects.filter(organisation=world.org).delete()
    return world


def test_without_a_configured_limit_the_default_of_the_role_applies(unconfigured):
    for role, default in DEFAULT_COMPENSATION_LIMITS.items():
        assert compensation_limit_for(unconfigured.user(role)) == default


def test_the_organisations_own_limit_wins(unconfigured):
    CompensationLimit.objects.create(
        organisation=unconfigured.org, role=Role.HANDLER, max_amount=Decimal("500")
    )
    handler = unconfigured.user(Role.HANDLER)
    assert compensation_limit_for(handler) == Decimal("500")
    assert may_grant(handler, Decimal("500"))
    assert not may_grant(handler, Decimal("500.01"))


def test_a_configured_empty_limit_means_no_limit(unconfigured):
    CompensationLimit.objects.create(
        organisation=unconfigured.org, role=Role.FRONTLINE, max_amount=None
    )
    assert may_grant(unconfigured.user(Role.FRONTLINE), Decimal("1000000"))


def test_nothing_or_zero_may_always_be_granted(unconfigured):
    frontline = unconfigured.user(Role.FRONTLINE)
    assert may_grant(frontline, None)
    assert may_grant(frontline, Decimal("0"))
    assert not may_grant(frontline, Decimal("0.01"))


def test_no_limit_by_default_for_the_general_manager(unconfigured):
    assert may_grant(unconfigured.user(Role.GENERAL_MANAGER), Decimal("99999999"))
