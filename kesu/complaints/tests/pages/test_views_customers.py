"""The customer's page and its form: who may see and change what, masking, the audited edit,
bad input, paging and bounded queries."""

import copy
from datetime import date, timedelta

import pytest

from kesu.audit.models import AuditEntry
from kesu.complaints.models import Complaint
from kesu.customers.models import Customer, KeyPerson
from kesu.customers.tests.factories import CustomerFactory, PurchaseFactory
from kesu.organisation.choices import Role

pytestmark = pytest.mark.django_db

PHONE = "+8613812345678"


@pytest.fixture
def zhang(world):
    customer = CustomerFactory(
        organisation=world.org,
        branch=world.branch,
        name="张伟",
        phone=PHONE,
        email="zhang.wei@example.cn",
        wechat_id="zhangwei88",
        id_number="110101199003071234",
        tier="gold",
        birthday=date(1990, 3, 7),
    )
    PurchaseFactory(customer=customer, branch=world.branch, plate_number="京A·D1234")
    world.complaint(customer=customer, title="保养后发动机异响")
    return customer


def copies(world, customer, count, branch=None, title="同一件事"):
    """`count` complaints of the customer: bulk-made copies of one registered one."""
    template = Complaint.objects.filter(customer=customer).first() or world.complaint(
        customer=customer
    )
    rows = []
    for index in range(count):
        row = copy.copy(template)
        row.pk = None
        row.number = f"C-{customer.pk}-{branch.pk if branch else 0}-{index}"
        row.title = f"{title}{index}"
        row.branch = branch or template.branch
        rows.append(row)
    Complaint.objects.bulk_create(rows)


def page(client, user, customer, **params):
    client.force_login(user)
    return client.get(f"/customers/{customer.pk}/", params)


def edit_data(customer, **changes):
    data = {
        "name": customer.name,
        "phone": customer.phone,
        "email": customer.email,
        "wechat_id": customer.wechat_id,
        "id_number": customer.id_number,
        "tier": customer.tier,
        "personality_type": customer.personality_type,
        "birthday": customer.birthday.isoformat() if customer.birthday else "",
        "founded_on": "",
        "address": customer.address,
        "notes": customer.notes,
        "preferred_channel": customer.preferred_channel,
    }
    return data | changes


@pytest.mark.parametrize(
    "role", [Role.FRONTLINE, Role.CALLBACK, Role.DIRECTOR, Role.GENERAL_MANAGER]
)
def test_roles_that_call_customers_see_everything_in_full(client, world, zhang, role):
    response = page(client, world.user(role), zhang)
    assert response.status_code == 200
    body = response.content.decode()
    for text in ["张伟", "138 1234 5678", "zhang.wei@example.cn", "zhangwei88", "京A·D1234"]:
        assert text in body
    assert "保养后发动机异响" in body and "1990-03-07" in body and "Gold" in body
    assert 'id="edit-customer"' in body


@pytest.mark.parametrize("role", [Role.HANDLER, Role.GROUP, Role.ADMIN])
def test_roles_that_do_not_call_customers_see_contact_data_masked(client, world, zhang, role):
    body = page(client, world.user(role), zhang).content.decode()
    assert "张伟" in body and "保养后发动机异响" in body
    assert "138 1234 5678" not in body and "13812345678" not in body
    assert "138****5678" in body
    assert "zhang.wei@example.cn" not in body and "z*******i@example.cn" in body
    assert "zhangwei88" not in body and "110101199003071234" not in body
    assert "Contact data is masked for your role." in body
    # The administrator keeps the system: no form.
    assert ('id="edit-customer"' in body) is (role != Role.ADMIN)


def test_another_branchs_user_gets_a_404_and_the_group_sees_every_branch(client, world, zhang):
    west = world.other_users
    for role in [Role.FRONTLINE, Role.CALLBACK, Role.DIRECTOR, Role.HANDLER]:
        assert page(client, west[role], zhang).status_code == 404
        assert client.get(f"/customers/{zhang.pk}/edit/").status_code == 404
    assert page(client, world.user(Role.GROUP), zhang).status_code == 200
    assert client.get("/customers/999999999/").status_code == 404


def test_signed_out_visitors_are_sent_to_sign_in(client, zhang):
    response = client.get(f"/customers/{zhang.pk}/")
    assert response.status_code == 302 and "/login" in response["Location"]


