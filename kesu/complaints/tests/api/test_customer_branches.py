"""Customers are seen by the branches that deal with them, each branch its own purchases.

A branch user sees a customer whose home branch is theirs, or who complained or bought at
their branch; the group and admins see every customer. Another branch's customer is "not
found" everywhere (list, lookup, detail, purchases, key persons, references in complaints).
"""

import pytest

from kesu.complaints.models import Complaint
from kesu.complaints.tests.api.helpers import complaint_url, error_of
from kesu.customers.models import KeyPerson
from kesu.customers.tests.factories import CustomerFactory, PurchaseFactory
from kesu.organisation.choices import Role

BRANCH_ROLES = [Role.FRONTLINE, Role.CALLBACK, Role.HANDLER, Role.DIRECTOR, Role.GENERAL_MANAGER]


@pytest.fixture
def east_customer(world):
    customer = CustomerFactory(
        organisation=world.org,
        branch=world.branch,
        name="张伟",
        phone="+8613812345678",
        email="zhangwei@example.com",
        id_number="110101199003071234",
        is_company=True,
    )
    PurchaseFactory(customer=customer, branch=world.branch, plate_number="京A·D1234")
    KeyPerson.objects.create(customer=customer, name="赵总", phone="+8613800001111")
    return customer


def _urls(customer) -> list[str]:
    base = f"/api/v1/customers/{customer.pk}/"
    return [base, f"{base}purchases/", f"{base}key-persons/"]


def _listed(client, **params) -> set[int]:
    return {row["id"] for row in client.get("/api/v1/customers/", params).json()["results"]}


@pytest.mark.parametrize("role", BRANCH_ROLES)
def test_another_branch_does_not_see_the_customer(world, api, east_customer, role):
    client = api(user=world.other_users[role])
    assert east_customer.pk not in _listed(client)
    assert _listed(client, phone="138 1234 5678") == set()
    for url in _urls(east_customer):
        response = client.get(url)
        assert response.status_code == 404, url
        assert error_of(response)["code"] == "not_found"
    for url, body in [
        (_urls(east_customer)[0], {"name": "改名"}),
        (_urls(east_customer)[1], {"kind": "service"}),
        (_urls(east_customer)[2], {"name": "钱总"}),
    ]:
        assert client.patch(url, body).status_code in (404, 405)
        assert client.post(url, body).status_code in (404, 405)
    east_customer.refresh_from_db()
    assert east_customer.name == "张伟"
    assert east_customer.purchases.count() == 1


@pytest.mark.parametrize("role", BRANCH_ROLES)
def test_own_branch_sees_the_customer(world, api, east_customer, role):
    client = api(role)
    assert east_customer.pk in _listed(client)
    assert _listed(client, phone="138 1234 5678") == {east_customer.pk}
    for url in _urls(east_customer):
        assert client.get(url).status_code == 200, url


@pytest.mark.parametrize("role", [Role.GROUP, Role.ADMIN])
def test_group_and_admin_see_every_customer(world, api, east_customer, role):
    west = CustomerFactory(organisation=world.org, branch=world.other_branch)
    nowhere = CustomerFactory(organisation=world.org, branch=None)
    client = api(role)
    assert {east_customer.pk, west.pk, nowhere.pk} <= _listed(client)
    for url in _urls(east_customer):
        assert client.get(url).status_code == 200, url


def test_a_customer_without_a_home_branch_is_seen_where_they_dealt(world, api):
    customer = CustomerFactory(organisation=world.org, branch=None)
    east, west = api(Role.FRONTLINE), api(user=world.other_users[Role.FRONTLINE])
    assert customer.pk not in _listed(east) | _listed(west)
    PurchaseFactory(customer=customer, branch=world.other_branch)
    assert customer.pk in _listed(west)
    assert customer.pk not in _listed(east)


def test_a_complaint_at_another_branch_shows_it_only_that_branchs_part(world, api, east_customer):
    west_frontline = world.other_users[Role.FRONTLINE]
    west_purchase = PurchaseFactory(
        customer=east_customer, branch=world.other_branch, plate_number="京B·12345"
    )
    east_complaint = world.complaint(customer=east_customer)
    west_complaint = world.complaint(actor=west_frontline, customer=east_customer)
    west = api(user=west_frontline)
    assert east_customer.pk in _listed(west)
    body = west.get(f"/api/v1/customers/{east_customer.pk}/").json()
    assert [p["id"] for p in body["purchases"]] == [west_purchase.pk]
    assert [c["id"] for c in body["recent_complaints"]] == [west_complaint.pk]
    purchases = west.get(f"/api/v1/customers/{east_customer.pk}/purchases/").json()
    assert [p["plate_number"] for p in purchases] == ["京B·12345"]
    # The home branch sees its own purchases, the group every one.
    east = api(Role.FRONTLINE).get(f"/api/v1/customers/{east_customer.pk}/purchases/").json()
    assert [p["plate_number"] for p in east] == ["京A·D1234"]
    group = api(Role.GROUP).get(f"/api/v1/customers/{east_customer.pk}/purchases/").json()
    assert len(group) == 2
    assert east_complaint.pk not in {c["id"] for c in body["recent_complaints"]}


def test_a_purchase_at_a_branch_makes_the_customer_known_there(world, api, east_customer):
    west = api(user=world.other_users[Role.FRONTLINE])
    assert east_customer.pk not in _listed(west)
    PurchaseFactory(customer=east_customer, branch=world.other_branch)
    assert east_customer.pk in _listed(west)


