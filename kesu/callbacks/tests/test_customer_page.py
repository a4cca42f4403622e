"""What the callbacks add to the customer's page: the calling preference and its form, the
customer's callbacks, and the preference's changes among the customer's changes."""

from datetime import time

import pytest
from django.http import QueryDict

from kesu.audit.models import AuditEntry
from kesu.callbacks.customer_page import (
    customer_history_part,
    customer_panel,
    day_names,
    describe_preference,
)
from kesu.callbacks.models import CustomerCallPreference
from kesu.callbacks.services import set_call_preference
from kesu.callbacks.tests.conftest import welcome_call
from kesu.organisation.choices import Role

pytestmark = pytest.mark.django_db


def test_day_names_in_both_languages():
    from django.utils import translation

    assert day_names("") == "any day"
    assert day_names("12345") == "Mon to Fri"
    assert day_names("1367") == "Mon, Wed, Sat, Sun"
    assert day_names("7") == "Sun"
    with translation.override("zh-hans"):
        assert day_names("12345") == "星期一至星期五"
        assert day_names("13") == "星期一、星期三"


def test_the_panel_lists_the_callbacks_for_those_who_work_with_them(world, anytime):
    task = welcome_call(world)
    customer = task.customer
    panel = customer_panel(customer, world.user(Role.CALLBACK), QueryDict())
    assert panel.template == "callbacks/_customer_panel.html"
    assert [t.pk for t in panel.context["tasks"]] == [task.pk]
    assert panel.context["may_edit"] is True
    # A handling manager does not work with callbacks: the preference only, read-only.
    panel = customer_panel(customer, world.user(Role.HANDLER), QueryDict())
    assert (panel.context["sees_tasks"], panel.context["may_edit"]) == (False, False)
    # The group looks at every branch's callbacks but does not record.
    panel = customer_panel(customer, world.user(Role.GROUP), QueryDict())
    assert panel.context["sees_tasks"] is True and panel.context["may_edit"] is False


def test_the_preferences_changes_are_described_for_the_history(world):
    task = welcome_call(world)
    assert customer_history_part(task.customer, world.user(Role.CALLBACK)) is None
    pref = set_call_preference(
        actor=world.user(Role.CALLBACK),
        customer=task.customer,
        window_from=time(18),
        window_until=time(20),
        days="12345",
        no_sms=True,
    )
    part = customer_history_part(task.customer, world.user(Role.CALLBACK))
    assert (part.object_type, part.ids) == ("callbacks.customercallpreference", [pref.pk])
    entry = AuditEntry.objects.get(action="call_preference")
    assert describe_preference(entry, None) == [
        "any time · any day → 18:00–20:00 · Mon to Fri · no text messages"
    ]
    # Entries from before the days were recorded have three values.
    entry.data = {"from": None, "to": ["09:00", "11:00", False]}
    assert describe_preference(entry, None) == ["— → 09:00–11:00 · any day"]


def test_the_customers_page_shows_and_saves_the_calling_preference(client, world, anytime):
    task = welcome_call(world)
    customer = task.customer
    client.force_login(world.user(Role.CALLBACK))
    body = client.get(f"/customers/{customer.pk}/").content.decode()
    assert 'id="customer-callbacks"' in body and f'href="/callbacks/tasks/{task.pk}/"' in body
    assert 'id="preference-form"' in body
    response = client.post(
        f"/callbacks/customers/{customer.pk}/preference/",
        {"window_from": "18:00", "window_until": "20:00", "days": ["1", "2", "3", "4", "5"]},
    )
    assert response.status_code == 302
    assert response["Location"] == f"/customers/{customer.pk}/#calling-preference"
    pref = CustomerCallPreference.objects.get(customer=customer)
    assert (pref.window_from, pref.window_until, pref.days, pref.no_sms) == (
        time(18),
        time(20),
        "12345",
        False,
    )
    body = client.get(f"/customers/{customer.pk}/").content.decode()
    assert "Calling preference saved." in body
    assert "18:00–20:00" in body and "Mon to Fri" in body
    assert "Calling preference recorded" in body  # the change, in the customer's changes


@pytest.mark.parametrize(
    ("posted", "message"),
    [
        ({"window_from": "6pm", "window_until": "20:00"}, "hours and minutes"),
        ({"window_from": "20:00", "window_until": "18:00"}, "a later end"),
        ({"window_from": "18:00"}, "a later end"),
        ({"days": ["9"]}, "Monday to Sunday"),
    ],
)
def test_a_bad_preference_is_refused_with_a_reason(client, world, posted, message):
    customer = welcome_call(world).customer
    client.force_login(world.user(Role.CALLBACK))
    response = client.post(f"/callbacks/customers/{customer.pk}/preference/", posted, follow=True)
    assert response.status_code == 200
    assert message in response.content.decode()
    assert not CustomerCallPreference.objects.filter(customer=customer).exists()


def test_who_may_save_the_preference_from_the_customers_page(client, world):
    customer = welcome_call(world).customer
    url = f"/callbacks/customers/{customer.pk}/preference/"
    data = {"window_from": "18:00", "window_until": "20:00"}
    for role in [Role.GROUP, Role.ADMIN, Role.HANDLER]:
        client.force_login(world.user(role))
        assert client.post(url, data).status_code == 403
    client.force_login(world.other_users[Role.CALLBACK])
    assert client.post(url, data).status_code == 404
    client.force_login(world.user(Role.DIRECTOR))
    assert client.get(url).status_code == 405
    assert not CustomerCallPreference.objects.exists()
    assert client.post(url, data).status_code == 302
