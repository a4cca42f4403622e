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


def test_contact_data_is_full_for_roles_that_call_and_masked_for_the_others(world):
    from kesu.customers.selectors import contact_as_seen, customer_contact

    customer = CustomerFactory(
        organisation=world.org,
        phone="+8613812345678",
        email="zhang.wei@example.cn",
        wechat_id="zhangwei88",
        id_number="110101199003071234",
    )
    full = customer_contact(world.user(Role.CALLBACK), customer)
    assert (full.phone, full.email, full.masked) == (
        "+8613812345678",
        "zhang.wei@example.cn",
        False,
    )
    for role in [Role.HANDLER, Role.GROUP, Role.ADMIN]:
        seen = customer_contact(world.user(role), customer)
        assert seen.masked
        assert seen.phone == "138****5678"
        assert seen.email == "z*******i@example.cn"
        assert seen.wechat_id == "z********8"
        assert seen.id_number == "1****************4"
    assert contact_as_seen(world.user(Role.HANDLER), "") == ""


def test_key_persons_come_with_their_contact_data_as_seen(world):
    from kesu.customers.models import KeyPerson
    from kesu.customers.selectors import customer_key_persons

    company = CustomerFactory(organisation=world.org, is_company=True)
    KeyPerson.objects.create(customer=company, name="刘总", phone="+8613812345678")
    (row,) = customer_key_persons(world.user(Role.HANDLER), company)
    assert (row["person"].name, row["phone"]) == ("刘总", "138****5678")
    (row,) = customer_key_persons(world.user(Role.FRONTLINE), company)
    assert row["phone"] == "+8613812345678"


def test_the_history_holds_the_customers_changes_and_the_purchases_the_user_sees(world):
    from kesu.customers.selectors import customer_history
    from kesu.customers.services import customer_update, purchase_create

    frontline = world.user(Role.FRONTLINE)
    customer = CustomerFactory(organisation=world.org, branch=world.branch)
    other = CustomerFactory(organisation=world.org, branch=world.branch)
    customer_update(actor=frontline, customer=customer, tier="gold")
    customer_update(actor=frontline, customer=other, tier="gold")
    purchase_create(actor=frontline, customer=customer, kind="vehicle", branch=world.branch)
    west = world.other_users[Role.FRONTLINE]
    purchase_create(actor=west, customer=customer, kind="order", branch=world.other_branch)
    actions = [e.action for e in customer_history(frontline, customer)]
    assert actions == ["purchase_create", "customer_update"]  # newest first, not the west's
    assert len(customer_history(world.user(Role.GROUP), customer)) == 3
