"""Customers: lookup by phone as typed, records, purchases, key persons, masking."""

import pytest

from kesu.complaints.tests.api.helpers import complaint_url, error_of
from kesu.customers.models import Customer, KeyPerson
from kesu.customers.tests.factories import CustomerFactory, PurchaseFactory
from kesu.organisation.choices import Role


@pytest.fixture
def zhang(world):
    return CustomerFactory(
        organisation=world.org,
        name="张伟",
        phone="+8613812345678",
        email="zhangwei@example.com",
        id_number="110101199003071234",
        wechat_id="zhangwei_88",
    )


@pytest.mark.parametrize(
    "typed", ["138 1234 5678", "+86 138-1234-5678", "008613812345678", "13812345678"]
)
def test_lookup_by_phone_as_typed(world, api, zhang, typed):
    CustomerFactory(organisation=world.org, phone="+8613900000000")
    response = api().get("/api/v1/customers/", {"phone": typed})
    assert response.status_code == 200
    assert [c["id"] for c in response.json()["results"]] == [zhang.pk]


def test_unparseable_phone_finds_nobody(world, api, zhang):
    response = api().get("/api/v1/customers/", {"phone": "not a phone"})
    assert response.status_code == 200
    assert response.json()["results"] == []


def test_name_prefix_and_organisation_scope(world, api, zhang):
    CustomerFactory(organisation=world.org, name="李张")
    CustomerFactory(name="张三")  # another organisation
    names = [c["name"] for c in api().get("/api/v1/customers/", {"q": "张"}).json()["results"]]
    assert names == ["张伟"]


def test_create_normalises_the_phone(world, api):
    response = api().post(
        "/api/v1/customers/",
        {"name": "王芳", "phone": "150 1111 2222", "tier": "gold", "is_company": False},
    )
    assert response.status_code == 201, response.content
    customer = Customer.objects.get(pk=response.json()["id"])
    assert customer.phone == "+8615011112222"
    assert customer.branch == world.branch  # a branch user's customers start at their branch
    assert response["Location"] == f"/api/v1/customers/{customer.pk}/"
    assert response.json()["tier_display"] == "Gold"


def test_create_validation(api):
    response = api().post("/api/v1/customers/", {"name": "", "phone": "12", "tier": "platinum"})
    assert response.status_code == 400
    assert set(error_of(response)["fields"]) == {"name", "phone", "tier"}
    assert not Customer.objects.exists()


def test_zh_hans_phone_message(api):
    english = error_of(api().post("/api/v1/customers/", {"name": "x", "phone": "12"}))
    chinese = error_of(
        api(language="zh-hans").post("/api/v1/customers/", {"name": "x", "phone": "12"})
    )
    assert english["fields"]["phone"] != chinese["fields"]["phone"]


def test_detail_has_purchases_key_persons_and_recent_complaints(world, api, zhang):
    purchase = PurchaseFactory(customer=zhang, product="朗逸", plate_number="京A·D1234")
    complaint = world.complaint(customer=zhang)
    body = api().get(f"/api/v1/customers/{zhang.pk}/").json()
    assert [p["id"] for p in body["purchases"]] == [purchase.pk]
    assert body["purchases"][0]["kind_display"] == "Vehicle delivery"
    assert body["recent_complaints"] == [
        {
            "id": complaint.pk,
            "number": complaint.number,
            "title": complaint.title,
            "state": "registered",
            "state_display": "Registered",
            "received_at": body["recent_complaints"][0]["received_at"],
        }
    ]
    assert body["key_persons"] == []


def test_patch_customer(world, api, zhang):
    response = api().patch(
        f"/api/v1/customers/{zhang.pk}/", {"phone": "139 8765 4321", "tier": "A"}
    )
    assert response.status_code == 200
    zhang.refresh_from_db()
    assert (zhang.phone, zhang.tier) == ("+8613987654321", "A")
    response = api().patch(f"/api/v1/customers/{zhang.pk}/", {"organisation": 99})
    assert response.status_code == 400


def test_admin_may_not_change_customers(api, zhang):
    response = api(Role.ADMIN).patch(f"/api/v1/customers/{zhang.pk}/", {"name": "改名"})
    assert response.status_code == 403
    zhang.refresh_from_db()
    assert zhang.name == "张伟"


def test_purchases_nested(world, api, zhang):
    url = f"/api/v1/customers/{zhang.pk}/purchases/"
    response = api().post(
        url,
        {
            "kind": "service",
            "product": "途观L 保养",
            "amount": "1280.50",
            "branch": world.branch.pk,
        },
    )
    assert response.status_code == 201, response.content
    assert response.json()["amount"] == "1280.50"
    assert [p["product"] for p in api().get(url).json()] == ["途观L 保养"]
    for amount in ["12,80", "NaN", "1e30", "-5"]:
        response = api().post(url, {"kind": "service", "amount": amount})
        assert response.status_code == 400, amount
        assert "amount" in error_of(response)["fields"]
    response = api().post(url, {"kind": "order", "branch": 10**17})
    assert response.status_code == 400
    assert "branch" in error_of(response)["fields"]


