"""Messages to customers, by the channel they prefer, from the organisation's templates.

The rule: by e-mail when the customer prefers e-mail (or has no mobile number) and an address
is known; else by text message when a mobile number is known and they accept texts; else the
message is not sent and the timeline says so. Every message is a CustomerMessage row.

E-mail goes out through Django's mail backend after the commit, from the branch mailbox's
address, with the loop header; text messages join the callbacks' outbox (sending hours).

The complaint's timeline says the customer was *told* only once the message went out: the
e-mail handed to the mail server (deliver_message), the text to the SMS provider (the outbox's
`sms_sent` hook, `sms_done` here). A text waiting in the outbox is an entry of its own (queued,
with the time it may go from); a message that could not go out, or a text the outbox kept for
want of a provider, says so. Entries are only ever added (the audit trail is hash-chained).
"""

import logging
from email.utils import make_msgid

from django.conf import settings
from django.db import connection, transaction
from django.utils import timezone, translation
from django.utils.translation import gettext as _

from kesu.audit.services import audit_record
from kesu.callbacks.sms import build_sms, save_messages, sender_for, signed
from kesu.complaints.models import Complaint
from kesu.complaints.selectors import recourse_for
from kesu.core.mail import SubjectSafeEmail
from kesu.customers.choices import ContactChannel
from kesu.customers.models import Customer
from kesu.mailboxes.choices import (
    MailAction,
    MessageChannel,
    MessageKind,
    MessageLanguage,
    MessageStatus,
)
from kesu.mailboxes.defaults import install_message_templates
from kesu.mailboxes.models import CustomerMessage, Mailbox, MessageTemplate
from kesu.mailboxes.parsing import LOOP_HEADER
from kesu.mailboxes.rendering import render_template

logger = logging.getLogger(__name__)
MAX_ATTEMPTS = 5


def customer_language(customer: Customer) -> str:
    """Messages go out in the customer's language (their record's, else the site's)."""
    return customer.message_language


def contact_for(customer: Customer) -> tuple[str, str] | None:
    """(channel, address) the customer is reached on, by the rule above; None: not at all."""
    from kesu.callbacks.models import CustomerCallPreference
    from kesu.callbacks.sms import can_receive_sms

    mobile = bool(customer.phone) and can_receive_sms(customer.phone)
    if (
        mobile
        and CustomerCallPreference.objects.filter(customer_id=customer.pk, no_sms=True).exists()
    ):
        mobile = False
    if customer.email and (customer.preferred_channel == ContactChannel.EMAIL or not mobile):
        return MessageChannel.EMAIL, customer.email
    if mobile:
        return MessageChannel.SMS, customer.phone
    return None


def mailbox_for(complaint: Complaint) -> Mailbox | None:
    return (
        Mailbox.objects.filter(branch_id=complaint.branch_id, is_active=True).order_by("id").first()
    )


def template_for(
    organisation_id: int, kind: str, channel: str, language: str
) -> MessageTemplate | None:
    """The organisation's template in `language` (else another language)."""
    rows = list(
        MessageTemplate.objects.filter(organisation_id=organisation_id, kind=kind, channel=channel)
    )
    if not rows:
        from kesu.organisation.models import Organisation

        install_message_templates(Organisation(pk=organisation_id))
        rows = list(
            MessageTemplate.objects.filter(
                organisation_id=organisation_id, kind=kind, channel=channel
            )
        )
    wanted = MessageLanguage.EN if language.startswith("en") else MessageLanguage.ZH_HANS
    rows.sort(key=lambda t: (t.language != wanted, t.language != MessageLanguage.ZH_HANS))
    return rows[0] if rows else None


def values_for(complaint: Complaint, **extra) -> dict:
    from kesu.complaints.printing import tracking_url

    branch = complaint.branch
    received = timezone.localtime(complaint.received_at).strftime("%Y-%m-%d %H:%M")
    return {
        "name": complaint.customer.name,
        "number": complaint.number,
        "title": complaint.title,
        "branch": branch.name,
        "hotline": branch.phone or branch.name,
        "received": received,
        # The customer portal's tracking page, under KESU_PUBLIC_URL (kesu/core/links.py).
        "tracking": tracking_url(None, complaint),
        **extra,
    }


