"""Optimistic concurrency for complaint writes: ETag / If-Match, or a `version` in the body.

The version check itself happens in the service, under the row lock, so two writers that
loaded the same version can never both succeed; this module only reads what the client
claims to have seen and chooses the status a refusal gets (412 for If-Match, 409 for body).
"""

import re
from collections.abc import Iterator
from contextlib import contextmanager

from django.utils.translation import gettext_lazy as _
from rest_framework import serializers

from kesu.core.errors import DomainError, StaleVersion

_ETAG = re.compile(r'^\s*"(\d{1,9})"\s*$')
_BARE = re.compile(r"^\s*(\d{1,9})\s*$")


class PreconditionFailed(DomainError):
    status_code = 412
    default_code = "precondition_failed"
    default_message = StaleVersion.default_message


class PreconditionRequired(DomainError):
    status_code = 428
    default_code = "precondition_required"
    default_message = _(
        "Say which version of the complaint you are changing: send the ETag you received as "
        "an If-Match header, or the version in the body."
    )


def etag_for(version: int) -> str:
    return f'"{version}"'


def parse_if_match(header: str) -> int:
    match = _ETAG.match(header) or _BARE.match(header)
    if not match:
        raise serializers.ValidationError(
            {
                "If-Match": [
                    _('Give the ETag of the complaint as received, e.g. If-Match: "3".'),
                ]
            }
        )
    return int(match.group(1))


def expected_version(
    request, body_version: int | None, *, required: bool
) -> tuple[int | None, bool]:
    """The version the client last read, and whether it came from If-Match.

    Without either and `required`, the write is refused with 428: a blind overwrite could
    undo a colleague's change without anyone noticing.
    """
    header = request.headers.get("If-Match")
    if header is not None and header.strip() != "*":
        version = parse_if_match(header)
        if body_version is not None and body_version != version:
            raise serializers.ValidationError(
                {"version": [_("The version in the body differs from the If-Match header.")]}
            )
        return version, True
    if body_version is not None:
        return body_version, False
    if required:
        raise PreconditionRequired()
    return None, False


@contextmanager
def stale_version_status(from_header: bool) -> Iterator[None]:
    """A stale If-Match is 412 Precondition Failed; a stale body version stays 409."""
    try:
        yield
    except StaleVersion as exc:
        if from_header:
            raise PreconditionFailed(exc.message, params=exc.params) from exc
        raise
