"""The agent's tab: the current call's pop-up, only for that agent, and closing it."""

from datetime import timedelta

import pytest
from django.utils import timezone

from kesu.customers.tests.factories import CustomerFactory, PurchaseFactory
from kesu.integrations.models import IncomingCall
from kesu.integrations.services import call_report
from kesu.organisation.choices import Role

pytestmark = pytest.mark.django_db


@pytest.fixture
def ringing(world, make_integration):
    """ringing(role, caller) → a call reported for that role's user at extension 8012."""

    def ring(role=Role.FRONTLINE, caller="13812345678"):
        agent = world.user(role)
        agent.extension = "8012"
        agent.save(update_fields=["extension"])
        integration, _key = make_integration()
        return call_report(integration=integration, caller=caller, extension="8012")

    return ring


def test_no_call_is_204(world, client):
    client.force_login(world.user(Role.FRONTLINE))
    assert client.get("/calls/current/").status_code == 204


def test_the_agent_sees_the_customer_their_vehicle_and_open_complaints(world, client, ringing):
    customer = CustomerFactory(organisation=world.org, phone="+8613812345678", name="王建国")
    PurchaseFactory(customer=customer, kind="vehicle", product="途观L", branch=world.branch)
    complaint = world.complaint(customer=customer)
    call = ringing()
    client.force_login(call.agent)
    response = client.get("/calls/current/")
    page = response.content.decode()
    assert response.status_code == 200
    assert "王建国" in page and "途观L" in page and complaint.number in page
    assert "138 1234 5678" in page  # frontline staff see phone numbers in full
    assert "/complaints/new/?phone=%2B8613812345678" in page
    assert "Alt+N" in page and "Esc" in page


def test_a_role_that_sees_masked_numbers_sees_it_masked(world, client, ringing):
    CustomerFactory(organisation=world.org, phone="+8613812345678", name="王建国")
    call = ringing(role=Role.HANDLER)
    client.force_login(call.agent)
    page = client.get("/calls/current/").content.decode()
    assert "138****5678" in page
    assert "138 1234 5678" not in page


def test_a_new_caller(world, client, ringing):
    call = ringing(caller="13900009999")
    client.force_login(call.agent)
    page = client.get("/calls/current/", HTTP_ACCEPT_LANGUAGE="zh-hans").content.decode()
    assert "新来电" in page


def test_only_that_agent_sees_it(world, client, ringing):
    ringing()
    colleague = world.user(Role.CALLBACK)
    colleague.extension = "8013"
    colleague.save(update_fields=["extension"])
    client.force_login(colleague)
    assert client.get("/calls/current/").status_code == 204


def test_a_call_is_shown_for_a_minute(world, client, ringing):
    call = ringing()
    IncomingCall.objects.filter(pk=call.pk).update(expires_at=timezone.now() - timedelta(seconds=1))
    client.force_login(call.agent)
    assert client.get("/calls/current/").status_code == 204


def test_dismissing_closes_it_for_good(world, client, ringing):
    call = ringing()
    client.force_login(call.agent)
    assert client.post(f"/calls/{call.pk}/dismiss/").status_code == 204
    assert client.get("/calls/current/").status_code == 204


def test_nobody_else_may_dismiss_it(world, client, ringing):
    call = ringing()
    client.force_login(world.user(Role.DIRECTOR))
    assert client.post(f"/calls/{call.pk}/dismiss/").status_code == 404
    call.refresh_from_db()
    assert call.dismissed_at is None


def test_the_page_loads_the_poller_only_for_users_with_an_extension(world, client):
    user = world.user(Role.FRONTLINE)
    client.force_login(user)
    assert "call-popup.js" not in client.get("/").content.decode()
    user.extension = "8012"
    user.save(update_fields=["extension"])
    page = client.get("/", follow=True).content.decode()
    assert "call-popup.js" in page and 'data-poll-url="/calls/current/"' in page


def test_intake_takes_a_prefilled_phone(world, client):
    client.force_login(world.user(Role.FRONTLINE))
    page = client.get("/complaints/new/?phone=%2B8613812345678").content.decode()
    assert 'value="+8613812345678"' in page


def test_anonymous_is_sent_to_sign_in(client):
    assert client.get("/calls/current/").status_code == 302
