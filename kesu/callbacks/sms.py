"""Text messages: an outbox in this app, sent through a provider backend in the sending hours.

Messages are written at once (inside the change that causes them) with `not_before` set to the
next moment inside the organisation's sending hours (09:00–17:00 by default); `deliver_due_sms`
sends those whose time has come and, if it runs late, holds the rest until the next morning.
Every message is signed with its sender's name.

The backend is a class with `send(phone=..., text=...)`, named by the KESU_SMS_BACKEND setting.
The default, `OutboxBackend`, sends nothing: it leaves the finished text in the outbox, marked
"kept in the outbox", for an operator (or a later provider) to pick up.
"""

import logging
import sys
from dataclasses import dataclass
from datetime import datetime, timedelta

import phonenumbers
from django.conf import settings
from django.db import IntegrityError, connection, transaction
from django.utils import timezone, translation
from django.utils.module_loading import import_string
from django.utils.translation import gettext_lazy as _

from kesu.audit.services import audit_record_many
from kesu.callbacks import hooks
from kesu.callbacks.choices import CallbackAction, SmsStatus, SmsTemplate
from kesu.callbacks.models import CallbackSettings, CustomerCallPreference, SmsMessage
from kesu.callbacks.windows import in_sending_hours, next_sending_time

logger = logging.getLogger(__name__)

MAX_SMS_ATTEMPTS = 5
RETRY_AFTER = timedelta(minutes=10)

TEXTS = {
    SmsTemplate.BIRTHDAY: _(
        "Dear %(name)s, happy birthday! Thank you for your trust; we wish you health and joy."
    ),
    SmsTemplate.FOUNDING_ANNIVERSARY: _(
        "Congratulations to %(name)s on %(years)s years since its founding, and thank you for "
        "working with us."
    ),
    SmsTemplate.KEY_PERSON_BIRTHDAY: _(
        "Dear %(name)s, happy birthday from all of us, and thank you for your support."
    ),
    SmsTemplate.HOLIDAY: _(
        "Dear %(name)s, our warmest wishes for %(holiday)s. Travel safely over the holiday."
    ),
    SmsTemplate.SURVEY_LINK: _(
        "Dear %(name)s, please tell us how we did, it takes a minute: %(url)s (open until "
        "%(until)s)."
    ),
    # Texts queued before the closure went through kesu/mailboxes' templates (with the time
    # limits and the tracking link): kept so that such a message still renders.
    SmsTemplate.CLOSURE: _(
        "Dear %(name)s, your complaint %(number)s is closed. If you are still not satisfied, "
        "please call us, or turn to %(recourse)s."
    ),
}
SIGNATURE = _("[%(sender)s]")
EVENT_TEMPLATES = {
    "birthday": SmsTemplate.BIRTHDAY,
    "founding_anniversary": SmsTemplate.FOUNDING_ANNIVERSARY,
    "key_person_birthday": SmsTemplate.KEY_PERSON_BIRTHDAY,
    "holiday": SmsTemplate.HOLIDAY,
}


def sms_language(customer=None) -> str:
    """Messages go out in the customer's language (their record's), not the staff member's;
    without a customer (a code to a phone number), in KESU_CUSTOMER_LANGUAGE."""
    if customer is not None:
        return customer.message_language
    return settings.KESU_CUSTOMER_LANGUAGE


def signed(text: str, sender: str) -> str:
    """A text message as its reader gets it: the sender's signature (in the active language's
    brackets, 【…】 in Chinese, as carriers ask), then the text. Every text Kesu sends is signed
    here: the outbox's, the portal's code and case number."""
    return str(SIGNATURE) % {"sender": sender} + text


def render_sms(message: SmsMessage) -> str:
    with translation.override(sms_language(message.customer if message.customer_id else None)):
        if message.template == SmsTemplate.CUSTOMER_MESSAGE:
            body = str(message.params.get("text", ""))
        else:
            body = str(TEXTS[message.template]) % message.params
        return signed(body, message.sender_name)


@dataclass(frozen=True)
class SendResult:
    reference: str
    delivered: bool  # False: the backend kept the message, nothing left the building


