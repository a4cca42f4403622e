"""kesu/customers/models.py: how customers, key persons and purchases name themselves."""

import pytest

from kesu.customers.models import KeyPerson
from kesu.customers.tests.factories import CustomerFactory, PurchaseFactory

pytestmark = pytest.mark.django_db


def test_a_customer_is_named_by_its_name(world):
    assert str(CustomerFactory(organisation=world.org, name="王先生")) == "王先生"


def test_a_key_person_with_and_without_a_title(world):
    customer = CustomerFactory(organisation=world.org)
    assert str(KeyPerson(customer=customer, name="李总", title="采购经理")) == "李总 (采购经理)"
    assert str(KeyPerson(customer=customer, name="李总")) == "李总"


def test_a_purchase_is_its_product_and_plate_or_reference(world):
    customer = CustomerFactory(organisation=world.org)
    assert str(PurchaseFactory(customer=customer, product="朗逸", plate_number="沪A12345")) == (
        "朗逸 沪A12345"
    )
    assert str(PurchaseFactory(customer=customer, product="朗逸", reference="SO-1")) == "朗逸 SO-1"
    assert str(PurchaseFactory(customer=customer, product="", reference="SO-2")) == "SO-2"