def send_to_customer(
    *,
    complaint: Complaint,
    kind: str,
    by=None,
    values: dict | None = None,
    in_reply_to: str = "",
    channels: tuple[str, ...] = (MessageChannel.EMAIL, MessageChannel.SMS),
) -> CustomerMessage | None:
    """Tell the complaint's customer `kind`, by their channel, inside the caller's transaction.

    `channels` limits the channels this message may take (a closure text message is the
    callbacks' own). Returns the message, or None when the customer cannot be reached on
    those channels (recorded on the timeline)."""
    customer = complaint.customer
    contact = contact_for(customer)
    language = customer_language(customer)
    template = (
        template_for(complaint.organisation_id, kind, contact[0], language) if contact else None
    )
    if contact is None or contact[0] not in channels or template is None:
        if contact is None:
            audit_record(
                organisation_id=complaint.organisation_id,
                actor=by,
                action=MailAction.NOT_TOLD,
                obj=complaint,
                complaint_id=complaint.pk,
                data={"kind": kind},
            )
        return None
    channel, to = contact
    sender = _sms_sender(complaint) if channel == MessageChannel.SMS else ""
    with translation.override(language):
        filled = values_for(complaint, **(values or {}))
        subject = one_line(render_template(kind, template.subject, filled))[:300]
        text = render_template(kind, template.body, filled)
        # A text message as the customer reads it, signed (the outbox signs it the same way).
        body = signed(text, sender) if channel == MessageChannel.SMS else text
    mailbox = mailbox_for(complaint) if channel == MessageChannel.EMAIL else None
    message = CustomerMessage.objects.create(
        organisation_id=complaint.organisation_id,
        complaint=complaint,
        customer=customer,
        kind=kind,
        channel=channel,
        to=to,
        subject=subject,
        body=body,
        in_reply_to=in_reply_to[:300],
        from_address=mailbox.address if mailbox else settings.DEFAULT_FROM_EMAIL,
        created_by=by,
    )
    if channel == MessageChannel.SMS:
        _queue_sms(message, complaint, by, text=text, sender=sender)
    else:  # told on the timeline once the mail server took it
        transaction.on_commit(lambda: deliver_message(message.pk))
    return message


def one_line(subject: str) -> str:
    """A subject as one line without surrounding spaces (a template's or a title's line breaks
    and spaces would be refused by the mail backend or shown by the customer's mail program)."""
    return " ".join(subject.split())


def record_sent(
    *,
    complaint: Complaint,
    kind: str,
    channel: str,
    to: str,
    body: str,
    sent: bool,
    error: str = "",
    by=None,
) -> CustomerMessage:
    """A message to the customer that another app sent itself, at once (the portal's text with
    the new complaint's number): a row and a timeline entry like every other message, *told*
    only when it went out (`sent`, no `error`)."""
    now = timezone.now()
    with transaction.atomic():
        message = CustomerMessage.objects.create(
            organisation_id=complaint.organisation_id,
            complaint=complaint,
            customer_id=complaint.customer_id,
            kind=kind,
            channel=channel,
            to=to,
            body=body,
            status=MessageStatus.FAILED
            if error
            else (MessageStatus.SENT if sent else MessageStatus.QUEUED_SMS),
            attempts=1,
            last_error=error[:500],
            sent_at=now if sent and not error else None,
            created_by=by,
        )
        if sent and not error:
            _record_told(message, by)
        elif error:
            _record_message(message, MailAction.MESSAGE_NOT_SENT, by, reason=message.last_error)
        else:  # the backend kept it (no provider): nothing reached the customer
            _record_message(message, MailAction.MESSAGE_KEPT, by)
    return message


def _record_message(message: CustomerMessage, action: str, by, **extra) -> None:
    """The complaint's timeline entry about a message to its customer: what, to whom, the text
    (as sent, or as it will be), and what became of it (`action`)."""
    if message.complaint_id is None:
        return
    audit_record(
        organisation_id=message.organisation_id,
        actor=by,
        action=action,
        obj=message.complaint,
        complaint_id=message.complaint_id,
        data={
            "kind": message.kind,
            "to": message.to,
            "message": message.pk,
            "text": message.body,
            **extra,
        },
    )


def _record_told(message: CustomerMessage, by, **extra) -> None:
    """The customer was told: the message went out (only then)."""
    action = (
        MailAction.TOLD_BY_EMAIL
        if message.channel == MessageChannel.EMAIL
        else MailAction.TOLD_BY_SMS
    )
    _record_message(message, action, by, **extra)


