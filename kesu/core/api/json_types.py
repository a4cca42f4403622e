"""JSON bodies are type-strict: each value must have the JSON type the schema documents.

DRF's fields coerce what they are given, as HTML forms need (a form sends every value as
text): a CharField takes `1` and `true`, an IntegerField `"1"` and `true`, a BooleanField
`"yes"` and `1`. The OpenAPI schema says `string`, `integer`, `boolean`, so a client whose
JSON has the wrong type would be accepted by Kesu and refused by a validating proxy or a
generated client's model. For a JSON body the type is therefore checked before the fields
see the value; forms and multipart bodies (which are `QueryDict`s, not `JSONObject`s) keep
DRF's coercion.

The type a field expects is the one drf-spectacular documents for it: its `type` for the
field classes below, an `@extend_schema_field` override for a custom field. A field of a
class not known here is not checked (its own `to_internal_value` decides).
"""

from decimal import Decimal

from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy
from drf_spectacular.drainage import get_override, has_override
from drf_spectacular.plumbing import build_basic_type, is_basic_type
from rest_framework import serializers
from rest_framework.settings import api_settings


class JSONObject(dict):
    """A request body parsed from JSON (SafeJSONParser): its values are checked for type."""


# The JSON type names, as a message names them.
TYPE_NAMES = {
    "string": pgettext_lazy("JSON type", "string"),
    "integer": pgettext_lazy("JSON type", "integer"),
    "number": pgettext_lazy("JSON type", "number"),
    "boolean": pgettext_lazy("JSON type", "boolean (true or false)"),
    "array": pgettext_lazy("JSON type", "array"),
    "object": pgettext_lazy("JSON type", "object"),
    "null": pgettext_lazy("JSON type", "null"),
}
WRONG_TYPE = _("Give a JSON %(expected)s here, not a JSON %(given)s.")

TEXT_FIELDS = (
    serializers.CharField,
    serializers.DateField,
    serializers.DateTimeField,
    serializers.TimeField,
    serializers.DurationField,
    serializers.UUIDField,
)


def json_type_of(value) -> str:
    if value is None:
        return "null"
    if isinstance(value, bool):
        return "boolean"
    if isinstance(value, int):
        return "integer"
    if isinstance(value, float | Decimal):
        return "integer" if value == int(value) else "number"
    if isinstance(value, str):
        return "string"
    if isinstance(value, list | tuple):
        return "array"
    return "object"


def _matches(expected: str, value) -> bool:
    given = json_type_of(value)
    # JSON Schema: every integer is a number (and 1.0 is an integer).
    return given == expected or (expected == "number" and given == "integer")


def _choice_type(field: serializers.ChoiceField) -> str | None:
    """The type drf-spectacular gives a choice (plumbing.build_choice_field)."""
    choices = [c for c in field.choices if c != ""]
    if choices and all(isinstance(c, str) for c in choices):
        return "string"
    if choices and all(isinstance(c, int) and not isinstance(c, bool) for c in choices):
        return "integer"
    return None


# Field classes and the JSON type drf-spectacular documents for them, first match wins.
PLAIN_TYPES = (
    (serializers.BooleanField, "boolean"),
    (serializers.IntegerField, "integer"),
    (serializers.FloatField, "number"),
    (serializers.MultipleChoiceField, "array"),
    (TEXT_FIELDS, "string"),
    (
        (serializers.ListField, serializers.ListSerializer, serializers.ManyRelatedField),
        "array",
    ),
    ((serializers.DictField, serializers.Serializer), "object"),
)


def expected_type(field: serializers.Field) -> str | None:
    """The JSON type the schema documents for a writable field, or None if it says none."""
    if has_override(field, "field"):
        override = get_override(field, "field")
        schema = build_basic_type(override) if is_basic_type(override) else override
        return schema.get("type") if isinstance(schema, dict) else None
    if isinstance(field, serializers.JSONField | serializers.HiddenField):
        return None
    if isinstance(field, serializers.DecimalField):
        as_string = getattr(field, "coerce_to_string", None)
        if as_string is None:
            as_string = api_settings.COERCE_DECIMAL_TO_STRING
        return "string" if as_string else "number"
    if isinstance(field, serializers.PrimaryKeyRelatedField):
        return "integer" if field.pk_field is None else expected_type(field.pk_field)
    for classes, json_type in PLAIN_TYPES:
        if isinstance(field, classes):
            return json_type
    if isinstance(field, serializers.ChoiceField):
        return _choice_type(field)
    return None


def _items_field(field: serializers.Field) -> serializers.Field | None:
    if isinstance(field, serializers.ListField | serializers.ListSerializer):
        return field.child
    if isinstance(field, serializers.ManyRelatedField):
        return field.child_relation
    if isinstance(field, serializers.DictField):
        return field.child
    return None


def _wrong(field: serializers.Field, expected: str, value) -> str:
    own = field.error_messages.get("incorrect_type")
    if own:
        # A reference's own words ("Give the id as a whole number.").
        return str(own).format(data_type=type(value).__name__)
    return str(
        WRONG_TYPE % {"expected": TYPE_NAMES[expected], "given": TYPE_NAMES[json_type_of(value)]}
    )


def value_errors(field: serializers.Field, value):
    """The type errors of one value for one field, shaped as DRF shapes that field's errors
    (a list of messages, or a dict by key or index for nested values); None if none."""
    if value is None:
        return None  # allow_null is the field's own rule, with its own message
    expected = expected_type(field)
    if expected is None:
        return None
    if not _matches(expected, value):
        return [_wrong(field, expected, value)]
    if isinstance(field, serializers.MultipleChoiceField):
        item_type = _choice_type(field)
        bad = {
            i: [_wrong(field, item_type, item)]
            for i, item in enumerate(value)
            if item_type and item is not None and not _matches(item_type, item)
        }
        return bad or None
    if isinstance(field, serializers.Serializer):
        return body_errors(field, value) or None
    child = _items_field(field)
    if child is None:
        return None
    items = value.items() if isinstance(value, dict) else enumerate(value)
    bad = {}
    for key, item in items:
        found = value_errors(child, item)
        if found:
            bad[key] = found
    return bad or None


def body_errors(serializer: serializers.Serializer, data: dict) -> dict:
    """The type errors of a JSON object for a serializer's writable fields, by field name."""
    errors = {}
    for name, field in serializer.fields.items():
        if field.read_only or name not in data:
            continue
        found = value_errors(field, data[name])
        if found:
            errors[name] = found
    return errors


class StrictJSONTypesMixin:
    """For a serializer given a JSON body: a value of the wrong JSON type is a field error."""

    def to_internal_value(self, data):
        if isinstance(data, JSONObject):
            errors = body_errors(self, data)
            if errors:
                raise serializers.ValidationError(errors)
        return super().to_internal_value(data)