def test_a_company_shows_founding_day_and_key_persons(client, world):
    company = CustomerFactory(
        organisation=world.org,
        branch=world.branch,
        name="顺达物流",
        is_company=True,
        founded_on=date(2008, 5, 20),
    )
    KeyPerson.objects.create(customer=company, name="刘总", title="车队经理", phone=PHONE)
    body = page(client, world.user(Role.HANDLER), company).content.decode()
    assert "2008-05-20" in body and "刘总" in body and "车队经理" in body
    assert "138****5678" in body and "138 1234 5678" not in body


def test_the_edit_is_saved_and_recorded_old_to_new(client, world, zhang):
    client.force_login(world.user(Role.CALLBACK))
    response = client.post(
        f"/customers/{zhang.pk}/edit/",
        edit_data(zhang, phone="139 1111 2222", preferred_channel="wechat", address="朝阳区"),
    )
    assert response.status_code == 302
    zhang.refresh_from_db()
    assert (zhang.phone, zhang.preferred_channel, zhang.address) == (
        "+8613911112222",
        "wechat",
        "朝阳区",
    )
    entry = AuditEntry.objects.get(action="customer_update", object_id=zhang.pk)
    assert entry.actor == world.user(Role.CALLBACK)
    assert entry.data["changes"]["phone"] == [PHONE, "+8613911112222"]
    assert entry.data["changes"]["preferred_channel"] == ["", "wechat"]
    body = client.get(response["Location"]).content.decode()
    assert "The customer&#x27;s record is saved." in body
    assert "Customer record edited" in body and "WeChat" in body
    assert "Preferred channel:" in body


def test_the_history_masks_old_and_new_numbers_for_roles_that_do_not_call(client, world, zhang):
    client.force_login(world.user(Role.CALLBACK))
    client.post(f"/customers/{zhang.pk}/edit/", edit_data(zhang, phone="139 1111 2222"))
    body = page(client, world.user(Role.HANDLER), zhang).content.decode()
    assert "139****2222" in body and "13911112222" not in body and "13812345678" not in body


def test_a_handler_edits_without_the_contact_fields(client, world, zhang):
    client.force_login(world.user(Role.HANDLER))
    form = client.get(f"/customers/{zhang.pk}/edit/").content.decode()
    assert 'name="phone"' not in form and 'name="email"' not in form
    # Contact data sent anyway is not taken.
    response = client.post(
        f"/customers/{zhang.pk}/edit/",
        edit_data(zhang, phone="139 1111 2222", tier="A", email="x@example.cn"),
    )
    assert response.status_code == 302
    zhang.refresh_from_db()
    assert (zhang.phone, zhang.email, zhang.tier) == (PHONE, "zhang.wei@example.cn", "A")


def test_nothing_changed_records_nothing(client, world, zhang):
    client.force_login(world.user(Role.FRONTLINE))
    assert client.post(f"/customers/{zhang.pk}/edit/", edit_data(zhang)).status_code == 302
    assert not AuditEntry.objects.filter(action="customer_update").exists()


def test_the_administrator_may_not_change_customers(client, world, zhang):
    client.force_login(world.user(Role.ADMIN))
    assert client.get(f"/customers/{zhang.pk}/edit/").status_code == 403
    response = client.post(f"/customers/{zhang.pk}/edit/", edit_data(zhang, name="改名"))
    assert response.status_code == 403
    zhang.refresh_from_db()
    assert zhang.name == "张伟"


@pytest.mark.parametrize(
    ("changes", "field", "message"),
    [
        ({"birthday": "2026-02-31"}, "birthday", "Enter a valid date."),
        ({"birthday": "1850-01-01"}, "birthday", "Give a date between 1900-01-01 and today."),
        (
            {"birthday": (date.today() + timedelta(days=30)).isoformat()},
            "birthday",
            "Give a date between",
        ),
        ({"founded_on": "yesterday"}, "founded_on", "Enter a valid date."),
        ({"name": "张" * 101}, "name", "at most 100"),
        ({"name": "  "}, "name", "This field is required."),
        ({"notes": "注" * 2001}, "notes", "at most 2000"),
        ({"phone": "12345"}, "phone", "is not a valid phone number"),
        ({"phone": "call me"}, "phone", "is not a phone number"),
        ({"email": "not-an-address"}, "email", "Enter a valid email address."),
        ({"tier": "platinum"}, "tier", "Select a valid choice."),
        ({"preferred_channel": "fax"}, "preferred_channel", "Select a valid choice."),
    ],
)
def test_bad_input_is_refused_with_a_reason_never_a_500(
    client, world, zhang, changes, field, message
):
    client.force_login(world.user(Role.FRONTLINE))
    response = client.post(f"/customers/{zhang.pk}/edit/", edit_data(zhang, **changes))
    assert response.status_code == 400
    assert message in response.content.decode()
    assert response.context["form"].errors[field]
    assert not AuditEntry.objects.filter(action="customer_update").exists()


