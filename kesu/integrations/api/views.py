"""The inbound API (complaints from other channels) and the telephony endpoint."""

import hashlib
import json

from django.urls import reverse
from django.utils.translation import gettext_lazy as _
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiExample, OpenApiParameter, OpenApiResponse, extend_schema
from rest_framework import status
from rest_framework.exceptions import ValidationError
from rest_framework.response import Response
from rest_framework.views import APIView

from kesu.core.api.parsers import SafeJSONParser
from kesu.core.api.responses import BAD_REQUEST, error
from kesu.integrations import limits
from kesu.integrations.api.serializers import (
    CallReportSerializer,
    CallResultSerializer,
    InboundComplaintSerializer,
    InboundResultSerializer,
)
from kesu.integrations.models import InboundComplaint
from kesu.integrations.services import call_report, inbound_register

UNAUTHORISED = error(_("No key, or the key is unknown, revoked or expired."))
SCOPE_REFUSED = error(_("The token lacks the scope or ability this needs."))

IDEMPOTENCY_KEY = OpenApiParameter(
    "Idempotency-Key",
    OpenApiTypes.STR,
    OpenApiParameter.HEADER,
    required=True,
    description=_(
        "Required. A unique string (e.g. a UUID) for this complaint, 1 to 100 characters. "
        "Resending the same body under it returns the first answer (200, Idempotent-Replayed: "
        "true) and registers nothing; another body under it is refused (409)."
    ),
)
IDEMPOTENT_REPLAYED = OpenApiParameter(
    "Idempotent-Replayed",
    OpenApiTypes.STR,
    OpenApiParameter.HEADER,
    response=[200],
    description=_('"true": the answer of an earlier request with this key.'),
)
LOCATION = OpenApiParameter(
    "Location",
    OpenApiTypes.STR,
    OpenApiParameter.HEADER,
    response=[201],
    description=_("The complaint's address in the API."),
)

INBOUND_EXAMPLE = {
    "channel": "wechat",
    "external_reference": "wx-msg-20261203-0042",
    "customer": {"phone": "13812345678", "name": "王先生", "email": "wang@example.com"},
    "title": "提车三天仪表盘报警",
    "account": "新车提车第三天仪表盘亮起发动机故障灯，要求检查。",
    "photos": [{"file_name": "dashboard.png", "data": "iVBORw0KGgoAAAANSUhEUgAAAAEAAAAB..."}],
}
INBOUND_ANSWER = {
    "id": 1042,
    "number": "KS-2026-001042",
    "state": "registered",
    "branch": 1,
    "external_reference": "wx-msg-20261203-0042",
    "customer": {"id": 311, "created": True},
    "attachments": [88],
    "received_at": "2026-12-03T09:15:00Z",
}


def _idempotency_key(request) -> str:
    key = (request.headers.get("Idempotency-Key") or "").strip()
    if not key or len(key) > limits.IDEMPOTENCY_KEY:
        raise ValidationError(
            {
                "Idempotency-Key": [
                    _("Send an Idempotency-Key header of 1 to 100 characters, e.g. a UUID.")
                ]
            }
        )
    return key


def _body_sha256(data) -> str:
    canonical = json.dumps(data, sort_keys=True, ensure_ascii=False, separators=(",", ":"))
    return hashlib.sha256(canonical.encode()).hexdigest()


def _result(record: InboundComplaint) -> dict:
    complaint = record.complaint
    return {
        "id": complaint.pk,
        "number": complaint.number,
        "state": complaint.state,
        "branch": complaint.branch_id,
        "external_reference": record.external_reference or None,
        "customer": {"id": complaint.customer_id, "created": record.customer_created},
        "attachments": sorted(complaint.attachments.values_list("pk", flat=True)),
        "received_at": complaint.received_at,
    }


