"""Intake at one branch for a phone only another branch knows: nothing shows, the case saves."""

import pytest

from kesu.complaints.models import Complaint
from kesu.complaints.tests.pages.helpers import NEW_CALL
from kesu.customers.models import Customer
from kesu.customers.tests.factories import CustomerFactory, PurchaseFactory
from kesu.organisation.choices import Role

# A known phone (of an east customer), so no customer name is typed.
INTAKE = {k: v for k, v in NEW_CALL.items() if k != "customer_name"} | {"phone": "138 1234 5678"}


@pytest.fixture
def east_customer(world):
    customer = CustomerFactory(
        organisation=world.org, branch=world.branch, name="张伟", phone="+8613812345678"
    )
    PurchaseFactory(customer=customer, branch=world.branch, plate_number="京A·D1234")
    world.complaint(customer=customer, title="保养后发动机异响")
    return customer


def test_lookup_shows_nothing_of_another_branchs_customer(client, world, east_customer):
    client.force_login(world.other_users[Role.FRONTLINE])
    body = client.get("/customers/lookup/", {"phone": "138-1234-5678"}).content.decode()
    assert "张伟" not in body and "京A·D1234" not in body and "发动机异响" not in body
    assert f'value="{east_customer.pk}"' not in body
    assert "New customer" in body


def test_lookup_at_the_home_branch_still_finds_them(client, world, east_customer):
    client.force_login(world.user(Role.FRONTLINE))
    body = client.get("/customers/lookup/", {"phone": "138-1234-5678"}).content.decode()
    assert "张伟" in body and "京A·D1234" in body


def test_lookup_shows_a_shared_customer_with_this_branchs_purchases_only(
    client, world, east_customer
):
    PurchaseFactory(customer=east_customer, branch=world.other_branch, plate_number="京B·12345")
    client.force_login(world.other_users[Role.FRONTLINE])
    body = client.get("/customers/lookup/", {"phone": "138-1234-5678"}).content.decode()
    assert "张伟" in body and "京B·12345" in body
    assert "京A·D1234" not in body and "发动机异响" not in body


def test_registering_that_phone_at_another_branch_makes_a_customer_there(
    client, world, east_customer
):
    client.force_login(world.other_users[Role.FRONTLINE])
    # Without a name it asks for one: the east record does not count as "known" here.
    response = client.post("/complaints/new/", INTAKE)
    assert response.status_code == 400
    assert "enter their name" in response.content.decode()
    # A crafted id of the east customer or its purchase is not taken either.
    east_purchase = east_customer.purchases.get()
    response = client.post(
        "/complaints/new/",
        INTAKE
        | {"customer_name": "张先生", "customer": east_customer.pk, "purchase": east_purchase.pk},
    )
    assert response.status_code == 302, response.content.decode()[:2000]
    complaint = Complaint.objects.get(title="空调不制冷")
    assert complaint.branch == world.other_branch
    assert complaint.purchase is None
    customer = complaint.customer
    assert customer != east_customer
    assert (customer.name, customer.phone, customer.branch) == (
        "张先生",
        "+8613812345678",
        world.other_branch,
    )
    page = client.get(f"/complaints/{complaint.pk}/").content.decode()
    assert "张先生" in page and "张伟" not in page
    east_customer.refresh_from_db()
    assert east_customer.name == "张伟"
    assert Customer.objects.filter(phone="+8613812345678").count() == 2


@pytest.mark.parametrize(
    ("role", "shown", "hidden"),
    [(Role.FRONTLINE, "5678", "****"), (Role.HANDLER, "138****5678", "13812345678")],
)
def test_complaint_page_of_a_shared_customer_masks_by_role(
    client, world, east_customer, role, shown, hidden
):
    complaint = world.complaint(actor=world.other_users[Role.FRONTLINE], customer=east_customer)
    client.force_login(world.other_users[role])
    body = client.get(f"/complaints/{complaint.pk}/").content.decode()
    assert "张伟" in body and shown in body
    assert hidden not in body.split("张伟", 1)[1].split("</dd>", 1)[0]
    assert "发动机异响" not in body  # the east branch's complaint of the same customer


def test_an_empty_note_or_upload_to_another_branchs_complaint_is_404(client, world):
    complaint = world.complaint()
    client.force_login(world.other_users["frontline"])
    assert client.post(f"/complaints/{complaint.pk}/notes/", {"text": ""}).status_code == 404
    assert client.post(f"/complaints/{complaint.pk}/files/", {}).status_code == 404
