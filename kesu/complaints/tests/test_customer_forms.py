"""kesu/complaints/customer_forms.py: the customer's form refuses bad input in Kesu's words."""

from datetime import date, timedelta

import pytest

from kesu.complaints.customer_forms import CONTACT_FIELDS, CustomerForm
from kesu.customers.models import Customer

GOOD = {"name": "张伟", "phone": "138 1234 5678", "birthday": "1990-03-07"}


def test_a_good_form_normalises_the_phone():
    form = CustomerForm(GOOD, sees_contact_data=True)
    assert form.is_valid(), form.errors
    assert form.cleaned_data["phone"] == "+8613812345678"
    assert form.cleaned_data["birthday"] == date(1990, 3, 7)


def test_roles_that_see_contact_data_masked_get_no_contact_fields():
    form = CustomerForm({"name": "张伟", "phone": "nonsense"}, sees_contact_data=False)
    assert form.is_valid(), form.errors
    assert not set(CONTACT_FIELDS) & set(form.cleaned_data)


@pytest.mark.parametrize(
    ("changes", "field"),
    [
        ({"birthday": "1899-12-31"}, "birthday"),
        ({"birthday": (date.today() + timedelta(days=1)).isoformat()}, "birthday"),
        ({"founded_on": "2026-13-01"}, "founded_on"),
        ({"phone": "+86 12"}, "phone"),
        ({"name": "x" * 101}, "name"),
        ({"wechat_id": "w" * 65}, "wechat_id"),
        ({"preferred_channel": "pigeon"}, "preferred_channel"),
    ],
)
def test_bad_input_is_a_field_error(changes, field):
    form = CustomerForm(GOOD | changes, sees_contact_data=True)
    assert not form.is_valid()
    assert list(form.errors) == [field]


@pytest.mark.django_db
def test_the_initial_values_are_the_customers(world):
    customer = Customer.objects.create(
        organisation=world.org, name="张伟", phone="+8613812345678", tier="gold"
    )
    initial = CustomerForm.initial_for(customer)
    assert initial["phone"] == "+8613812345678" and initial["tier"] == "gold"
    assert "birthday" not in initial


def test_a_key_persons_phone_is_optional_and_normalised():
    from kesu.complaints.customer_forms import KeyPersonForm

    form = KeyPersonForm({"name": "刘总", "phone": ""})
    assert form.is_valid() and form.cleaned_data["phone"] == ""
    form = KeyPersonForm({"name": "刘总", "phone": "138 1234 5678"})
    assert form.is_valid() and form.cleaned_data["phone"] == "+8613812345678"
    assert not KeyPersonForm({"name": "刘总", "phone": "abc"}).is_valid()