def _sms_sender(complaint: Complaint) -> str:
    from kesu.callbacks.plans import settings_for

    return sender_for(settings_for(complaint.organisation_id), complaint.branch)


def _queue_sms(
    message: CustomerMessage, complaint: Complaint, by, *, text: str, sender: str
) -> None:
    """Into the callbacks' outbox (sent in the sending hours): the timeline says it is queued
    and from when it may go; `sms_done` records what became of it."""
    from kesu.callbacks.choices import SmsTemplate
    from kesu.callbacks.plans import settings_for

    sms = build_sms(
        cb_settings=settings_for(complaint.organisation_id),
        key=f"message:{message.pk}",
        phone=message.to,
        template=SmsTemplate.CUSTOMER_MESSAGE,
        params={"text": text},
        sender_name=sender,
        now=timezone.now(),
        branch_id=complaint.branch_id,
        customer=complaint.customer,
        actor=by,
    )
    save_messages(complaint.organisation_id, [sms], by)
    message.status = MessageStatus.QUEUED_SMS
    message.save(update_fields=["status"])
    _record_message(message, MailAction.MESSAGE_WAITING, by, not_before=sms.not_before)


def sms_done(sms) -> None:
    """The callbacks' `sms_sent` hook: a text of the outbox was sent, kept for want of a
    provider, or failed for good. A message to a customer (key `message:<id>`) records it: the
    row's status, and on the complaint's timeline *told*, with the text as sent, or why not."""
    from kesu.callbacks.choices import SmsStatus

    if not sms.key.startswith("message:"):
        return
    message = (
        CustomerMessage.objects.filter(
            organisation_id=sms.organisation_id, pk=sms.key.removeprefix("message:")
        )
        .select_related("complaint", "created_by")
        .first()
    )
    if message is None:
        return
    by = message.created_by
    if sms.status == SmsStatus.SENT:
        message.status, message.sent_at, message.last_error = MessageStatus.SENT, sms.sent_at, ""
        message.save(update_fields=["status", "sent_at", "last_error"])
        message.body = sms.text or message.body  # the text exactly as it went out
        _record_told(message, by)
    elif sms.status == SmsStatus.FAILED:
        message.status, message.last_error = MessageStatus.FAILED, sms.last_error[:500]
        message.save(update_fields=["status", "last_error"])
        _record_message(message, MailAction.MESSAGE_NOT_SENT, by, reason=sms.last_error)
    elif sms.status == SmsStatus.RECORDED:
        _record_message(message, MailAction.MESSAGE_KEPT, by)


def deliver_message(message_id: int) -> bool:
    """Send one waiting e-mail (claimed in a transaction, so it goes once). True if sent."""
    with transaction.atomic():
        qs = CustomerMessage.objects.filter(
            pk=message_id, status=MessageStatus.PENDING, channel=MessageChannel.EMAIL
        )
        if connection.features.has_select_for_update_skip_locked:
            qs = qs.select_for_update(skip_locked=True)
        message = qs.first()
        if message is None:
            return False
        message.attempts += 1
        try:
            _send_email(message)
        except Exception as exc:  # SMTP errors of every kind: kept for the next try
            logger.warning("message %s to a customer not sent: %s", message.pk, exc)
            message.last_error = str(exc)[:500]
            if message.attempts >= MAX_ATTEMPTS:
                message.status = MessageStatus.FAILED
            message.save(update_fields=["attempts", "last_error", "status"])
            if message.status == MessageStatus.FAILED:
                _record_message(
                    message,
                    MailAction.MESSAGE_NOT_SENT,
                    message.created_by,
                    sender=message.from_address,
                    reason=message.last_error,
                )
            return False
        message.status, message.sent_at, message.last_error = MessageStatus.SENT, timezone.now(), ""
        message.save(update_fields=["attempts", "last_error", "status", "sent_at"])
        _record_told(message, message.created_by, sender=message.from_address)
        return True


def _send_email(message: CustomerMessage) -> None:
    headers = {
        LOOP_HEADER: str(message.organisation_id),
        # RFC 3834: an automatic answer, so other robots do not answer it in turn.
        "Auto-Submitted": "auto-replied"
        if message.kind == MessageKind.ACKNOWLEDGEMENT
        else "auto-generated",
        "Message-ID": make_msgid(domain=(message.from_address.split("@")[-1] or "kesu.local")),
    }
    if message.in_reply_to:
        headers["In-Reply-To"] = message.in_reply_to
        headers["References"] = message.in_reply_to
    SubjectSafeEmail(
        subject=message.subject,
        body=message.body,
        from_email=message.from_address,
        to=[message.to],
        headers=headers,
    ).send()


