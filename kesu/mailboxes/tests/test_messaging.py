"""Messages to customers by their preference, from the templates, recorded on the timeline."""

import pytest

from kesu.audit.models import AuditEntry
from kesu.callbacks.models import CustomerCallPreference, SmsMessage
from kesu.callbacks.sms import render_sms
from kesu.customers.tests.factories import CustomerFactory
from kesu.mailboxes.choices import MailAction
from kesu.mailboxes.messaging import (
    contact_for,
    deliver_pending_messages,
    send_shared_progress,
    send_to_customer,
)
from kesu.mailboxes.models import CustomerMessage, Mailbox, MessageTemplate
from kesu.organisation.choices import Role


def test_the_preference_picks_the_channel(world):
    both = dict(organisation=world.org, email="c@example.test")
    assert contact_for(CustomerFactory(**both, preferred_channel="email"))[0] == "email"
    assert contact_for(CustomerFactory(**both, preferred_channel="sms"))[0] == "sms"
    assert contact_for(CustomerFactory(**both, phone="+861062223333"))[0] == "email"  # landline
    assert contact_for(CustomerFactory(organisation=world.org, phone="", email="")) is None
    no_texts = CustomerFactory(organisation=world.org)
    CustomerCallPreference.objects.create(customer=no_texts, no_sms=True)
    assert contact_for(no_texts) is None


def test_shared_progress_by_e_mail_reaches_the_smtp_server_from_the_branch_mailbox(
    world, smtp_server, django_capture_on_commit_callbacks
):
    Mailbox.objects.create(
        organisation=world.org,
        branch=world.branch,
        address="care@east.test",
        host="127.0.0.1",
        username="u",
        password="p",
        intake_user=world.user(Role.FRONTLINE),
    )
    customer = CustomerFactory(
        organisation=world.org,
        branch=world.branch,
        email="li@example.test",
        preferred_channel="email",
    )
    complaint = world.complaint(customer=customer)
    handler = world.user(Role.HANDLER)
    with django_capture_on_commit_callbacks(execute=True):
        message = send_shared_progress(complaint, "零件已到，周五可修好。", by=handler)
    (received,) = smtp_server.messages
    assert received.message["From"] == "care@east.test" and received.rcpt_tos == ["li@example.test"]
    assert "零件已到" in received.body and complaint.number in received.subject
    assert received.message["X-Kesu-Loop"] == str(world.org.pk)
    message.refresh_from_db()
    assert message.status == "sent" and message.sent_at
    entry = AuditEntry.objects.get(complaint_id=complaint.pk, action=MailAction.TOLD_BY_EMAIL)
    assert entry.actor == handler and entry.data["to"] == "li@example.test"


def test_shared_progress_by_text_message_joins_the_sms_outbox(world):
    customer = CustomerFactory(organisation=world.org, branch=world.branch, preferred_channel="sms")
    complaint = world.complaint(customer=customer)
    message = send_shared_progress(complaint, "明天上午回电。", by=world.user(Role.HANDLER))
    assert message.channel == "sms" and message.status == "queued_sms"
    (sms,) = SmsMessage.objects.filter(customer=customer, template="customer_message")
    assert "明天上午回电" in render_sms(sms) and complaint.number in render_sms(sms)
    # Queued, not told: the outbox sends it in the sending hours (test_told.py).
    assert AuditEntry.objects.filter(
        complaint_id=complaint.pk, action=MailAction.MESSAGE_WAITING
    ).exists()
    assert not AuditEntry.objects.filter(
        complaint_id=complaint.pk, action=MailAction.TOLD_BY_SMS
    ).exists()


def test_a_customer_who_cannot_be_reached_is_recorded_as_not_told(world):
    customer = CustomerFactory(organisation=world.org, phone="", email="")
    complaint = world.complaint(customer=customer)
    assert send_to_customer(complaint=complaint, kind="acknowledgement") is None
    assert AuditEntry.objects.filter(complaint_id=complaint.pk, action=MailAction.NOT_TOLD).exists()


def test_an_edited_template_is_what_goes_out(world):
    MessageTemplate.objects.filter(
        organisation=world.org, kind="acknowledgement", channel="email", language="zh-hans"
    ).update(subject="受理 {number}", body="您好 {name}")
    customer = CustomerFactory(
        organisation=world.org, email="a@example.test", preferred_channel="email"
    )
    complaint = world.complaint(customer=customer)
    message = send_to_customer(complaint=complaint, kind="acknowledgement")
    assert message.subject == f"受理 {complaint.number}" and message.body == f"您好 {customer.name}"


