"""GET /api/v1/complaints/duplicates/: the intake's possible duplicates, scoped."""

from kesu.complaints.tests.api.helpers import error_of
from kesu.customers.tests.factories import CustomerFactory, PurchaseFactory
from kesu.organisation.choices import Role

URL = "/api/v1/complaints/duplicates/"


def test_the_same_vin_is_found_with_its_reason(api, world):
    owner = CustomerFactory(organisation=world.org, name="张三", phone="+8613900002222")
    car = PurchaseFactory(customer=owner, vin="LSVAB1234C5678901")
    complaint = world.complaint(customer=owner, purchase=car)
    body = api(Role.HANDLER).get(URL, {"vin": "LSVAB1234C5678901"}).json()
    assert [row["number"] for row in body] == [complaint.number]
    row = body[0]
    assert row["reasons"][0]["code"] == "vin"
    assert row["reasons"][0]["text"] == "same VIN LSVAB1234C5678901"
    assert row["customer_phone"] == "139****2222"
    assert row["url"] == f"/complaints/{complaint.pk}/"
    assert api(user=world.other_users[Role.FRONTLINE]).get(URL, {"vin": car.vin}).json() == []


def test_bad_input_is_a_400_in_the_error_shape(api):
    response = api().get(URL, {"vin": "X" * 40, "exclude_customer": "abc"})
    assert response.status_code == 400
    assert set(error_of(response)["fields"]) == {"vin", "exclude_customer"}


def test_a_role_that_does_not_register_is_refused(api):
    assert api(Role.ADMIN).get(URL).status_code == 403


def test_it_is_in_the_schema(api):
    schema = api().get("/api/schema/", {"format": "json"}).json()
    assert "/api/v1/complaints/duplicates/" in schema["paths"]