def deliver_pending_messages(batch_size: int = 100) -> int:
    """The e-mails still waiting (the worker died before sending, or SMTP was down)."""
    ids = list(
        CustomerMessage.objects.filter(status=MessageStatus.PENDING, channel=MessageChannel.EMAIL)
        .order_by("id")
        .values_list("pk", flat=True)[:batch_size]
    )
    return sum(1 for pk in ids if deliver_message(pk))


def send_shared_progress(complaint: Complaint, text: str, *, by) -> CustomerMessage | None:
    """A note staff shared with the customer, sent to them by their channel. To be called by
    the `note_shared(complaint, entry)` hook of kesu.complaints (`note_shared_to_customer`)."""
    text = (text or "").strip()
    if not text:
        return None
    return send_to_customer(
        complaint=complaint, kind=MessageKind.PROGRESS, by=by, values={"text": text}
    )


def note_shared_to_customer(complaint: Complaint, entry) -> CustomerMessage | None:
    """The complaints' `note_shared` hook: the note's text goes to the customer."""
    return send_shared_progress(complaint, (entry.data or {}).get("text", ""), by=entry.actor)


def closure_to_customer(complaint: Complaint, move: str, actor, now=None) -> None:
    """The complaints' after_move hook: the customer of a complaint closed with a result is
    told by their channel (e-mail or text message, from the closure template) with the link to
    its tracking page and where else they may turn, with each option's time limit: the list
    the portal and the printed closing letter show (complaints' recourse_for), the text
    message in its compact form. Merged and withdrawn complaints are not told."""
    from kesu.complaints.choices import Move
    from kesu.complaints.selectors import recourse_text

    options = recourse_for(complaint) if move == Move.CLOSE else []
    if not options:
        return
    contact = contact_for(complaint.customer)
    compact = contact is not None and contact[0] == MessageChannel.SMS
    with translation.override(customer_language(complaint.customer)):
        send_to_customer(
            complaint=complaint,
            kind=MessageKind.CLOSURE,
            by=actor,
            values={"recourse": recourse_text(options, compact=compact) or _("(none)")},
        )


def survey_link_channel(task) -> str:
    """The channel `send_survey_link` would take for this callback task (the button says it)."""
    contact = contact_for(task.customer) if task.complaint_id else None
    if contact is not None and contact[0] == MessageChannel.EMAIL:
        return MessageChannel.EMAIL
    return MessageChannel.SMS


def send_survey_link(*, actor, task, request=None, now=None) -> tuple[str, object]:
    """The questionnaire link of a callback task by the customer's channel: for a task about a
    complaint, from the survey template, a CustomerMessage on the complaint's page and
    timeline: ("email", the message) or ("sms", its text message in the outbox); for another
    task (or a customer reached neither way), the callbacks' text message ("sms", SmsMessage)."""
    from django.core.exceptions import ValidationError

    from kesu.callbacks.models import SmsMessage
    from kesu.callbacks.surveys import invitation_create, send_link_by_sms, survey_url

    contact = contact_for(task.customer) if task.complaint_id else None
    if contact is None:
        _inv, sms, _url = send_link_by_sms(actor=actor, task=task, request=request, now=now)
        return MessageChannel.SMS, sms
    survey = task.plan.survey
    if survey is None or not survey.is_active:
        raise ValidationError({"survey": _("This callback has no questionnaire.")})
    with transaction.atomic():
        invitation, token = invitation_create(
            survey=survey,
            customer=task.customer,
            complaint=task.complaint,
            task=task,
            actor=actor,
            now=now or timezone.now(),
        )
        message = send_to_customer(
            complaint=task.complaint,
            kind=MessageKind.SURVEY,
            by=actor,
            values={
                "url": survey_url(token, request),
                "until": timezone.localtime(invitation.expires_at).strftime("%Y-%m-%d"),
            },
        )
    if message is not None and message.channel == MessageChannel.SMS:
        return MessageChannel.SMS, SmsMessage.objects.get(
            organisation_id=message.organisation_id, key=f"message:{message.pk}"
        )
    return contact[0], message