def test_null_characters_are_refused_before_the_form(client, world, zhang):
    client.force_login(world.user(Role.FRONTLINE))
    response = client.post(f"/customers/{zhang.pk}/edit/", edit_data(zhang, address="路\x00"))
    assert response.status_code == 400
    zhang.refresh_from_db()
    assert zhang.address == ""


def test_the_form_speaks_chinese(client, world, zhang):
    client.force_login(world.user(Role.FRONTLINE))
    response = client.post(
        f"/customers/{zhang.pk}/edit/",
        edit_data(zhang, birthday="1850-01-01", phone="12345"),
        HTTP_ACCEPT_LANGUAGE="zh-hans",
    )
    body = response.content.decode()
    assert response.status_code == 400
    assert "Give a date" not in body and "not a valid phone number" not in body


def test_complaints_are_newest_first_page_by_page(client, world, zhang):
    copies(world, zhang, 30)
    response = page(client, world.user(Role.DIRECTOR), zhang)
    complaints = list(response.context["complaints"])
    assert len(complaints) == 25
    assert [c.pk for c in complaints] == sorted((c.pk for c in complaints), reverse=True)
    assert response.context["complaints"].paginator.count == 31
    second = page(client, world.user(Role.DIRECTOR), zhang, page=2).context["complaints"]
    assert len(second) == 6
    # A page number that is not one shows the first or the last page, not an error.
    assert page(client, world.user(Role.DIRECTOR), zhang, page="x").status_code == 200
    assert page(client, world.user(Role.DIRECTOR), zhang, page="999").status_code == 200


def test_another_branchs_complaints_of_a_shared_customer_are_not_listed(client, world, zhang):
    copies(world, zhang, 1, branch=world.other_branch, title="西区的投诉")
    body = page(client, world.user(Role.FRONTLINE), zhang).content.decode()
    assert "西区的投诉" not in body
    assert "西区的投诉" in page(client, world.user(Role.GROUP), zhang).content.decode()


def test_queries_stay_bounded_for_a_fleet_customer(
    client, world, zhang, django_assert_max_num_queries
):
    copies(world, zhang, 200)
    for _ in range(20):
        PurchaseFactory(customer=zhang, branch=world.branch)
    client.force_login(world.user(Role.CALLBACK))
    for i in range(10):
        client.post(f"/customers/{zhang.pk}/edit/", edit_data(zhang, notes=f"第{i}次"))
    client.get(f"/customers/{zhang.pk}/")  # warm the session and the caches
    with django_assert_max_num_queries(30):
        response = client.get(f"/customers/{zhang.pk}/")
    assert response.status_code == 200
    assert Complaint.objects.filter(customer=zhang).count() == 201


def test_the_pages_that_lead_here_link_to_it(client, world, zhang):
    client.force_login(world.user(Role.FRONTLINE))
    lookup = client.get("/customers/lookup/", {"phone": "138 1234 5678"}).content.decode()
    assert f'href="/customers/{zhang.pk}/"' in lookup
    complaint = Complaint.objects.get(customer=zhang)
    body = client.get(f"/complaints/{complaint.pk}/").content.decode()
    assert f'href="/customers/{zhang.pk}/"' in body


def test_a_customer_without_anything_recorded_shows_dashes(client, world):
    bare = Customer.objects.create(organisation=world.org, name="新客户", phone="+8613900001111")
    client.force_login(world.user(Role.GROUP))
    body = client.get(f"/customers/{bare.pk}/").content.decode()
    assert "No complaint of this customer that you may see." in body
    assert "No change recorded." in body