class InboundComplaintView(APIView):
    integration_ability = "inbound"
    parser_classes = [SafeJSONParser]

    @extend_schema(
        tags=["integrations"],
        summary=_("Register a complaint that came in through another channel"),
        description=_(
            "For an integration's token (`Authorization: Bearer kesu_…`) with the write scope "
            "and the inbound ability. The customer is found by phone among those the token "
            "sees (their home branch first) or added in the complaint's branch; the complaint "
            "is registered as intake registers one (deadlines, routing, notifications), by the "
            "integration. Photos are base64 in the JSON and checked as uploads are."
        ),
        request=InboundComplaintSerializer,
        parameters=[IDEMPOTENCY_KEY, IDEMPOTENT_REPLAYED, LOCATION],
        responses={
            201: InboundResultSerializer,
            200: OpenApiResponse(
                InboundResultSerializer, description=_("The answer of an earlier request.")
            ),
            400: BAD_REQUEST,
            401: UNAUTHORISED,
            403: SCOPE_REFUSED,
            409: error(_("The Idempotency-Key was used for a different body.")),
        },
        examples=[
            OpenApiExample(
                "WeChat", value=INBOUND_EXAMPLE, request_only=True, summary=_("From WeChat")
            ),
            OpenApiExample(
                "Manufacturer",
                value={
                    "channel": "manufacturer",
                    "external_reference": "FAW-CS-2026-77812",
                    "customer": {"phone": "+8613900001111", "name": "李女士"},
                    "title": "厂家转来：保养后异响",
                    "account": "客户致电厂家热线，反映保养后冷车启动异响。",
                },
                request_only=True,
                summary=_("Forwarded by the manufacturer's CRM"),
            ),
            OpenApiExample(
                "Registered", value=INBOUND_ANSWER, response_only=True, status_codes=["201"]
            ),
        ],
    )
    def post(self, request):
        key = _idempotency_key(request)
        serializer = InboundComplaintSerializer(data=request.data, context={"request": request})
        serializer.is_valid(raise_exception=True)
        data = dict(serializer.validated_data)
        record, created = inbound_register(
            integration=request.auth,
            idempotency_key=key,
            body_sha256=_body_sha256(request.data),
            **data,
        )
        if not created:
            return Response(_result(record), headers={"Idempotent-Replayed": "true"})
        location = reverse("api:complaint-detail", kwargs={"pk": record.complaint_id})
        return Response(
            _result(record), status=status.HTTP_201_CREATED, headers={"Location": location}
        )


class CallReportView(APIView):
    integration_ability = "telephony"
    parser_classes = [SafeJSONParser]

    @extend_schema(
        tags=["integrations"],
        summary=_("Report an incoming call (call-centre pop-up)"),
        description=_(
            "For an integration's token with the telephony ability. The agent whose extension "
            "it is, in a branch the token may act in, sees within seconds in their open Kesu "
            "tab who is calling: the customer of that number, their vehicles and open "
            "complaints, or a new caller; the pop-up shows for a minute."
        ),
        request=CallReportSerializer,
        responses={
            201: CallResultSerializer,
            400: BAD_REQUEST,
            401: UNAUTHORISED,
            403: SCOPE_REFUSED,
            404: error(_("No agent has this extension in the branches the token may act in.")),
        },
        examples=[
            OpenApiExample(
                "Call", value={"caller": "13812345678", "extension": "8012"}, request_only=True
            ),
            OpenApiExample(
                "Call, the number as written",
                value={"caller": "+86 138-1234-5678", "extension": "8012"},
                request_only=True,
            ),
            OpenApiExample(
                "Shown",
                value={
                    "id": 5,
                    "caller": "13812345678",
                    "extension": "8012",
                    "agent": {"id": 12, "name": "前台 小张"},
                    "shown_until": "2026-12-03T09:16:00Z",
                },
                response_only=True,
                status_codes=["201"],
            ),
        ],
    )
    def post(self, request):
        serializer = CallReportSerializer(data=request.data, context={"request": request})
        serializer.is_valid(raise_exception=True)
        call = call_report(integration=request.auth, **serializer.validated_data)
        return Response(
            {
                "id": call.pk,
                "caller": call.caller,
                "extension": call.extension,
                "agent": {"id": call.agent_id, "name": str(call.agent)},
                "shown_until": call.expires_at,
            },
            status=status.HTTP_201_CREATED,
        )
