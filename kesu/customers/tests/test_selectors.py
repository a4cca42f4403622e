"""kesu/customers/selectors.py: which customers and purchases a user may see."""

import pytest
from django.contrib.auth.models import AnonymousUser

from kesu.core.errors import NotFound
from kesu.customers.selectors import (
    customer_get,
    customer_purchases,
    customers_by_phone,
    customers_visible_to,
    purchases_visible_to,
)
from kesu.customers.tests.factories import CustomerFactory, PurchaseFactory
from kesu.organisation.choices import Role
from kesu.organisation.tests.factories import UserFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def customers(world):
    east = CustomerFactory(organisation=world.org, branch=world.branch, name="东")
    west = CustomerFactory(organisation=world.org, branch=world.other_branch, name="西")
    return east, west


def test_a_branch_sees_its_home_customers_and_the_group_sees_all(world, customers):
    east, west = customers
    assert set(customers_visible_to(world.user(Role.FRONTLINE))) == {east}
    assert set(customers_visible_to(world.other_users[Role.FRONTLINE])) == {west}
    assert set(customers_visible_to(world.user(Role.GROUP))) == {east, west}


def test_a_branch_sees_a_customer_who_complained_there(world, customers):
    east, west = customers
    world.complaint(customer=west)  # registered by the east branch's frontline
    assert set(customers_visible_to(world.user(Role.HANDLER))) == {east, west}


def test_a_branch_sees_a_customer_who_bought_there(world, customers):
    east, west = customers
    PurchaseFactory(customer=west, branch=world.branch)
    assert west in customers_visible_to(world.user(Role.DIRECTOR))


def test_nobody_outside_the_organisation_or_signed_out_sees_anyone(world, customers):
    stranger = UserFactory(role=Role.GROUP)
    assert list(customers_visible_to(stranger)) == []
    assert list(customers_visible_to(AnonymousUser())) == []
    assert list(purchases_visible_to(AnonymousUser())) == []
    assert list(purchases_visible_to(None)) == []


def test_a_user_without_a_branch_sees_the_customers_of_their_own_cases(world, customers):
    east, _west = customers
    nobody_branch = UserFactory(
        role=Role.HANDLER, branch=None, organisation=world.org, username="floating"
    )
    assert list(customers_visible_to(nobody_branch)) == []


def test_a_branch_sees_its_own_purchases_and_unrecorded_ones_of_its_customers(world, customers):
    east, west = customers
    here = PurchaseFactory(customer=west, branch=world.branch)
    there = PurchaseFactory(customer=west, branch=world.other_branch)
    unrecorded_east = PurchaseFactory(customer=east, branch=None)
    unrecorded_west = PurchaseFactory(customer=west, branch=None)
    east_user = world.user(Role.FRONTLINE)
    assert set(purchases_visible_to(east_user)) == {here, unrecorded_east}
    assert set(purchases_visible_to(world.user(Role.GROUP))) == {
        here,
        there,
        unrecorded_east,
        unrecorded_west,
    }
    assert list(customer_purchases(east_user, west)) == [here]


def test_a_customers_purchases_are_newest_first(world, customers):
    east, _west = customers
    older = PurchaseFactory(customer=east, branch=world.branch)
    newer = PurchaseFactory(customer=east, branch=world.branch)
    assert list(customer_purchases(world.user(Role.FRONTLINE), east)) == [newer, older]


def test_the_phone_lookup_brings_only_the_purchases_the_user_may_see(world, customers):
    _east, west = customers
    here = PurchaseFactory(customer=west, branch=world.branch)
    PurchaseFactory(customer=west, branch=world.other_branch)
    (found,) = customers_by_phone(world.user(Role.FRONTLINE), west.phone)
    assert found == west
    assert list(found.purchases.all()) == [here]


def test_customer_get_finds_a_visible_customer_and_hides_the_others(world, customers):
    east, west = customers
    user = world.user(Role.FRONTLINE)
    assert customer_get(user, east.pk) == east
    for missing in (west.pk, 10**9, "abc", None):
        with pytest.raises(NotFound):
            customer_get(user, missing)