def test_key_persons_only_for_companies(world, api, zhang):
    response = api().post(f"/api/v1/customers/{zhang.pk}/key-persons/", {"name": "赵总"})
    assert response.status_code == 400
    assert "customer" in error_of(response)["fields"]
    company = CustomerFactory(organisation=world.org, name="顺达物流", is_company=True)
    url = f"/api/v1/customers/{company.pk}/key-persons/"
    response = api().post(url, {"name": "赵总", "title": "车队经理", "phone": "138 0000 1111"})
    assert response.status_code == 201, response.content
    assert KeyPerson.objects.get().phone == "+8613800001111"
    response = api().post(url, {"name": "钱总", "phone": "abc"})
    assert response.status_code == 400
    assert "phone" in error_of(response)["fields"]
    assert [p["name"] for p in api().get(url).json()] == ["赵总"]


# ---- masking ---------------------------------------------------------------------------------

FULL = {
    "phone": "+8613812345678",
    "email": "zhangwei@example.com",
    "id_number": "110101199003071234",
    "wechat_id": "zhangwei_88",
}
MASKED = {
    "phone": "138****5678",
    "email": "z******i@example.com",
    "id_number": "1****************4",
    "wechat_id": "z*********8",
}


@pytest.mark.parametrize(
    ("role", "expected"),
    [
        (Role.FRONTLINE, FULL),
        (Role.CALLBACK, FULL),
        (Role.DIRECTOR, FULL),
        (Role.GENERAL_MANAGER, FULL),
        (Role.HANDLER, MASKED),
        (Role.GROUP, MASKED),
        (Role.ADMIN, MASKED),
    ],
)
def test_contact_data_masked_by_role(world, api, zhang, role, expected):
    complaint = world.complaint(customer=zhang, actor=world.user(Role.FRONTLINE))
    client = api(role)
    detail = client.get(f"/api/v1/customers/{zhang.pk}/").json()
    assert {k: detail[k] for k in expected} == expected
    listed = client.get("/api/v1/customers/", {"phone": "13812345678"}).json()["results"]
    assert {k: listed[0][k] for k in expected} == expected
    # The customer inside a complaint, in the list and on the detail.
    rows = client.get("/api/v1/complaints/").json()["results"]
    assert [r["customer"]["phone"] for r in rows] == [expected["phone"]]
    assert client.get(complaint_url(complaint)).json()["customer"]["phone"] == expected["phone"]


def test_key_person_contact_masked_for_handler(world, api):
    company = CustomerFactory(organisation=world.org, is_company=True)
    KeyPerson.objects.create(
        customer=company, name="赵总", phone="+8613800001111", email="zhao@example.com"
    )
    person = api(Role.HANDLER).get(f"/api/v1/customers/{company.pk}/key-persons/").json()[0]
    assert (person["phone"], person["email"]) == ("138****1111", "z**o@example.com")
    person = api(Role.FRONTLINE).get(f"/api/v1/customers/{company.pk}/").json()["key_persons"][0]
    assert person["phone"] == "+8613800001111"


def test_masked_value_echoed_back_changes_nothing(world, api, zhang):
    handler = api(Role.HANDLER)
    shown = handler.get(f"/api/v1/customers/{zhang.pk}/").json()
    response = handler.patch(
        f"/api/v1/customers/{zhang.pk}/",
        {
            "phone": shown["phone"],
            "email": shown["email"],
            "id_number": shown["id_number"],
            "address": "北京朝阳",
        },
    )
    assert response.status_code == 200, response.content
    zhang.refresh_from_db()
    assert zhang.phone == FULL["phone"]
    assert zhang.email == FULL["email"]
    assert zhang.id_number == FULL["id_number"]
    assert zhang.address == "北京朝阳"


def test_the_preferred_channel_is_read_and_written(world, api, zhang):
    response = api().patch(f"/api/v1/customers/{zhang.pk}/", {"preferred_channel": "wechat"})
    assert response.status_code == 200
    body = api().get(f"/api/v1/customers/{zhang.pk}/").json()
    assert body["preferred_channel"] == "wechat"
    response = api().patch(f"/api/v1/customers/{zhang.pk}/", {"preferred_channel": "fax"})
    assert response.status_code == 400
    assert "preferred_channel" in error_of(response)["fields"]


def test_a_purchase_records_its_sales_advisor(world, api, zhang):
    """Issue 11: who sold the car gets the 3-day call after delivery; only an active frontline
    colleague of the purchase's branch may be named, refused readably otherwise."""
    url = f"/api/v1/customers/{zhang.pk}/purchases/"
    advisor = world.user(Role.FRONTLINE)
    body = {"kind": "vehicle", "product": "途观L", "branch": world.branch.pk}
    response = api().post(url, {**body, "sales_advisor": advisor.pk})
    assert response.status_code == 201, response.content
    created = response.json()
    assert created["sales_advisor"] == advisor.pk
    assert created["sales_advisor_name"] == str(advisor)
    assert api().get(url).json()[0]["sales_advisor_name"] == str(advisor)
    for wrong in (world.other_users[Role.FRONTLINE], world.user(Role.HANDLER)):
        refused = api().post(url, {**body, "sales_advisor": wrong.pk})
        assert refused.status_code == 400, wrong.role
        assert "sales_advisor" in error_of(refused)["fields"]
    refused = api().post(
        url, {**body, "sales_advisor": world.user(Role.HANDLER).pk}, HTTP_ACCEPT_LANGUAGE="zh-hans"
    )
    assert "销售顾问" in str(error_of(refused)["fields"]["sales_advisor"])
    without = api().post(url, body)
    assert without.status_code == 201 and without.json()["sales_advisor"] is None
