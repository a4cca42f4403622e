"""The send_sms command: hands the due text messages to the backend and says how many."""

from datetime import date, time, timedelta
from io import StringIO

import pytest
from django.core.management import call_command
from django.utils import timezone

from kesu.callbacks.choices import SmsStatus
from kesu.callbacks.models import CallbackSettings, SmsMessage
from kesu.callbacks.plans import plan_day
from kesu.callbacks.sms import MemoryBackend
from kesu.callbacks.tests.conftest import at
from kesu.customers.tests.factories import CustomerFactory


@pytest.fixture
def birthday(world):
    customer = CustomerFactory(
        organisation=world.org, branch=world.branch, birthday=date(1990, 3, 10)
    )
    plan_day(world.org.pk, now=at(2026, 3, 10, 7, 30))
    return SmsMessage.objects.get(customer=customer)


def test_the_send_command_runs(birthday):
    out = StringIO()
    call_command("send_sms", stdout=out)
    assert "text messages" in out.getvalue()


def test_the_command_sends_every_due_message_past_one_batch(world, settings):
    settings.KESU_SMS_BACKEND = "kesu.callbacks.sms.MemoryBackend"
    MemoryBackend.sent = []
    CallbackSettings.objects.filter(organisation=world.org).update(
        sms_from=time(0, 0), sms_until=time.max
    )
    customer = CustomerFactory(organisation=world.org, branch=world.branch)
    SmsMessage.objects.bulk_create(
        SmsMessage(
            organisation=world.org,
            customer=customer,
            key=f"test:{i}",
            phone=customer.phone,
            template="birthday",
            params={"name": customer.name},
            sender_name="华辰汽车",
            not_before=timezone.now() - timedelta(minutes=1),
        )
        for i in range(101)
    )
    out = StringIO()
    call_command("send_sms", stdout=out)
    assert out.getvalue().strip() == "101 text messages handed to the SMS backend."
    assert len(MemoryBackend.sent) == 101
    assert not SmsMessage.objects.exclude(status=SmsStatus.SENT).exists()
    out = StringIO()
    call_command("send_sms", stdout=out)
    assert out.getvalue().startswith("0 text messages")
