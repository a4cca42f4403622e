"""One-time codes texted to the customer's phone, and the limits that keep them from flooding.

A code is six digits, valid KESU_PORTAL_CODE_MINUTES, good for KESU_PORTAL_CODE_ATTEMPTS tries;
the database keeps an HMAC of it (keyed by SECRET_KEY and a salt of its own), never the code.
The counters are kesu/core/counters.py's, shared by every worker and server (the database, or
Redis when KESU_CACHE_URL is set): codes per number and per client address in an hour, one code
a minute per number, and failures (wrong codes, refused requests) per number and per address,
from which on the portal asks for the picture sum (kesu/portal/human_check.py).

A code is counted before it is sent, so two requests at once cannot both take the last one
allowed; a code that was refused or could not be sent is given back. When the counters cannot
be reached, no code is sent (a text costs money: the limits fail closed) and the picture sum is
asked for; a failure that cannot be counted is only logged.
"""

import hashlib
import hmac
import logging
import secrets
from datetime import datetime, timedelta

from django.conf import settings
from django.db import transaction
from django.utils import timezone, translation
from django.utils.translation import gettext_lazy as _

from kesu.callbacks.sms import SmsError, can_receive_sms, get_backend, signed, sms_language
from kesu.core import counters
from kesu.portal.models import PhoneCode

logger = logging.getLogger(__name__)

HOUR = 3600

REFUSALS = {
    "too_soon": _(
        "A code was sent to this number less than a minute ago. Please wait a moment, then ask "
        "again."
    ),
    "phone_limit": _(
        "This number has been sent too many codes in the last hour. Please try again later, "
        "or call us."
    ),
    "address_limit": _(
        "Too many codes were asked for from your network in the last hour. Please try again "
        "later, or call us."
    ),
    "not_mobile": _("Please enter a mobile number that can receive text messages."),
    "not_sent": _("The text message could not be sent just now. Please try again in a minute."),
    "wrong": _("This code is not right. Please check the text message and enter it again."),
    "expired": _("This code has expired. Please ask for a new one."),
    "used_up": _("This code was entered wrongly too often. Please ask for a new one."),
    "check": _("Please enter the sum shown in the picture."),
}

CODE_TEXT = _(
    "Your verification code is %(code)s, valid for %(minutes)s minutes. Do not give it to anyone."
)


class CodeRefused(Exception):
    """A code not sent or not accepted; `reason` is a key of REFUSALS."""

    def __init__(self, reason: str):
        super().__init__(reason)
        self.reason = reason

    @property
    def message(self) -> str:
        return str(REFUSALS[self.reason])


def _key(kind: str, value: str) -> str:
    digest = hashlib.sha256(f"{settings.SECRET_KEY}:{value}".encode()).hexdigest()[:32]
    return f"kesu:portal:{kind}:{digest}"


def record_failure(*, phone: str = "", address: str = "") -> None:
    try:
        if phone:
            counters.hit(_key("fail-phone", phone), HOUR)
        if address:
            counters.hit(_key("fail-address", address), HOUR)
    except counters.CounterUnavailable:
        logger.warning("portal failure not counted: the counters are unreachable")


def needs_human_check(*, phone: str = "", address: str = "") -> bool:
    """Whether this number or address failed often enough to be asked for the picture sum
    (also when that cannot be told: the counters are unreachable)."""
    after = settings.KESU_PORTAL_CHECK_AFTER
    try:
        return (bool(phone) and counters.count(_key("fail-phone", phone)) >= after) or (
            bool(address) and counters.count(_key("fail-address", address)) >= after
        )
    except counters.CounterUnavailable:
        logger.warning("portal failures not read: the counters are unreachable")
        return True


def code_hash(code: str, salt: str) -> str:
    return hmac.new(
        settings.SECRET_KEY.encode(), f"{salt}:{code}".encode(), hashlib.sha256
    ).hexdigest()


