"""kesu/core/api/json_types.py: a JSON body's values have the JSON type the schema says;
forms and multipart keep DRF's coercion."""

import io

import pytest
from django.utils import translation
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import extend_schema_field
from rest_framework import serializers

from kesu.complaints.tests.api.helpers import complaint_url, error_of
from kesu.core.api.fields import StrictInputMixin
from kesu.core.api.json_types import JSONObject, expected_type, json_type_of
from kesu.core.api.parsers import SafeJSONParser


@extend_schema_field(OpenApiTypes.INT)
class Stars(serializers.Field):
    def to_internal_value(self, data):
        return int(data)


class Inner(serializers.Serializer):
    n = serializers.IntegerField()


class Everything(StrictInputMixin, serializers.Serializer):
    text = serializers.CharField(required=False)
    count = serializers.IntegerField(required=False)
    ratio = serializers.FloatField(required=False)
    amount = serializers.DecimalField(max_digits=6, decimal_places=2, required=False)
    flag = serializers.BooleanField(required=False)
    maybe = serializers.BooleanField(required=False, allow_null=True)
    day = serializers.DateField(required=False)
    kind = serializers.ChoiceField(choices=["a", "b"], required=False)
    level = serializers.ChoiceField(choices=[(0, "zero"), (1, "one")], required=False)
    kinds = serializers.MultipleChoiceField(choices=["a", "b"], required=False)
    tags = serializers.ListField(child=serializers.CharField(), required=False)
    inner = Inner(required=False)
    inners = Inner(many=True, required=False)
    stars = Stars(required=False)
    anything = serializers.JSONField(required=False)


def _json(**values) -> Everything:
    return Everything(data=JSONObject(values))


def _errors(**values) -> dict:
    serializer = _json(**values)
    assert not serializer.is_valid()
    return serializer.errors


def test_the_json_parser_marks_an_object_and_leaves_other_values_alone():
    parse = SafeJSONParser().parse
    assert isinstance(parse(io.BytesIO(b'{"a": {"b": 1}}'), parser_context={}), JSONObject)
    assert type(parse(io.BytesIO(b"[1]"), parser_context={})) is list


def test_values_of_their_documented_type_are_accepted():
    serializer = _json(
        text="x",
        count=3,
        ratio=1,
        amount="12.50",
        flag=False,
        maybe=None,
        day="2026-01-02",
        kind="a",
        level=1,
        kinds=["a"],
        tags=["x"],
        inner={"n": 1},
        inners=[{"n": 2}],
        stars=5,
        anything=[1, "two", {"three": True}],
    )
    assert serializer.is_valid(), serializer.errors
    assert serializer.validated_data["level"] == 1
    # JSON Schema counts 1.0 as an integer.
    assert _json(count=1.0).is_valid()


@pytest.mark.parametrize(
    ("field", "value", "expected", "given"),
    [
        ("text", 1, "string", "integer"),
        ("text", True, "string", "boolean (true or false)"),
        ("count", "1", "integer", "string"),
        ("count", True, "integer", "boolean (true or false)"),
        ("count", 1.5, "integer", "number"),
        ("ratio", "0.5", "number", "string"),
        ("amount", 12.5, "string", "number"),
        ("flag", "yes", "boolean (true or false)", "string"),
        ("flag", 1, "boolean (true or false)", "integer"),
        ("maybe", "true", "boolean (true or false)", "string"),
        ("day", 20260102, "string", "integer"),
        ("kind", 1, "string", "integer"),
        ("level", "1", "integer", "string"),
        ("level", True, "integer", "boolean (true or false)"),
        ("stars", "5", "integer", "string"),
        ("tags", "x", "array", "string"),
        ("inner", [1], "object", "array"),
    ],
)
def test_a_value_of_another_json_type_is_refused_naming_both_types(field, value, expected, given):
    with translation.override("en"):
        errors = _errors(**{field: value})
    assert errors == {field: [f"Give a JSON {expected} here, not a JSON {given}."]}


def test_items_and_nested_fields_are_checked_where_they_are():
    with translation.override("en"):
        errors = _errors(tags=["x", 2], kinds=["a", 1], inner={"n": "1"}, inners=[{"n": 1}, {}])
    assert set(errors) == {"tags", "kinds", "inner"}
    assert errors["tags"] == {1: ["Give a JSON string here, not a JSON integer."]}
    assert errors["kinds"] == {1: ["Give a JSON string here, not a JSON integer."]}
    assert errors["inner"] == {"n": ["Give a JSON integer here, not a JSON string."]}


def test_a_list_of_objects_says_which_item_is_wrong():
    with translation.override("en"):
        errors = _errors(inners=[{"n": 1}, {"n": False}])
    assert errors == {
        "inners": {1: {"n": ["Give a JSON integer here, not a JSON boolean (true or false)."]}}
    }


def test_the_message_is_in_the_request_language():
    with translation.override("zh-hans"):
        errors = _errors(count="1")
    assert errors["count"] == ["此处应为 JSON 整数，而不是 JSON 字符串。"]


def test_a_form_is_coerced_as_before():
    # Dicts that did not come from the JSON parser: forms, multipart, the workspace's move forms.
    serializer = Everything(data={"text": 1, "count": "3", "flag": "true", "level": "1"})
    assert serializer.is_valid(), serializer.errors
    assert serializer.validated_data == {"text": "1", "count": 3, "flag": True, "level": 1}


def test_a_field_the_schema_gives_no_type_is_not_checked():
    assert expected_type(serializers.JSONField()) is None
    assert expected_type(serializers.ChoiceField(choices=[(1, "one"), ("b", "bee")])) is None
    assert expected_type(serializers.PrimaryKeyRelatedField(read_only=True)) == "integer"
    assert json_type_of(None) == "null"


@pytest.mark.django_db
def test_json_bodies_are_strict_and_forms_lenient_over_http(world, api):
    complaint = world.complaint()
    url = complaint_url(complaint, "notes/")
    response = api().post(url, {"text": "ok", "shared_with_customer": 0}, format="json")
    assert response.status_code == 400
    assert error_of(response)["fields"] == {
        "shared_with_customer": ["Give a JSON boolean (true or false) here, not a JSON integer."]
    }
    response = api().post(url, {"text": 5}, format="json")
    assert error_of(response)["fields"] == {
        "text": ["Give a JSON string here, not a JSON integer."]
    }
    form = api().post(url, {"text": "ok", "shared_with_customer": "true"}, format="multipart")
    assert form.status_code == 201, form.content
    assert form.json()["visibility"] == "shared"


@pytest.mark.django_db
def test_the_token_endpoint_wants_strings(world, client):
    response = client.post(
        "/api/v1/auth/token/",
        {"username": 1, "password": True},
        content_type="application/json",
        HTTP_ACCEPT_LANGUAGE="en",
    )
    assert response.status_code == 400
    assert error_of(response)["fields"] == {
        "username": ["Give a JSON string here, not a JSON integer."],
        "password": ["Give a JSON string here, not a JSON boolean (true or false)."],
    }