class SmsError(Exception):
    def __init__(self, message: str, permanent: bool = False):
        super().__init__(message)
        self.permanent = permanent


class SmsBackend:
    """A provider: sends one text to one mobile number, or raises SmsError."""

    def send(self, *, phone: str, text: str) -> SendResult:  # pragma: no cover - interface
        raise NotImplementedError


class OutboxBackend(SmsBackend):
    """No provider configured: the message stays in the outbox with its final text."""

    def send(self, *, phone: str, text: str) -> SendResult:
        return SendResult(reference="", delivered=False)


class ConsoleBackend(SmsBackend):
    """`make run`'s provider: prints each text to the terminal, so that the demo's customer
    portal (which texts a code) can be tried without a provider. Nothing leaves the machine."""

    def send(self, *, phone: str, text: str) -> SendResult:
        print(f"[SMS to {phone}] {text}", file=sys.stderr, flush=True)  # noqa: T201
        return SendResult(reference="console", delivered=False)


class MemoryBackend(SmsBackend):
    """For tests: remembers what it was asked to send."""

    sent: list[tuple[str, str]] = []

    def send(self, *, phone: str, text: str) -> SendResult:
        MemoryBackend.sent.append((phone, text))
        return SendResult(reference=f"mem-{len(MemoryBackend.sent)}", delivered=True)


def get_backend() -> SmsBackend:
    path = getattr(settings, "KESU_SMS_BACKEND", "kesu.callbacks.sms.OutboxBackend")
    return import_string(path)()


def can_receive_sms(phone: str) -> bool:
    """Mobile numbers only: a landline cannot take a text message."""
    try:
        parsed = phonenumbers.parse(phone, None)
    except phonenumbers.NumberParseException:
        return False
    return phonenumbers.number_type(parsed) in (
        phonenumbers.PhoneNumberType.MOBILE,
        phonenumbers.PhoneNumberType.FIXED_LINE_OR_MOBILE,
    )


def _settings(organisation_id: int) -> CallbackSettings:
    from kesu.callbacks.plans import settings_for

    return settings_for(organisation_id)


def sender_for(cb_settings: CallbackSettings, branch=None, user=None) -> str:
    """The name a text message is signed with: the organisation's signature, else the branch's
    name shown to customers (as on the portal), else the organisation's name."""
    name = cb_settings.sms_signature or (branch.customer_name if branch else "")
    if not name:
        name = cb_settings.organisation.name
    return f"{name} {user}" if user is not None else name


def build_sms(
    *,
    cb_settings: CallbackSettings,
    key: str,
    phone: str,
    template: str,
    params: dict,
    sender_name: str,
    now: datetime,
    branch_id=None,
    customer=None,
    key_person=None,
    plan=None,
    actor=None,
) -> SmsMessage:
    tz = timezone.get_current_timezone()
    return SmsMessage(
        organisation_id=cb_settings.organisation_id,
        branch_id=branch_id,
        customer=customer,
        key_person=key_person,
        plan=plan,
        key=key,
        phone=phone,
        template=template,
        params=params,
        sender_name=sender_name[:80],
        not_before=next_sending_time(now, cb_settings.sms_from, cb_settings.sms_until, tz),
        created_by=actor,
    )


def save_messages(organisation_id: int, messages: list[SmsMessage], actor=None) -> list[SmsMessage]:
    """Insert the messages whose key is new, and audit each."""
    if not messages:
        return []
    keys = [m.key for m in messages]
    existing = set(
        SmsMessage.objects.filter(organisation_id=organisation_id, key__in=keys).values_list(
            "key", flat=True
        )
    )
    new, seen = [], set(existing)
    for m in messages:
        if m.key not in seen:
            seen.add(m.key)
            new.append(m)
    created = []
    for m in new:
        try:
            with transaction.atomic():
                m.save(force_insert=True)
            created.append(m)
        except IntegrityError:
            continue
    audit_record_many(
        organisation_id=organisation_id,
        items=[
            {
                "actor": actor,
                "action": CallbackAction.SMS_QUEUED,
                "obj": m,
                "data": {
                    "template": m.template,
                    "customer": m.customer_id,
                    "key_person": m.key_person_id,
                    "not_before": m.not_before,
                    "sender": m.sender_name,
                },
            }
            for m in created
        ],
    )
    return created


