"""The customer's language of messages: shown and changed on their page in the workspace."""

from kesu.customers.tests.factories import CustomerFactory
from kesu.organisation.choices import Role


def test_the_language_of_messages_is_changed_on_the_customer_page(world, client):
    customer = CustomerFactory(
        organisation=world.org, branch=world.branch, name="Amy", phone="13800138000"
    )
    client.force_login(world.user(Role.FRONTLINE))
    page = client.get(f"/customers/{customer.pk}/edit/", HTTP_ACCEPT_LANGUAGE="en")
    assert 'name="language"' in page.content.decode()
    response = client.post(
        f"/customers/{customer.pk}/edit/",
        {"name": "Amy", "phone": "13800138000", "language": "en"},
    )
    assert response.status_code == 302
    customer.refresh_from_db()
    assert customer.language == "en"
    shown = client.get(f"/customers/{customer.pk}/", HTTP_ACCEPT_LANGUAGE="en").content.decode()
    assert 'id="customer-language">English<' in shown
    refused = client.post(
        f"/customers/{customer.pk}/edit/",
        {"name": "Amy", "phone": "13800138000", "language": "klingon"},
        HTTP_ACCEPT_LANGUAGE="en",
    )
    assert refused.status_code == 400 and "klingon" in refused.content.decode()
