"""The timeline says the customer was told only once a message went out (kesu/mailboxes/
messaging.py): a text waiting in the outbox is *queued* with the time it may go from, *told*
comes when the provider took it, with the text as sent; a text kept for want of a provider or
failed, and an e-mail the mail server never took, say so. Entries are only added, never
rewritten (the trail stays verifiable). What the staff read (panel and timeline) is the text
the customer gets, signature included; every e-mail subject reads back without stray spaces."""

import email
from email import policy

import pytest
from django.core import mail

from kesu.audit.models import AuditEntry
from kesu.audit.services import iter_chain_breaks
from kesu.callbacks.choices import SmsStatus
from kesu.callbacks.models import SmsMessage
from kesu.callbacks.sms import MemoryBackend, OutboxBackend, SmsError, deliver_due_sms
from kesu.complaints.tests.helpers import closed_complaint
from kesu.customers.tests.factories import CustomerFactory
from kesu.mailboxes import messaging
from kesu.mailboxes.choices import MailAction, MessageKind
from kesu.mailboxes.defaults import TEMPLATES
from kesu.mailboxes.messaging import deliver_message, send_to_customer
from kesu.mailboxes.models import CustomerMessage, MessageTemplate
from kesu.organisation.choices import Role

TOLD = (MailAction.TOLD_BY_SMS, MailAction.TOLD_BY_EMAIL)
REFUSED_PHONE = "+8613700000000"
VALUES = {
    MessageKind.PROGRESS: {"text": "明天上午回电。"},
    MessageKind.CLOSURE: {"recourse": "· 12315"},
    MessageKind.SURVEY: {"url": "https://kesu.example.com/s/x", "until": "2026-12-31"},
}


def _actions(complaint) -> list[str]:
    return list(
        AuditEntry.objects.filter(complaint_id=complaint.pk)
        .order_by("seq")
        .values_list("action", flat=True)
    )


def _send(world, kind, customer=None, **extra):
    customer = customer or CustomerFactory(organisation=world.org, branch=world.branch)
    complaint = world.complaint(customer=customer)
    message = send_to_customer(
        complaint=complaint,
        kind=kind,
        by=world.user(Role.HANDLER),
        values=VALUES.get(kind),
        **extra,
    )
    assert message is not None
    return complaint, message


class Refusing(OutboxBackend):
    def send(self, *, phone, text):
        raise SmsError("number blocked by the carrier", permanent=True)


@pytest.mark.parametrize("kind", list(MessageKind))
def test_a_queued_text_is_not_told_until_the_provider_took_it(world, kind):
    complaint, message = _send(world, kind)
    sms = SmsMessage.objects.get(key=f"message:{message.pk}")
    assert not set(_actions(complaint)) & set(TOLD)
    waiting = AuditEntry.objects.get(complaint_id=complaint.pk, action=MailAction.MESSAGE_WAITING)
    assert waiting.data["to"] == message.to and waiting.data["message"] == message.pk
    assert waiting.data["not_before"]  # when it may go: the sending hours

    memory = MemoryBackend()
    MemoryBackend.sent = []
    assert deliver_due_sms(backend=memory, now=sms.not_before) == 1
    ((phone, sent_text),) = MemoryBackend.sent
    told = AuditEntry.objects.get(complaint_id=complaint.pk, action=MailAction.TOLD_BY_SMS)
    assert told.data["text"] == sent_text and told.data["to"] == phone == message.to
    assert told.actor == message.created_by and told.seq > waiting.seq
    message.refresh_from_db()
    assert message.status == "sent" and message.sent_at
    # What the staff read is what the customer got, signature and all (the panel's text).
    assert message.body == sent_text
    # Appended, not rewritten: the queued entry is as it was and the chain verifies.
    assert AuditEntry.objects.get(pk=waiting.pk).data == waiting.data
    assert not list(iter_chain_breaks())


def test_a_text_kept_without_a_provider_or_refused_says_the_customer_was_not_told(world):
    kept_complaint, kept = _send(world, MessageKind.PROGRESS)
    failed_complaint, failed = _send(world, MessageKind.PROGRESS)
    keys = [f"message:{kept.pk}", f"message:{failed.pk}"]
    # Both due (the later one's time, which a text queued within the sending hours takes from
    # the moment it was queued); the refused number is one the customer factory never makes.
    not_before = max(SmsMessage.objects.filter(key__in=keys).values_list("not_before", flat=True))
    SmsMessage.objects.filter(key=f"message:{failed.pk}").update(phone=REFUSED_PHONE)

    class Split(OutboxBackend):
        def send(self, *, phone, text):
            if phone == REFUSED_PHONE:
                return Refusing().send(phone=phone, text=text)
            return super().send(phone=phone, text=text)

    deliver_due_sms(backend=Split(), now=not_before)
    assert SmsMessage.objects.get(key=f"message:{kept.pk}").status == SmsStatus.RECORDED
    assert MailAction.MESSAGE_KEPT in _actions(kept_complaint)
    entry = AuditEntry.objects.get(
        complaint_id=failed_complaint.pk, action=MailAction.MESSAGE_NOT_SENT
    )
    assert "blocked" in entry.data["reason"]
    failed.refresh_from_db()
    assert failed.status == "failed"
    for complaint in (kept_complaint, failed_complaint):
        assert not set(_actions(complaint)) & set(TOLD)


