import pytest
from django.core.exceptions import ValidationError

from kesu.audit.models import AuditEntry
from kesu.core.errors import NotAllowed
from kesu.customers.selectors import customers_by_phone
from kesu.customers.services import (
    customer_create,
    customer_update,
    key_person_create,
    purchase_create,
)
from kesu.customers.tests.factories import CustomerFactory
from kesu.organisation.choices import Role


def test_create_normalises_phone_and_records_it(world):
    actor = world.user(Role.FRONTLINE)
    customer = customer_create(actor=actor, name="张伟", phone="138 1234 5678")
    assert customer.phone == "+8613812345678"
    assert customer.branch == world.branch
    assert AuditEntry.objects.filter(action="customer_create", object_id=customer.pk).exists()


def test_lookup_by_phone_as_typed(world):
    actor = world.user(Role.FRONTLINE)
    customer = customer_create(actor=actor, name="张伟", phone="13812345678")
    assert list(customers_by_phone(actor, "+86 138-1234-5678")) == [customer]
    assert list(customers_by_phone(actor, "not a phone")) == []
    # Another branch finds nobody until the customer deals with it; the group finds them.
    assert list(customers_by_phone(world.other_users[Role.FRONTLINE], "13812345678")) == []
    assert list(customers_by_phone(world.user(Role.GROUP), "13812345678")) == [customer]


def test_invalid_phone_is_a_field_error(world):
    with pytest.raises(ValidationError) as exc:
        customer_create(actor=world.user(Role.FRONTLINE), name="张伟", phone="12345")
    assert "phone" in exc.value.error_dict


def test_update_records_the_difference(world):
    actor = world.user(Role.FRONTLINE)
    customer = customer_create(actor=actor, name="张伟", phone="13812345678")
    customer_update(actor=actor, customer=customer, tier="gold", name="张伟")
    entry = AuditEntry.objects.get(action="customer_update", object_id=customer.pk)
    assert entry.data["changes"] == {"tier": ["", "gold"]}


def test_purchases_and_key_persons(world):
    actor = world.user(Role.FRONTLINE)
    company = customer_create(actor=actor, name="顺达物流", phone="01065432100", is_company=True)
    purchase = purchase_create(
        actor=actor, customer=company, kind="vehicle", product="速腾", vin="LFV2A21K8N3000001"
    )
    assert purchase.customer == company
    person = key_person_create(
        actor=actor, customer=company, name="赵经理", title="车队经理", phone="13900001111"
    )
    assert person.phone == "+8613900001111"
    private = customer_create(actor=actor, name="李四", phone="13900002222")
    with pytest.raises(ValidationError):
        key_person_create(actor=actor, customer=private, name="x")


def test_admin_role_may_not_change_customers(world):
    with pytest.raises(NotAllowed):
        customer_create(actor=world.user(Role.ADMIN), name="张伟", phone="13812345678")


def test_the_preferred_channel_is_checked_and_recorded(world):
    from kesu.customers.services import may_change_customers

    actor = world.user(Role.CALLBACK)
    customer = CustomerFactory(organisation=world.org)
    customer_update(actor=actor, customer=customer, preferred_channel="wechat")
    entry = AuditEntry.objects.get(action="customer_update", object_id=customer.pk)
    assert entry.data == {"changes": {"preferred_channel": ["", "wechat"]}}
    with pytest.raises(ValidationError) as refused:
        customer_update(actor=actor, customer=customer, preferred_channel="fax")
    assert "preferred_channel" in refused.value.error_dict
    assert [role for role in Role.values if not may_change_customers(world.user(role))] == [
        Role.ADMIN
    ]


def test_a_purchases_sales_advisor_is_a_frontline_colleague_of_its_branch(world):
    from kesu.customers.services import purchase_create

    customer = CustomerFactory(organisation=world.org, branch=world.branch)
    actor = world.user(Role.FRONTLINE)
    for wrong in (world.other_users[Role.FRONTLINE], world.user(Role.DIRECTOR)):
        with pytest.raises(ValidationError) as exc:
            purchase_create(actor=actor, customer=customer, kind="vehicle", sales_advisor=wrong)
        assert set(exc.value.error_dict) == {"sales_advisor"}
    # The customer's branch stands in for a purchase recorded without one.
    purchase = purchase_create(actor=actor, customer=customer, kind="vehicle", sales_advisor=actor)
    assert purchase.sales_advisor == actor
