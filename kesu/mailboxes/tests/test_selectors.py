"""kesu/mailboxes/selectors.py: the messages a complaint's customer was sent, newest first, with
the text messages' delivery status from the outbox and the address masked by the reader's role."""

from kesu.callbacks.models import SmsMessage
from kesu.callbacks.sms import MemoryBackend, deliver_due_sms
from kesu.complaints.tests.helpers import closed_complaint
from kesu.customers.tests.factories import CustomerFactory
from kesu.mailboxes.models import CustomerMessage
from kesu.mailboxes.selectors import messages_to_customer
from kesu.organisation.choices import Role


def test_a_text_message_carries_its_outbox_status_and_only_its_complaints_messages(world):
    customer = CustomerFactory(organisation=world.org, branch=world.branch, email="")
    complaint, other = closed_complaint(world, customer=customer), closed_complaint(world)
    (message,) = CustomerMessage.objects.filter(complaint=complaint)
    director = world.user(Role.DIRECTOR)

    (before,) = messages_to_customer(director, complaint)
    assert before.message == message and not before.failed
    sms = SmsMessage.objects.get(key=f"message:{message.pk}")
    assert deliver_due_sms(backend=MemoryBackend(), now=sms.not_before) >= 1
    (after,) = messages_to_customer(director, complaint)
    sms.refresh_from_db()
    assert after.status == str(sms.get_status_display()) and after.at == sms.sent_at
    assert {m.message.complaint_id for m in messages_to_customer(director, other)} == {other.pk}


def test_the_address_is_masked_for_a_role_that_does_not_call_customers(world):
    customer = CustomerFactory(
        organisation=world.org,
        branch=world.branch,
        email="li.ming@example.test",
        preferred_channel="email",
    )
    complaint = closed_complaint(world, customer=customer)
    manager, director = world.user(Role.GROUP), world.user(Role.DIRECTOR)
    assert not manager.sees_contact_data
    assert [m.to for m in messages_to_customer(manager, complaint)] == ["l*****g@example.test"]
    assert [m.to for m in messages_to_customer(director, complaint)] == ["li.ming@example.test"]