def test_a_text_that_will_be_tried_again_is_still_only_queued(world):
    class Down(OutboxBackend):
        def send(self, *, phone, text):
            raise SmsError("provider down")

    complaint, message = _send(world, MessageKind.PROGRESS)
    sms = SmsMessage.objects.get(key=f"message:{message.pk}")
    deliver_due_sms(backend=Down(), now=sms.not_before)
    assert _actions(complaint)[-1] == MailAction.MESSAGE_WAITING


def test_the_timeline_says_queued_and_from_when_then_told(client, world):
    complaint, message = _send(world, MessageKind.PROGRESS)
    client.force_login(world.user(Role.HANDLER))

    def timeline(language):
        page = client.get(f"/complaints/{complaint.pk}/", HTTP_ACCEPT_LANGUAGE=language)
        text = page.content.decode()
        return text[
            text.index("<h2>Timeline") if language == "en" else text.index("<h2>处理记录") :
        ]

    page = timeline("en")
    assert "Text message to the customer queued, not sent yet" in page
    assert "data-not-before" in page and "to be sent from" in page
    assert "Customer told by text message" not in page
    zh = timeline("zh-hans")
    assert (
        "给客户的短信已排队，尚未发出" in zh and "起发送" in zh and "已通过短信告知客户" not in zh
    )
    sms = SmsMessage.objects.get(key=f"message:{message.pk}")
    deliver_due_sms(backend=MemoryBackend(), now=sms.not_before)
    assert "Customer told by text message" in timeline("en")


def test_the_closing_text_is_signed_where_staff_read_it_as_every_other_text(world):
    complaint = closed_complaint(world)
    (message,) = CustomerMessage.objects.filter(complaint=complaint, kind="closure")
    sms = SmsMessage.objects.get(key=f"message:{message.pk}")
    branch = complaint.branch.customer_name
    assert message.body.startswith(f"【{branch}】")  # zh: the carriers' brackets
    from kesu.callbacks.sms import render_sms

    assert render_sms(sms) == message.body


def test_an_email_is_told_once_the_mail_server_took_it_and_not_before(
    world, settings, django_capture_on_commit_callbacks
):
    customer = CustomerFactory(organisation=world.org, branch=world.branch, email="li@example.test")
    customer.preferred_channel = "email"
    customer.save()
    settings.EMAIL_BACKEND = "kesu.mailboxes.tests.test_told.DownBackend"
    complaint, message = _send(world, MessageKind.PROGRESS, customer=customer)
    assert not set(_actions(complaint)) & set(TOLD)
    for _try in range(messaging.MAX_ATTEMPTS):
        CustomerMessage.objects.filter(pk=message.pk).update(status="pending")
        deliver_message(message.pk)
    actions = _actions(complaint)
    assert MailAction.TOLD_BY_EMAIL not in actions
    assert actions.count(MailAction.MESSAGE_NOT_SENT) == 1  # once, when it failed for good

    settings.EMAIL_BACKEND = "django.core.mail.backends.locmem.EmailBackend"
    complaint, message = _send(world, MessageKind.PROGRESS, customer=customer)
    assert not set(_actions(complaint)) & set(TOLD)
    assert deliver_message(message.pk)
    entry = AuditEntry.objects.get(complaint_id=complaint.pk, action=MailAction.TOLD_BY_EMAIL)
    assert entry.data["to"] == "li@example.test" and entry.data["sender"]


class DownBackend:
    def __init__(self, *args, **kwargs):
        pass

    def send_messages(self, messages):
        raise OSError("connection refused")


@pytest.mark.parametrize("language", ["zh-hans", "en"])
@pytest.mark.parametrize(
    "kind", sorted({k for (k, channel, _lang) in TEMPLATES if channel == "email"}), ids=str
)
def test_every_email_subject_reads_back_as_written_without_stray_spaces(
    world, settings, kind, language
):
    settings.EMAIL_BACKEND = "django.core.mail.backends.locmem.EmailBackend"
    settings.KESU_CUSTOMER_LANGUAGE = language
    customer = CustomerFactory(
        organisation=world.org,
        branch=world.branch,
        email="wang@example.test",
        preferred_channel="email",
        language=language,
    )
    complaint, message = _send(world, kind, customer=customer)
    mail.outbox = []
    assert deliver_message(message.pk)
    (sent,) = mail.outbox
    raw = sent.message().as_bytes(linesep="\r\n")
    read = email.message_from_bytes(raw, policy=policy.default)["Subject"]
    assert read == read.strip() and read == message.subject and complaint.number in read
    assert b"Subject: \r\n" not in raw  # no empty first line for mail programs to show


def test_a_subject_with_spaces_and_line_breaks_is_one_clean_line(world, settings):
    settings.EMAIL_BACKEND = "django.core.mail.backends.locmem.EmailBackend"
    MessageTemplate.objects.filter(organisation=world.org, kind="progress", channel="email").update(
        subject="  [{number}]\n  {title}  "
    )
    customer = CustomerFactory(
        organisation=world.org,
        branch=world.branch,
        email="w@example.test",
        preferred_channel="email",
    )
    complaint, message = _send(world, MessageKind.PROGRESS, customer=customer)
    assert message.subject == f"[{complaint.number}] {' '.join(complaint.title.split())}"
    assert deliver_message(message.pk)