def _take_a_code(phone: str, address: str) -> list[str]:
    """Count a code for this number and address within the limits; returns the keys counted
    (to give back if the code is not sent). Raises CodeRefused, having counted nothing."""
    limits = [
        (_key("last", phone), 1, settings.KESU_PORTAL_CODE_INTERVAL_SECONDS, "too_soon"),
        (_key("sent-phone", phone), settings.KESU_PORTAL_CODES_PER_PHONE, HOUR, "phone_limit"),
    ]
    if address:
        limits.append(
            (
                _key("sent-address", address),
                settings.KESU_PORTAL_CODES_PER_ADDRESS,
                HOUR,
                "address_limit",
            )
        )
    taken: list[str] = []
    try:
        for key, limit, seconds, reason in limits:
            allowed, _hit = counters.allow(key, limit, seconds)
            taken.append(key)
            if not allowed:
                _give_back(taken)
                raise CodeRefused(reason)
    except counters.CounterUnavailable:
        logger.warning("portal code not sent: the counters are unreachable", exc_info=True)
        _give_back(taken)
        raise CodeRefused("not_sent") from None
    return taken


def _give_back(keys: list[str]) -> None:
    for key in keys:
        try:
            counters.give_back(key)
        except counters.CounterUnavailable:
            logger.warning("portal code counter not given back: the counters are unreachable")


def send_code(
    *,
    organisation_id: int,
    phone: str,
    purpose: str,
    subject: str,
    sender: str,
    address: str = "",
    language: str = "",
    now: datetime | None = None,
) -> PhoneCode:
    """Text a new code to `phone` (E.164) for `purpose` and `subject`, within the limits; an
    earlier unused code of the same kind stops working. The text is in `language` (the
    portal page's, where the customer asked for it), else the organisation's. Raises
    CodeRefused."""
    now = now or timezone.now()
    if not can_receive_sms(phone):
        raise CodeRefused("not_mobile")
    try:
        taken = _take_a_code(phone, address)
    except CodeRefused:
        record_failure(phone=phone, address=address)
        raise
    code = f"{secrets.randbelow(1_000_000):06d}"
    salt = secrets.token_hex(16)
    minutes = settings.KESU_PORTAL_CODE_MINUTES
    with transaction.atomic():
        PhoneCode.objects.filter(
            organisation_id=organisation_id,
            phone=phone,
            purpose=purpose,
            subject=subject,
            used_at__isnull=True,
        ).update(used_at=now)
        row = PhoneCode.objects.create(
            organisation_id=organisation_id,
            phone=phone,
            purpose=purpose,
            subject=subject,
            code_hash=code_hash(code, salt),
            salt=salt,
            client_address=address[:45],
            created_at=now,
            expires_at=now + timedelta(minutes=minutes),
        )
    with translation.override(language or sms_language()):
        text = signed(str(CODE_TEXT) % {"code": code, "minutes": minutes}, sender)
    try:
        get_backend().send(phone=phone, text=text)
    except SmsError as exc:
        logger.warning("portal code for code row %s not sent: %s", row.pk, exc)
        PhoneCode.objects.filter(pk=row.pk).update(used_at=now)
        _give_back(taken)
        raise CodeRefused("not_sent") from None
    return row


def verify_code(
    *,
    organisation_id: int,
    phone: str,
    purpose: str,
    subject: str,
    code: str,
    address: str = "",
    now: datetime | None = None,
) -> PhoneCode:
    """The code row if `code` is the latest one sent for this phone, purpose and subject, still
    valid; it is then used up. Raises CodeRefused (wrong, expired, used_up)."""
    now = now or timezone.now()
    code = "".join((code or "").split())
    with transaction.atomic():
        row = (
            PhoneCode.objects.select_for_update()
            .filter(
                organisation_id=organisation_id,
                phone=phone,
                purpose=purpose,
                subject=subject,
                used_at__isnull=True,
            )
            .order_by("-created_at", "-pk")
            .first()
        )
        reason = None
        if row is None:
            reason = "wrong"
        elif row.expires_at <= now:
            reason = "expired"
        elif row.attempts >= settings.KESU_PORTAL_CODE_ATTEMPTS:
            reason = "used_up"
        elif not hmac.compare_digest(code_hash(code, row.salt), row.code_hash):
            row.attempts += 1
            row.save(update_fields=["attempts"])
            reason = "used_up" if row.attempts >= settings.KESU_PORTAL_CODE_ATTEMPTS else "wrong"
        if reason is None:
            assert row is not None
            row.used_at = now
            row.save(update_fields=["used_at"])
            return row
    record_failure(phone=phone, address=address)
    raise CodeRefused(reason)
