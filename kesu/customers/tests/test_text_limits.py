"""A customer's free text has a limit (customers/limits.py), in the model and in the services."""

import pytest
from django.core.exceptions import ValidationError
from django.utils import translation

from kesu.customers import limits
from kesu.customers.services import customer_create, customer_update, key_person_create
from kesu.customers.tests.factories import CustomerFactory
from kesu.organisation.choices import Role


def test_the_model_refuses_overlong_notes_with_their_length(world):
    customer = CustomerFactory(organisation=world.org, notes="注" * limits.NOTES)
    customer.full_clean()  # exactly the limit is fine
    customer.notes += "注"
    with pytest.raises(ValidationError) as refused:
        customer.full_clean()
    with translation.override("zh-hans"):
        assert refused.value.message_dict["notes"] == [
            f"请缩短到 {limits.NOTES} 个字符以内（现有 {limits.NOTES + 1} 个）。"
        ]


def test_the_services_refuse_overlong_texts_and_change_nothing(world):
    actor = world.user(Role.FRONTLINE)
    with pytest.raises(ValidationError) as refused:
        customer_create(
            actor=actor,
            name="名" * (limits.NAME + 1),
            phone="13812345678",
            notes="注" * (limits.NOTES + 1),
        )
    assert set(refused.value.message_dict) == {"name", "notes"}
    customer = customer_create(actor=actor, name="张伟", phone="13812345678", is_company=True)
    with pytest.raises(ValidationError):
        customer_update(actor=actor, customer=customer, notes="注" * (limits.NOTES + 1))
    customer.refresh_from_db()
    assert customer.notes == ""
    with pytest.raises(ValidationError) as refused:
        key_person_create(actor=actor, customer=customer, name="李", title="总" * 101)
    assert set(refused.value.message_dict) == {"title"}
    assert not customer.key_persons.exists()