def test_an_e_mail_the_smtp_server_refused_waits_for_the_next_run(world, settings):
    settings.EMAIL_BACKEND = "django.core.mail.backends.smtp.EmailBackend"
    settings.EMAIL_HOST, settings.EMAIL_PORT = "127.0.0.1", 1  # nothing listens there
    customer = CustomerFactory(
        organisation=world.org, email="a@example.test", preferred_channel="email"
    )
    message = send_to_customer(complaint=world.complaint(customer=customer), kind="acknowledgement")
    assert deliver_pending_messages() == 0
    message.refresh_from_db()
    assert message.status == "pending" and message.attempts == 1 and message.last_error


@pytest.mark.parametrize("preferred,channel", [("email", "email"), ("", "sms")])
def test_closing_tells_the_customer_by_their_channel(world, preferred, channel):
    from kesu.complaints.tests.helpers import closed_complaint

    customer = CustomerFactory(
        organisation=world.org,
        branch=world.branch,
        email="z@example.test",
        preferred_channel=preferred,
    )
    complaint = closed_complaint(world, customer=customer)
    (message,) = CustomerMessage.objects.filter(complaint=complaint, kind="closure")
    assert message.channel == channel and "12315" in message.body
    texts = SmsMessage.objects.filter(customer=customer, key=f"message:{message.pk}")
    assert texts.count() == (1 if channel == "sms" else 0)


def test_a_note_shared_on_the_complaint_page_is_sent_to_the_customer(world):
    from kesu.complaints.services import complaint_add_note

    customer = CustomerFactory(organisation=world.org, branch=world.branch, preferred_channel="sms")
    complaint = world.complaint(customer=customer)
    handler = world.user(Role.HANDLER)
    complaint_add_note(
        actor=handler, complaint_id=complaint.pk, text="配件周三到店。", shared_with_customer=True
    )
    complaint_add_note(actor=handler, complaint_id=complaint.pk, text="内部：费用待批。")
    (sms,) = SmsMessage.objects.filter(customer=customer, template="customer_message")
    assert "配件周三到店" in render_sms(sms) and "费用待批" not in render_sms(sms)


def test_an_english_customer_is_written_to_in_english_by_e_mail_and_text(world, settings):
    from kesu.complaints.tests.helpers import closed_complaint

    settings.KESU_CUSTOMER_LANGUAGE = "zh-hans"  # the organisation writes Chinese by default
    by_mail = CustomerFactory(
        organisation=world.org,
        branch=world.branch,
        email="amy@example.test",
        preferred_channel="email",
        language="en",
    )
    ack = send_to_customer(complaint=world.complaint(customer=by_mail), kind="acknowledgement")
    assert "We have received your message" in ack.subject and ack.body.startswith("Dear ")
    # the closing message too, with where else to turn
    closed = closed_complaint(world, customer=by_mail)
    (closure,) = CustomerMessage.objects.filter(complaint=closed, kind="closure")
    assert "Your case is closed" in closure.subject and "12315" in closure.body
    # and a text message, signature included
    by_text = CustomerFactory(
        organisation=world.org, branch=world.branch, preferred_channel="sms", language="en"
    )
    complaint = world.complaint(customer=by_text)
    send_shared_progress(complaint, "Parts arrive on Friday.", by=world.user(Role.HANDLER))
    (sms,) = SmsMessage.objects.filter(customer=by_text, template="customer_message")
    assert "news on" in render_sms(sms) and "Parts arrive on Friday." in render_sms(sms)


def test_a_customer_without_a_language_gets_the_organisations(world, settings):
    settings.KESU_CUSTOMER_LANGUAGE = "zh-hans"
    customer = CustomerFactory(
        organisation=world.org, email="b@example.test", preferred_channel="email"
    )
    ack = send_to_customer(complaint=world.complaint(customer=customer), kind="acknowledgement")
    assert "我们已收到您的来信" in ack.subject
    settings.KESU_CUSTOMER_LANGUAGE = "en"
    ack = send_to_customer(complaint=world.complaint(customer=customer), kind="acknowledgement")
    assert "We have received your message" in ack.subject
