"""Phone numbers: one normal form (E.164) for storage and lookup, a masked form for display."""

import phonenumbers
from django.conf import settings
from django.core.exceptions import ValidationError
from django.utils.translation import gettext_lazy as _


def normalise_phone(raw: str, region: str | None = None) -> str:
    """Return the E.164 form of a phone number typed by staff or a customer.

    Spaces, dashes and a leading 0086/+86 are accepted; a number that is not a valid number
    of its region raises ValidationError with a translated message.
    """
    text = (raw or "").strip()
    if not text:
        raise ValidationError(_("Enter a phone number."), code="phone_required")
    if text.startswith("00"):
        text = "+" + text[2:]
    try:
        parsed = phonenumbers.parse(text, region or settings.KESU_DEFAULT_PHONE_REGION)
    except phonenumbers.NumberParseException as exc:
        raise ValidationError(
            _("“%(value)s” is not a phone number."), code="phone_invalid", params={"value": raw}
        ) from exc
    if not phonenumbers.is_valid_number(parsed):
        raise ValidationError(
            _("“%(value)s” is not a valid phone number."),
            code="phone_invalid",
            params={"value": raw},
        )
    return phonenumbers.format_number(parsed, phonenumbers.PhoneNumberFormat.E164)


def try_normalise_phone(raw: str) -> str | None:
    try:
        return normalise_phone(raw)
    except ValidationError:
        return None


def mask_phone(e164: str) -> str:
    """Enough to recognise a number read out, not enough to dial it: a mobile as 138****5678, a
    landline with its area code kept (010-****2100, 0571-****1318), a number abroad with its
    country and area code (+1 650-***0000); the middle masked, the last four kept (the last two
    of a number of five or six digits, none of a shorter one)."""
    if not e164:
        return ""
    try:
        parsed = phonenumbers.parse(e164 if e164.startswith("+") else "+" + e164, None)
    except phonenumbers.NumberParseException:
        parsed = None
    if parsed is None:
        return _mask_digits("".join(c for c in e164 if c.isdigit()))
    national = phonenumbers.national_significant_number(parsed)
    china = parsed.country_code == 86
    if china and len(national) == 11 and national.startswith("1"):  # a mobile
        return national[:3] + "****" + national[-4:]
    area = phonenumbers.length_of_geographical_area_code(parsed)
    head, rest = national[:area], national[area:]
    masked = _mask_digits(rest)
    if china:
        return f"0{head}-{masked}" if head else masked
    return f"+{parsed.country_code} {head + '-' if head else ''}{masked}"


def _mask_digits(digits: str) -> str:
    keep = 4 if len(digits) >= 7 else 2 if len(digits) >= 5 else 0
    return "*" * (len(digits) - keep) + digits[len(digits) - keep :]


def mask_text(value: str, keep_head: int = 1, keep_tail: int = 1) -> str:
    """Mask an identifier (ID number, e-mail local part) keeping a few characters at each end."""
    if not value:
        return ""
    if len(value) <= keep_head + keep_tail:
        return "*" * len(value)
    return value[:keep_head] + "*" * (len(value) - keep_head - keep_tail) + value[-keep_tail:]


def display_phone(value: str) -> str:
    """A stored (E.164) number as people write it: 138 1234 5678, 010 6222 3333 within China,
    +1 650-253-0000 abroad. Masked or unparsable values are returned as they are."""
    if not value or not value.startswith("+") or not value[1:].isdigit():
        return value
    if value.startswith("+861") and len(value) == 14:  # mobiles, the common case, without parsing
        digits = value[3:]
        return f"{digits[:3]} {digits[3:7]} {digits[7:]}"
    try:
        parsed = phonenumbers.parse(value, None)
    except phonenumbers.NumberParseException:
        return value
    style = (
        phonenumbers.PhoneNumberFormat.NATIONAL
        if parsed.country_code == 86
        else phonenumbers.PhoneNumberFormat.INTERNATIONAL
    )
    return phonenumbers.format_number(parsed, style)
