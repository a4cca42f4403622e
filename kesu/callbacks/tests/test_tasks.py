"""The Celery tasks run the planning and the sending for every organisation, synchronously here."""

from datetime import time, timedelta

import pytest
from django.utils import timezone

from kesu.callbacks.choices import SmsStatus
from kesu.callbacks.models import CallbackSettings, CallbackTask, SmsMessage
from kesu.callbacks.sms import MemoryBackend
from kesu.callbacks.tasks import plan_callbacks, send_sms
from kesu.customers.tests.factories import CustomerFactory, PurchaseFactory


def test_plan_callbacks_plans_every_organisation_once_and_counts_the_tasks(world):
    yesterday = timezone.localdate() - timedelta(days=1)
    customer = CustomerFactory(organisation=world.org, branch=world.branch)
    purchase = PurchaseFactory(customer=customer, branch=world.branch, order_effective_on=yesterday)
    created = plan_callbacks()
    assert created >= 1 and created == CallbackTask.objects.count()
    assert CallbackTask.objects.filter(purchase=purchase, plan__code="welcome").exists()
    assert plan_callbacks() == 0


@pytest.fixture
def pending(world, settings):
    settings.KESU_SMS_BACKEND = "kesu.callbacks.sms.MemoryBackend"
    MemoryBackend.sent = []
    CallbackSettings.objects.filter(organisation=world.org).update(
        sms_from=time(0, 0), sms_until=time.max
    )
    customer = CustomerFactory(organisation=world.org, branch=world.branch)
    return [
        SmsMessage.objects.create(
            organisation=world.org,
            branch=world.branch,
            customer=customer,
            key=f"test:{i}",
            phone=customer.phone,
            template="birthday",
            params={"name": customer.name},
            sender_name="华辰汽车",
            not_before=timezone.now() - timedelta(minutes=1),
        )
        for i in range(3)
    ]


def test_send_sms_hands_due_messages_to_the_backend_in_batches(pending):
    assert send_sms(batch_size=2) == 2
    assert send_sms(batch_size=2) == 1
    assert send_sms() == 0
    assert len(MemoryBackend.sent) == 3
    assert set(SmsMessage.objects.values_list("status", flat=True)) == {SmsStatus.SENT}
