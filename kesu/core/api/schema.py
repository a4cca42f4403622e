"""The OpenAPI schema says exactly what the API answers (integrators generate clients from it).

Two generic corrections, so that every endpoint, present or future, gets them without a word
in its view:

- `KesuAutoSchema` describes read-only fields as the model stores them: DRF drops
  `allow_blank` from read-only fields, so a choice column left blank ("") was documented as
  one of its codes only, and a nullable relation as never null.
- `document_error_statuses` (a postprocessing hook) adds to every operation the error
  statuses it can answer whatever its view does (authentication, rate limits, content
  negotiation, the database away, a malformed cursor …), each with the API's error shape.
  It also gives text query parameters `minLength: 1`: an empty value is refused.
"""

from django.db import models
from django.utils.translation import gettext as _
from drf_spectacular.openapi import AutoSchema
from rest_framework import serializers

from kesu.core.api.fields import StrictInputMixin

ERROR_REF = {"$ref": "#/components/schemas/Error"}
ERROR_COMPONENT = {
    "type": "object",
    "description": "Every 4xx and 5xx: a stable code, a message in the request's language, "
    "per-field messages.",
    "properties": {
        "error": {
            "type": "object",
            "properties": {
                "code": {"type": "string"},
                "message": {"type": "string"},
                "fields": {
                    "type": "object",
                    "additionalProperties": {"type": "array", "items": {"type": "string"}},
                },
            },
            "required": ["code", "message", "fields"],
        }
    },
    "required": ["error"],
}


def _model_field(field: serializers.Field) -> models.Field | None:
    """The model field a serializer field shows directly, if any."""
    parent = getattr(field, "parent", None)
    model = getattr(getattr(parent, "Meta", None), "model", None)
    source = getattr(field, "source", None)
    if model is None or not source or "." in source or source == "*":
        return None
    try:
        found = model._meta.get_field(source)
    except Exception:  # a property, a method or a reverse accessor: nothing to learn
        return None
    return found if isinstance(found, models.Field) else None


def _as_stored(field: serializers.Field) -> dict:
    """What a read-only field can show beyond what DRF left it: null, or "" for a text column."""
    model_field = _model_field(field) if field.read_only else None
    changed = {}
    if model_field is not None:
        if model_field.null and not field.allow_null:
            changed["allow_null"] = True
        text_column = isinstance(model_field, models.CharField | models.TextField)
        shows_text = isinstance(field, serializers.ChoiceField | serializers.CharField)
        if shows_text and text_column and model_field.blank and not field.allow_blank:
            changed["allow_blank"] = True
    return changed


class KesuAutoSchema(AutoSchema):
    def _map_serializer_field(self, field, direction, bypass_extensions=False):
        changed = _as_stored(field)
        saved = {name: getattr(field, name) for name in changed}
        for name, value in changed.items():
            setattr(field, name, value)
        try:
            result = super()._map_serializer_field(field, direction, bypass_extensions)
        finally:
            for name, value in saved.items():
                setattr(field, name, value)
        minimum = getattr(field, "min_value", None)
        if (
            isinstance(field, serializers.DecimalField)
            and minimum is not None
            and minimum >= 0
            and isinstance(result, dict)
            and str(result.get("pattern", "")).startswith("^-?")
        ):
            # A decimal sent as a string has no `minimum`: its pattern leaves out the sign.
            result["pattern"] = "^" + result["pattern"][3:]
        pattern = getattr(field, "schema_pattern", None)
        if pattern and isinstance(result, dict) and result.get("type") == "string":
            result["pattern"] = pattern
        return result

    def _insert_field_validators(self, field, schema):
        # Also where a blank e-mail becomes `oneOf: [email, ""]`.
        changed = _as_stored(field)
        saved = {name: getattr(field, name) for name in changed}
        for name, value in changed.items():
            setattr(field, name, value)
        try:
            super()._insert_field_validators(field, schema)
        finally:
            for name, value in saved.items():
                setattr(field, name, value)

    def _map_basic_serializer(self, serializer, direction):
        result = super()._map_basic_serializer(serializer, direction)
        if direction == "request" and isinstance(serializer, StrictInputMixin):
            # Unknown fields are refused (400), so the schema says none are allowed.
            result["additionalProperties"] = False
        return result


def _error(description: str, headers: dict | None = None) -> dict:
    response: dict = {
        "description": description,
        "content": {"application/json": {"schema": ERROR_REF}},
    }
    if headers:
        response["headers"] = headers
    return response


RETRY_AFTER = {"Retry-After": {"schema": {"type": "integer"}}}


def _statuses_of(operation: dict) -> dict[str, dict]:
    """The error responses an operation can give whatever its view does."""
    parameters = operation.get("parameters", [])
    where = {p.get("in") for p in parameters}
    names = {p.get("name") for p in parameters}
    anonymous = not operation.get("security") or {} in operation["security"]
    out: dict[str, dict] = {}
    if "query" in where or "header" in where or "requestBody" in operation:
        out["400"] = _error(_("Invalid input; `fields` says what is wrong with each field."))
    if not anonymous:
        out["401"] = _error(_("No valid token or session, or the token has expired."))
        out["403"] = _error(
            _("Your role may not do this, or the browser session's security check failed.")
        )
    if "path" in where or "cursor" in names:
        out["404"] = _error(_("Not found, or not visible to you (or the cursor is not valid)."))
    out["406"] = _error(_("The Accept header asks for a format the API does not send."))
    if "requestBody" in operation:
        out["415"] = _error(_("The body's Content-Type is not JSON, a form or multipart."))
    if "If-Match" in names:
        out["412"] = _error(_("The If-Match version is stale: reload and apply the change again."))
    out["429"] = _error(_("Too many requests: wait the seconds Retry-After says."), RETRY_AFTER)
    out["503"] = _error(
        _("The database is not available for a moment: retry after Retry-After seconds."),
        RETRY_AFTER,
    )
    return out


def _refuse_empty_query_values(operation: dict) -> None:
    """An empty query value is refused (kesu.core.api.query): a text parameter's minLength is 1."""
    for parameter in operation.get("parameters", []):
        schema = parameter.get("schema", {})
        if parameter.get("in") == "query" and schema.get("type") == "string":
            schema.setdefault("minLength", 1)


def document_error_statuses(result, generator, request, public):
    """drf-spectacular postprocessing hook (SPECTACULAR_SETTINGS["POSTPROCESSING_HOOKS"])."""
    schemas = result.setdefault("components", {}).setdefault("schemas", {})
    schemas.setdefault("Error", ERROR_COMPONENT)
    for item in result.get("paths", {}).values():
        for method, operation in item.items():
            if method not in {"get", "put", "post", "patch", "delete", "head", "options"}:
                continue
            body = operation.get("requestBody", {}).get("content", {})
            if "application/json" in body:
                # Forms cannot carry null or tell an empty value from a missing one, so a
                # client that follows the schema sends JSON (forms stay accepted, for the
                # browsable API). Uploads, which have no JSON form, keep multipart.
                for form in ("application/x-www-form-urlencoded", "multipart/form-data"):
                    body.pop(form, None)
            _refuse_empty_query_values(operation)
            responses = operation.setdefault("responses", {})
            for status, response in _statuses_of(operation).items():
                responses.setdefault(status, response)
            operation["responses"] = dict(sorted(responses.items()))
    return result
