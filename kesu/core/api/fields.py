"""Serializer fields shared by the API: scoped references, masked contact data, sane bounds."""

from collections.abc import Callable
from datetime import datetime

from django.utils.translation import gettext_lazy as _
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import extend_schema_field
from rest_framework import serializers

from kesu.core.api.json_types import StrictJSONTypesMixin
from kesu.core.phones import mask_phone, mask_text

# Ids in paths and bodies are bounded so a huge number is a 4xx, never a database overflow.
MAX_ID = 999_999_999_999_999_999


def request_user(context):
    request = context.get("request")
    return getattr(request, "user", None)


def sees_contact_data(context) -> bool:
    user = request_user(context)
    return bool(user is not None and user.is_authenticated and user.sees_contact_data)


class ScopedPrimaryKeyRelatedField(serializers.PrimaryKeyRelatedField):
    """A reference by id to an object the requesting user may use.

    `scope(user)` returns the queryset the id is looked up in, so an id from another
    organisation (or branch, where the scope says so) is simply "does not exist". The
    refusals are Kesu's own (DRF's say 'Invalid pk "3" - object does not exist.'); the
    workspace's move forms validate with these serializers and show the same messages.
    """

    default_error_messages = {
        "does_not_exist": _("Choose from the list: no such item is available to you."),
        "incorrect_type": _("Give the id as a whole number."),
    }

    def __init__(self, *, scope: Callable, **kwargs):
        self.scope = scope
        super().__init__(**kwargs)

    def get_queryset(self):
        return self.scope(request_user(self.context))

    def to_internal_value(self, data):
        if isinstance(data, bool):
            self.fail("incorrect_type", data_type=type(data).__name__)
        try:
            value = int(data)
        except (TypeError, ValueError):
            self.fail("incorrect_type", data_type=type(data).__name__)
        if isinstance(data, float) and data != value:
            self.fail("incorrect_type", data_type=type(data).__name__)
        if not 1 <= value <= MAX_ID:
            self.fail("does_not_exist", pk_value=data)
        return super().to_internal_value(value)


@extend_schema_field(OpenApiTypes.STR)
class MaskedField(serializers.Field):
    """Contact data in full for roles that talk to customers, masked for the others."""

    def __init__(self, mask: Callable[[str], str], **kwargs):
        self.mask = mask
        kwargs["read_only"] = True
        super().__init__(**kwargs)

    def to_representation(self, value):
        value = value or ""
        return value if sees_contact_data(self.context) else self.mask(value)


def mask_email(value: str) -> str:
    if not value:
        return ""
    local, _at, domain = value.partition("@")
    return f"{mask_text(local)}@{domain}" if domain else mask_text(local)


def masked_phone(**kwargs) -> MaskedField:
    return MaskedField(mask_phone, **kwargs)


def masked_text(**kwargs) -> MaskedField:
    return MaskedField(mask_text, **kwargs)


def masked_email(**kwargs) -> MaskedField:
    return MaskedField(mask_email, **kwargs)


class BoundedDateTimeField(serializers.DateTimeField):
    """A date-time within the years the business can mean (keeps deadline arithmetic safe)."""

    default_error_messages = {
        # DRF fills in messages with str.format, not the % of Django's own.
        "out_of_range": _("Give a date between the years {first} and {last}."),
    }
    first_year, last_year = 2000, 2100
    # The years above as a pattern, for the schema (kesu.core.api.schema).
    schema_pattern = r"^(20[0-9]{2}|2100)-"

    def to_internal_value(self, value):
        parsed: datetime = super().to_internal_value(value)
        if not self.first_year <= parsed.year <= self.last_year:
            self.fail("out_of_range", first=self.first_year, last=self.last_year)
        return parsed


class BoundedDateField(serializers.DateField):
    default_error_messages = BoundedDateTimeField.default_error_messages
    first_year, last_year = 1900, 2100
    schema_pattern = r"^(19[0-9]{2}|20[0-9]{2}|2100)-"

    def to_internal_value(self, value):
        parsed = super().to_internal_value(value)
        if not self.first_year <= parsed.year <= self.last_year:
            self.fail("out_of_range", first=self.first_year, last=self.last_year)
        return parsed


# Sent by HTML forms (the browsable API, server-rendered pages), not data.
IGNORED_INPUT_KEYS = frozenset({"csrfmiddlewaretoken"})


class StrictInputMixin(StrictJSONTypesMixin):
    """Refuse fields the serializer does not know instead of silently ignoring them.

    A client that sends `state` in a PATCH, or misspells a field, learns it at once. In a JSON
    body, a value of another JSON type than the schema's is refused too (json_types.py).
    """

    def to_internal_value(self, data):
        if hasattr(data, "keys"):
            writable = {name for name, field in self.fields.items() if not field.read_only}
            unknown = sorted(set(data.keys()) - writable - IGNORED_INPUT_KEYS)
            if unknown:
                raise serializers.ValidationError(
                    {name: [_("This field cannot be changed here.")] for name in unknown}
                )
        return super().to_internal_value(data)