def queue_greeting(planner, plan, day, subjects) -> int:
    """Greeting messages of one plan and day for (subject, values) pairs; returns how many new."""
    from kesu.organisation.models import Branch

    cb_settings = planner.settings
    customer_ids = [s.customer.pk for s, _v in subjects]
    no_sms = set(
        CustomerCallPreference.objects.filter(
            customer_id__in=customer_ids, no_sms=True
        ).values_list("customer_id", flat=True)
    )
    branches = {b.pk: b for b in Branch.objects.filter(organisation_id=planner.organisation_id)}
    messages = []
    for subject, values in subjects:
        phone = subject.key_person.phone if subject.key_person else subject.customer.phone
        if not phone or subject.customer.pk in no_sms or not can_receive_sms(phone):
            continue
        messages.append(
            build_sms(
                cb_settings=cb_settings,
                key=f"{plan.code}:{subject.ref}:{day.isoformat()}",
                phone=phone,
                template=EVENT_TEMPLATES[plan.event],
                params=values,
                sender_name=sender_for(cb_settings, branches.get(subject.branch_id)),
                now=planner.now,
                branch_id=subject.branch_id,
                customer=subject.customer,
                key_person=subject.key_person,
                plan=plan,
                actor=planner.actor,
            )
        )
    return len(save_messages(planner.organisation_id, messages, planner.actor))


def _tell_sent(message: SmsMessage) -> None:
    """The `sms_sent` hook, in a savepoint: the text has gone to the provider, so a receiver's
    failure must not undo its status (the next run would send it again)."""
    try:
        with transaction.atomic():
            hooks.sms_sent(message)
    except Exception:
        logger.exception("text message %s: a receiver of sms_sent failed", message.pk)


def deliver_due_sms(
    *, now: datetime | None = None, backend: SmsBackend | None = None, batch_size: int = 100
) -> int:
    """Send the messages whose time has come; outside the sending hours they wait. Returns sent."""
    now = now or timezone.now()
    backend = backend or get_backend()
    tz = timezone.get_current_timezone()
    settings_cache: dict[int, CallbackSettings] = {}
    done = 0
    with transaction.atomic():
        qs = SmsMessage.objects.filter(status=SmsStatus.PENDING, not_before__lte=now).order_by(
            "not_before", "id"
        )
        if connection.features.has_select_for_update_skip_locked:
            qs = qs.select_for_update(skip_locked=True)
        batch = list(qs[:batch_size])
        for message in batch:
            cb = settings_cache.get(message.organisation_id)
            if cb is None:
                cb = settings_cache[message.organisation_id] = _settings(message.organisation_id)
            if not in_sending_hours(now, cb.sms_from, cb.sms_until, tz):
                message.not_before = next_sending_time(now, cb.sms_from, cb.sms_until, tz)
                message.save(update_fields=["not_before"])
                continue
            message.attempts += 1
            message.text = render_sms(message)
            try:
                result = backend.send(phone=message.phone, text=message.text)
            except SmsError as exc:
                logger.warning("text message %s not sent: %s", message.pk, exc)
                message.last_error = str(exc)[:500]
                if exc.permanent or message.attempts >= MAX_SMS_ATTEMPTS:
                    message.status = SmsStatus.FAILED
                else:
                    message.not_before = now + RETRY_AFTER
            else:
                message.status = SmsStatus.SENT if result.delivered else SmsStatus.RECORDED
                message.provider_ref = result.reference[:100]
                message.sent_at = now
                message.last_error = ""
                done += 1
            message.save(
                update_fields=[
                    "attempts",
                    "text",
                    "status",
                    "not_before",
                    "provider_ref",
                    "sent_at",
                    "last_error",
                ]
            )
            if message.status != SmsStatus.PENDING:
                _tell_sent(message)
    return done
