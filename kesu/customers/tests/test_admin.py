"""kesu/customers/admin.py: customers in /admin/, read only, with their purchases and people."""

import pytest
from django.urls import reverse

from kesu.customers.models import Customer, KeyPerson
from kesu.customers.tests.factories import CustomerFactory, PurchaseFactory
from kesu.organisation.choices import Role

pytestmark = pytest.mark.django_db


@pytest.fixture
def superuser_client(client, world):
    user = world.user(Role.ADMIN)
    user.is_staff = user.is_superuser = True
    user.save()
    client.force_login(user)
    return client


@pytest.fixture
def customer(world):
    customer = CustomerFactory(organisation=world.org, branch=world.branch, name="王先生")
    PurchaseFactory(customer=customer, product="朗逸", plate_number="沪A12345")
    KeyPerson.objects.create(customer=customer, name="李总", title="经理")
    return customer


def test_the_changelist_lists_customers_and_searches_the_exact_phone(superuser_client, customer):
    url = reverse("admin:customers_customer_changelist")
    response = superuser_client.get(url)
    assert response.status_code == 200
    assert "王先生" in response.content.decode()
    found = superuser_client.get(url, {"q": customer.phone}).context["cl"].result_list
    assert list(found) == [customer]
    assert (
        list(superuser_client.get(url, {"q": customer.phone[:-2]}).context["cl"].result_list) == []
    )


def test_the_change_page_shows_purchases_and_key_persons_read_only(superuser_client, customer):
    response = superuser_client.get(reverse("admin:customers_customer_change", args=[customer.pk]))
    assert response.status_code == 200
    html = response.content.decode()
    assert "沪A12345" in html and "李总" in html
    formsets = response.context["inline_admin_formsets"]
    assert len(formsets) == 2
    for formset in formsets:
        assert not formset.has_add_permission
        assert not formset.has_change_permission


def test_customers_cannot_be_added_or_changed_here(superuser_client, customer):
    assert superuser_client.get(reverse("admin:customers_customer_add")).status_code == 403
    change = reverse("admin:customers_customer_change", args=[customer.pk])
    superuser_client.post(change, {"name": "changed"})
    assert Customer.objects.get(pk=customer.pk).name == "王先生"