@pytest.fixture
def company(world):
    return CustomerFactory(
        organisation=world.org, branch=world.branch, name="顺达物流", is_company=True
    )


def test_a_key_person_is_added_and_recorded(client, world, company):
    client.force_login(world.user(Role.DIRECTOR))
    response = client.post(
        f"/customers/{company.pk}/key-persons/",
        {"name": "刘总", "title": "车队经理", "phone": "138 1234 5678", "birthday": "1975-08-08"},
    )
    assert response.status_code == 302
    assert response["Location"] == f"/customers/{company.pk}/#key-persons"
    person = KeyPerson.objects.get(customer=company)
    assert (person.name, person.phone, person.birthday) == ("刘总", PHONE, date(1975, 8, 8))
    entry = AuditEntry.objects.get(action="key_person_create", object_id=person.pk)
    assert entry.actor == world.user(Role.DIRECTOR) and entry.data["title"] == "车队经理"
    body = client.get(response["Location"]).content.decode()
    assert "Key person added." in body and "Key person added" in body and "刘总 · 车队经理" in body


@pytest.mark.parametrize(
    ("posted", "message"),
    [
        ({"name": ""}, "This field is required."),
        ({"name": "刘总", "phone": "12"}, "is not a valid phone number"),
        ({"name": "刘总", "birthday": "1975-02-30"}, "Enter a valid date."),
        ({"name": "刘" * 101}, "at most 100"),
        ({"name": "刘总", "email": "nope"}, "Enter a valid email address."),
    ],
)
def test_a_bad_key_person_is_refused_on_the_page(client, world, company, posted, message):
    client.force_login(world.user(Role.FRONTLINE))
    response = client.post(f"/customers/{company.pk}/key-persons/", posted)
    assert response.status_code == 400
    body = response.content.decode()
    assert message in body and 'id="key-person-form" open' in body
    assert not KeyPerson.objects.exists()


def test_key_persons_are_for_companies_and_writers_only(client, world, zhang, company):
    client.force_login(world.user(Role.FRONTLINE))
    response = client.post(f"/customers/{zhang.pk}/key-persons/", {"name": "刘总"})
    assert response.status_code == 400
    assert "Key persons belong to corporate customers." in response.content.decode()
    client.force_login(world.user(Role.ADMIN))
    assert client.post(f"/customers/{company.pk}/key-persons/", {"name": "刘总"}).status_code == 403
    client.force_login(world.other_users[Role.DIRECTOR])
    assert client.post(f"/customers/{company.pk}/key-persons/", {"name": "刘总"}).status_code == 404
    assert not KeyPerson.objects.exists()


def _shown(body: str, name: str) -> bool:
    """Whether the form's field `name` is in a part of the page that is not hidden."""
    import re

    found = re.search(
        r'<div data-(person|company)-only( hidden)?>(?:(?!</div>\s*<div data-).)*?name="'
        + name
        + '"',
        body,
        re.S,
    )
    assert found, name
    return found.group(2) is None


def test_the_edit_form_asks_a_person_for_a_birthday_and_a_company_for_its_founding(
    client, world, zhang
):
    client.force_login(world.user(Role.CALLBACK))
    body = client.get(f"/customers/{zhang.pk}/edit/").content.decode()
    assert _shown(body, "birthday") and not _shown(body, "founded_on")
    company = CustomerFactory(
        organisation=world.org, branch=world.branch, is_company=True, founded_on=date(2008, 5, 20)
    )
    body = client.get(f"/customers/{company.pk}/edit/").content.decode()
    assert _shown(body, "founded_on") and not _shown(body, "birthday")
    assert "2008-05-20" in body
    # a form sent back with an error asks for the day of the type it was sent as
    response = client.post(
        f"/customers/{zhang.pk}/edit/", edit_data(zhang, name="", is_company="on")
    )
    assert response.status_code == 400
    body = response.content.decode()
    assert _shown(body, "founded_on") and not _shown(body, "birthday")


def test_a_hidden_day_keeps_its_value_when_the_type_changes(client, world, zhang):
    client.force_login(world.user(Role.CALLBACK))
    client.post(f"/customers/{zhang.pk}/edit/", edit_data(zhang, is_company="on"))
    zhang.refresh_from_db()
    assert zhang.is_company and zhang.birthday == date(1990, 3, 7)