@pytest.mark.parametrize(
    ("role", "phone"),
    [(Role.FRONTLINE, "+8613812345678"), (Role.HANDLER, "138****5678")],
)
def test_masking_follows_the_role_on_a_shared_customer(world, api, east_customer, role, phone):
    world.complaint(actor=world.other_users[Role.FRONTLINE], customer=east_customer)
    client = api(user=world.other_users[role])
    detail = client.get(f"/api/v1/customers/{east_customer.pk}/").json()
    assert detail["phone"] == phone
    listed = client.get("/api/v1/customers/", {"phone": "13812345678"}).json()["results"]
    assert [row["phone"] for row in listed] == [phone]
    assert detail["key_persons"][0]["phone"] == (
        "+8613800001111" if role == Role.FRONTLINE else "138****1111"
    )


def test_a_complaint_cannot_name_another_branchs_customer_or_purchase(world, api, east_customer):
    west = api(user=world.other_users[Role.FRONTLINE])
    body = {"customer": east_customer.pk, "channel": "phone", "title": "x", "account": "y"}
    response = west.post("/api/v1/complaints/", body, format="json")
    assert response.status_code == 400
    assert "customer" in error_of(response)["fields"]
    # Known at both branches: the west branch may name the customer, not the east purchase.
    west_complaint = world.complaint(
        actor=world.other_users[Role.FRONTLINE], customer=east_customer
    )
    east_purchase = east_customer.purchases.get()
    response = west.post("/api/v1/complaints/", body | {"purchase": east_purchase.pk})
    assert response.status_code == 400
    assert set(error_of(response)["fields"]) == {"purchase"}
    response = west.patch(
        complaint_url(west_complaint), {"purchase": east_purchase.pk, "version": 1}
    )
    assert response.status_code == 400
    assert not Complaint.objects.filter(purchase=east_purchase).exists()


# ---- the plain edit does not do what a move does --------------------------------------------


@pytest.mark.parametrize(
    ("field", "value", "move"),
    [
        ("resolvability", "now", "Propose a solution"),
        ("responsibility", "internal", "Record root cause and actions"),
        ("state", "closed", "Close"),
        ("due_at", "2030-01-01T00:00:00Z", "Set the resolution deadline"),
        ("severity", "major", "Change the severity"),
        ("owner", 1, "Hand over"),
    ],
)
def test_patch_of_a_move_owned_field_is_400_naming_the_move(world, api, field, value, move):
    complaint = world.complaint()
    response = api().patch(complaint_url(complaint), {field: value, "version": 1})
    assert response.status_code == 400
    error = error_of(response)
    assert set(error["fields"]) == {field}
    assert move in error["fields"][field][0]
    chinese = error_of(
        api(language="zh-hans").patch(complaint_url(complaint), {field: value, "version": 1})
    )
    assert "只能通过操作" in chinese["fields"][field][0]
    complaint.refresh_from_db()
    assert complaint.version == 1


def test_a_parked_case_cannot_be_made_resolvable_by_an_edit(world, api):
    from datetime import timedelta

    from django.utils import timezone

    from kesu.complaints import workflow

    complaint = world.complaint()
    handler = world.user(Role.HANDLER)
    workflow.complaint_confirm(complaint_id=complaint.pk, actor=handler, method="signature")
    workflow.complaint_start_investigation(complaint_id=complaint.pk, actor=handler)
    parked = workflow.complaint_park(
        complaint_id=complaint.pk,
        actor=handler,
        reason="等待配件",
        follow_up_on=timezone.localdate() + timedelta(days=7),
    )
    response = api(Role.HANDLER).patch(
        complaint_url(parked), {"resolvability": "now", "version": parked.version}
    )
    assert response.status_code == 400
    parked.refresh_from_db()
    assert (parked.state, parked.resolvability) == ("parked", "not_for_now")


def test_only_the_home_branch_or_the_group_moves_a_customer(world, api, east_customer):
    world.complaint(actor=world.other_users[Role.FRONTLINE], customer=east_customer)
    url = f"/api/v1/customers/{east_customer.pk}/"
    west = api(user=world.other_users[Role.FRONTLINE])
    for branch in (world.other_branch.pk, None):
        response = west.patch(url, {"branch": branch}, format="json")
        assert response.status_code == 400, branch
        assert "home branch" in error_of(response)["fields"]["branch"][0]
    assert west.patch(url, {"name": "张伟先生"}).status_code == 200
    east_customer.refresh_from_db()
    assert east_customer.branch == world.branch
    unclaimed = CustomerFactory(organisation=world.org, branch=None)
    world.complaint(actor=world.other_users[Role.FRONTLINE], customer=unclaimed)
    response = west.patch(
        f"/api/v1/customers/{unclaimed.pk}/", {"branch": world.other_branch.pk}, format="json"
    )
    assert response.status_code == 200
    response = api(Role.GROUP).patch(url, {"branch": world.other_branch.pk}, format="json")
    assert response.status_code == 200
    east_customer.refresh_from_db()
    assert east_customer.branch == world.other_branch


@pytest.fixture(autouse=True)
def _checklist_not_required(world):
    """These tests are about fields and search, not the checklist (test_checklist.py)."""
    from kesu.complaints.models import ChecklistRequirement

    ChecklistRequirement.objects.all().delete()
