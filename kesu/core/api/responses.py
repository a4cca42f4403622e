"""Error shapes and common response documentation for the schema."""

from django.utils.translation import gettext_lazy as _
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiParameter, OpenApiResponse
from rest_framework import serializers

from kesu.core.api.fields import MAX_ID, BoundedDateField


class ErrorBodySerializer(serializers.Serializer):
    code = serializers.CharField()
    message = serializers.CharField()
    fields = serializers.DictField(child=serializers.ListField(child=serializers.CharField()))


class ErrorSerializer(serializers.Serializer):
    """Every 4xx: a stable code, a message in the request's language, per-field messages."""

    error = ErrorBodySerializer()


def error(description) -> OpenApiResponse:
    return OpenApiResponse(ErrorSerializer, description=description)


BAD_REQUEST = error(_("Invalid input; `fields` says what is wrong with each field."))
NOT_FOUND = error(_("Not found, or not visible to you."))
FORBIDDEN = error(_("Your role may not do this."))
CONFLICT = error(_("Not possible in the current state, or the version you sent is stale."))
PRECONDITION_FAILED = error(_("The If-Match version is stale: reload and apply the change again."))
PRECONDITION_REQUIRED = error(_("Send If-Match or `version` to say which version you change."))

# Query parameters the views read with these bounds (kesu.core.api.fields).
ID_PARAMETER = {"type": "integer", "minimum": 1, "maximum": MAX_ID}
DAY_PARAMETER = {"type": "string", "format": "date", "pattern": BoundedDateField.schema_pattern}

ETAG_HEADER = OpenApiParameter(
    "ETag",
    OpenApiTypes.STR,
    OpenApiParameter.HEADER,
    response=[200, 201],
    description=_('The complaint\'s version, e.g. "3"; send it back as If-Match.'),
)
IF_MATCH_HEADER = OpenApiParameter(
    "If-Match",
    # What kesu.core.api.concurrency.parse_if_match reads: "3", 3 or *.
    {"type": "string", "pattern": r'^\s*("[0-9]{1,9}"|[0-9]{1,9}|\*)\s*$'},
    OpenApiParameter.HEADER,
    description=_('The ETag you last read, e.g. "3". A stale value gives 412.'),
)


class NoAllowHeaderMixin:
    """For a view that answers 404 to every method: no `Allow` header.

    DRF lists the view's handlers in `Allow` on every answer; for an address that does not
    exist that would be `Allow: OPTIONS`, which names a method the address does not have.
    """

    @property
    def default_response_headers(self):
        headers = super().default_response_headers
        headers.pop("Allow", None)
        return headers
