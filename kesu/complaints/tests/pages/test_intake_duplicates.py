"""Intake shows other customers' complaints that may be the same matter (issue 13, item 6)."""

from kesu.complaints.tests.pages.helpers import NEW_CALL
from kesu.customers.tests.factories import CustomerFactory, PurchaseFactory
from kesu.organisation.choices import Role

URL = "/complaints/new/duplicates/"


def _same_car_for_two(world):
    """张三 complained about 沪A12345; now the car is registered under 李四 too."""
    owner = CustomerFactory(organisation=world.org, name="张三", phone="+8613900002222")
    car = PurchaseFactory(customer=owner, plate_number="沪A12345", vin="LSVAB1234C5678901")
    complaint = world.complaint(customer=owner, purchase=car, title="变速箱顿挫")
    caller = CustomerFactory(organisation=world.org, name="李四", phone="+8613900003333")
    PurchaseFactory(customer=caller, plate_number="沪A12345")
    return complaint, caller


def test_the_callers_vehicle_on_another_customers_complaint(client, world):
    complaint, _caller = _same_car_for_two(world)
    client.force_login(world.user(Role.FRONTLINE))
    body = client.post(
        URL, {**NEW_CALL, "phone": "139 0000 3333"}, HTTP_ACCEPT_LANGUAGE="zh-hans"
    ).content.decode()
    assert complaint.number in body
    assert f'href="/complaints/{complaint.pk}/" target="_blank"' in body
    assert "沪A12345" in body and "张三" in body
    assert "可能重复" in body
    assert "139 0000 2222" in body  # frontline staff see the phone
    english = client.post(
        URL, {**NEW_CALL, "phone": "139 0000 3333"}, HTTP_ACCEPT_LANGUAGE="en"
    ).content.decode()
    assert "Possible duplicate" in english and "same plate 沪A12345" in english


def test_the_phone_is_masked_for_a_role_that_does_not_see_contacts(client, world):
    _same_car_for_two(world)
    client.force_login(world.user(Role.HANDLER))
    body = client.post(URL, {**NEW_CALL, "phone": "139 0000 3333"}).content.decode()
    assert "139****2222" in body and "0000 2222" not in body


def test_nothing_for_an_ordinary_call_and_never_another_branch(client, world):
    complaint, _caller = _same_car_for_two(world)
    client.force_login(world.user(Role.FRONTLINE))
    assert client.post(URL, NEW_CALL).content.decode().strip() == ""
    client.force_login(world.other_users[Role.FRONTLINE])
    body = client.post(URL, {**NEW_CALL, "phone": "139 0000 3333"}).content.decode()
    assert complaint.number not in body


def test_the_intake_page_loads_the_panel(client, world):
    client.force_login(world.user(Role.FRONTLINE))
    body = client.get("/complaints/new/").content.decode()
    assert 'id="intake-duplicates"' in body and URL in body


def test_a_role_that_does_not_register_gets_404(client, world):
    client.force_login(world.user(Role.ADMIN))
    assert client.post(URL, NEW_CALL).status_code == 404
