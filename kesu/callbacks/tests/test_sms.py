"""Greetings by text message: the 9:00–17:00 sending window, the provider interface, the sender."""

from datetime import date

import pytest

from kesu.callbacks.choices import SmsStatus
from kesu.callbacks.models import CustomerCallPreference, SmsMessage
from kesu.callbacks.plans import plan_day
from kesu.callbacks.sms import MemoryBackend, SendResult, SmsBackend, SmsError, deliver_due_sms
from kesu.callbacks.tests.conftest import at
from kesu.customers.tests.factories import CustomerFactory


@pytest.fixture
def birthday(world):
    customer = CustomerFactory(
        organisation=world.org, branch=world.branch, birthday=date(1990, 3, 10)
    )
    plan_day(world.org.pk, now=at(2026, 3, 10, 7, 30))
    return SmsMessage.objects.get(customer=customer)


@pytest.fixture
def memory():
    MemoryBackend.sent = []
    return MemoryBackend()


def test_a_message_written_before_nine_waits_for_nine(birthday, memory):
    assert birthday.not_before == at(2026, 3, 10, 9)
    assert deliver_due_sms(now=at(2026, 3, 10, 8, 59), backend=memory) == 0
    assert memory.sent == []
    assert deliver_due_sms(now=at(2026, 3, 10, 9, 0), backend=memory) == 1
    birthday.refresh_from_db()
    assert birthday.status == SmsStatus.SENT and birthday.sent_at == at(2026, 3, 10, 9)
    ((phone, text),) = memory.sent
    assert phone == birthday.customer.phone
    # Signed with the sender's name (the branch), and saved as sent.
    assert birthday.sender_name in text and birthday.text == text
    assert birthday.customer.name in text
    assert deliver_due_sms(now=at(2026, 3, 10, 9, 5), backend=memory) == 0


def test_a_worker_running_late_holds_messages_until_the_next_morning(birthday, memory):
    assert deliver_due_sms(now=at(2026, 3, 10, 17, 0), backend=memory) == 0
    birthday.refresh_from_db()
    assert birthday.status == SmsStatus.PENDING and birthday.not_before == at(2026, 3, 11, 9)
    assert deliver_due_sms(now=at(2026, 3, 10, 23, 0), backend=memory) == 0
    assert deliver_due_sms(now=at(2026, 3, 11, 9, 1), backend=memory) == 1


def test_written_in_the_evening_goes_out_the_next_morning(world):
    customer = CustomerFactory(organisation=world.org, birthday=date(1990, 3, 10))
    plan_day(world.org.pk, now=at(2026, 3, 10, 18, 30))
    message = SmsMessage.objects.get(customer=customer)
    assert message.not_before == at(2026, 3, 11, 9)


def test_the_default_backend_keeps_messages_in_the_outbox(birthday):
    assert deliver_due_sms(now=at(2026, 3, 10, 10)) == 1
    birthday.refresh_from_db()
    assert birthday.status == SmsStatus.RECORDED and birthday.text


class Failing(SmsBackend):
    def __init__(self, permanent=False):
        self.permanent = permanent

    def send(self, *, phone, text) -> SendResult:
        raise SmsError("gateway down", permanent=self.permanent)


def test_failures_are_retried_then_given_up(birthday):
    deliver_due_sms(now=at(2026, 3, 10, 10), backend=Failing())
    birthday.refresh_from_db()
    assert birthday.status == SmsStatus.PENDING and birthday.attempts == 1
    assert birthday.not_before == at(2026, 3, 10, 10, 10) and "gateway" in birthday.last_error
    deliver_due_sms(now=at(2026, 3, 10, 10, 10), backend=Failing(permanent=True))
    birthday.refresh_from_db()
    assert birthday.status == SmsStatus.FAILED


def test_no_text_to_landlines_or_customers_who_said_no(world):
    landline = CustomerFactory(
        organisation=world.org, phone="+861065432100", birthday=date(1990, 3, 10)
    )
    refused = CustomerFactory(organisation=world.org, birthday=date(1990, 3, 10))
    CustomerCallPreference.objects.create(customer=refused, no_sms=True)
    plan_day(world.org.pk, now=at(2026, 3, 10, 8))
    assert not SmsMessage.objects.filter(customer__in=[landline, refused]).exists()


def test_the_signature_setting_names_the_sender(world, memory):
    from kesu.callbacks.models import CallbackSettings

    CallbackSettings.objects.filter(organisation=world.org).update(sms_signature="华辰汽车")
    CustomerFactory(organisation=world.org, branch=world.branch, birthday=date(1990, 3, 10))
    plan_day(world.org.pk, now=at(2026, 3, 10, 9, 30))
    deliver_due_sms(now=at(2026, 3, 10, 9, 30), backend=memory)
    ((_phone, text),) = memory.sent
    assert "华辰汽车" in text


def test_the_console_backend_prints_the_text_and_says_nothing_left(capsys):
    from kesu.callbacks.sms import ConsoleBackend

    result = ConsoleBackend().send(phone="+8613800000000", text="您的验证码 123456")
    assert "[SMS to +8613800000000] 您的验证码 123456" in capsys.readouterr().err
    assert result.delivered is False
