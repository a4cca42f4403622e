"""One shape for every API error, in the request's language:

{"error": {"code": "...", "message": "...", "fields": {"name": ["..."]}}}
"""

import logging

from django.core.exceptions import ValidationError as DjangoValidationError
from django.db import InterfaceError, OperationalError
from django.utils.translation import gettext as _
from rest_framework import exceptions, status
from rest_framework.response import Response
from rest_framework.views import exception_handler as drf_exception_handler
from rest_framework.views import set_rollback

from kesu.core.errors import DomainError

logger = logging.getLogger(__name__)
# Seconds a client is asked to wait when the database is away (a restart takes about one).
DATABASE_RETRY_AFTER = 5


def _field_messages(detail) -> dict:
    if isinstance(detail, dict):
        return {str(k): _flatten(v) for k, v in detail.items()}
    return {"non_field_errors": _flatten(detail)}


def _flatten(value) -> list[str]:
    if isinstance(value, list | tuple):
        out = []
        for item in value:
            out.extend(_flatten(item))
        return out
    if isinstance(value, dict):
        return [f"{k}: {m}" for k, v in value.items() for m in _flatten(v)]
    return [str(value)]


def _domain_fields(exc: DomainError) -> dict:
    # Some refusals say what to fix, e.g. the checklist items a move needs ticked first.
    return {k: [str(m) for m in v] for k, v in getattr(exc, "fields", {}).items()}


def exception_handler(exc, context):
    if isinstance(exc, OperationalError | InterfaceError):
        # The database restarts, fails over or is unreachable for a moment: a 503 that says
        # "again later", not a 500. A create retried with its Idempotency-Key is not doubled.
        logger.warning("database unavailable: %s", exc)
        set_rollback()
        return Response(
            {
                "error": {
                    "code": "unavailable",
                    "message": _("The database is not available. Try again in a few seconds."),
                    "fields": {},
                }
            },
            status=status.HTTP_503_SERVICE_UNAVAILABLE,
            headers={"Retry-After": str(DATABASE_RETRY_AFTER)},
        )
    if isinstance(exc, DomainError):
        return Response(
            {"error": {"code": exc.code, "message": exc.render(), "fields": _domain_fields(exc)}},
            status=exc.status_code,
        )
    if isinstance(exc, DjangoValidationError):
        if hasattr(exc, "error_dict"):
            fields = {k: [str(m) for e in v for m in e.messages] for k, v in exc.error_dict.items()}
        else:
            fields = {"non_field_errors": [str(m) for m in exc.messages]}
        return Response(
            {
                "error": {
                    "code": "invalid",
                    "message": _("Some fields are not valid."),
                    "fields": fields,
                }
            },
            status=status.HTTP_400_BAD_REQUEST,
        )
    response = drf_exception_handler(exc, context)
    if response is None:
        return None
    if isinstance(exc, exceptions.ValidationError):
        body = {
            "code": "invalid",
            "message": _("Some fields are not valid."),
            "fields": _field_messages(exc.detail),
        }
    else:
        detail = exc.detail if isinstance(exc, exceptions.APIException) else str(exc)
        code = getattr(detail, "code", None) or getattr(exc, "default_code", "error")
        body = {"code": str(code), "message": str(detail), "fields": {}}
    response.data = {"error": body}
    return response
