"""The manufacturer in the API: its contacts, the exchanges about a complaint, the feedback."""

from django.utils.translation import gettext_lazy as _
from drf_spectacular.utils import extend_schema, extend_schema_view
from rest_framework import generics, status
from rest_framework.response import Response
from rest_framework.views import APIView

from kesu.complaints.api.serializers import (
    ManufacturerAnswerSerializer,
    ManufacturerAskSerializer,
    ManufacturerContactSerializer,
    ManufacturerExchangeSerializer,
    ManufacturerFeedbackSerializer,
    TimelineEntrySerializer,
)
from kesu.complaints.selectors import (
    complaint_exchanges,
    complaint_get,
    manufacturer_contacts_visible_to,
)
from kesu.complaints.services import manufacturer_answer, manufacturer_ask, manufacturer_feedback
from kesu.core.api.responses import BAD_REQUEST, CONFLICT, FORBIDDEN, NOT_FOUND

TAG = "manufacturer"


@extend_schema_view(
    get=extend_schema(
        tags=[TAG],
        summary=_("The manufacturer's regional staff you may escalate to (active contacts)"),
    )
)
class ManufacturerContactListView(generics.ListAPIView):
    serializer_class = ManufacturerContactSerializer
    pagination_class = None
    filter_backends = []

    def get_queryset(self):
        return manufacturer_contacts_visible_to(self.request.user).filter(is_active=True)


class ExchangeListView(APIView):
    @extend_schema(
        tags=[TAG],
        summary=_("What was asked of the manufacturer about this complaint, and its answers"),
        responses={200: ManufacturerExchangeSerializer(many=True), 404: NOT_FOUND},
    )
    def get(self, request, pk: int):
        exchanges = complaint_exchanges(request.user, pk)
        return Response(ManufacturerExchangeSerializer(exchanges, many=True).data)

    @extend_schema(
        tags=[TAG],
        summary=_("Escalate to the manufacturer: ask one of its contacts"),
        request=ManufacturerAskSerializer,
        responses={
            201: ManufacturerExchangeSerializer,
            400: BAD_REQUEST,
            403: FORBIDDEN,
            404: NOT_FOUND,
            409: CONFLICT,
        },
    )
    def post(self, request, pk: int):
        complaint_get(request.user, pk)
        serializer = ManufacturerAskSerializer(data=request.data, context={"request": request})
        serializer.is_valid(raise_exception=True)
        exchange = manufacturer_ask(
            complaint_id=pk, actor=request.user, **serializer.validated_data
        )
        return Response(
            ManufacturerExchangeSerializer(exchange).data, status=status.HTTP_201_CREATED
        )


class ExchangeAnswerView(APIView):
    @extend_schema(
        tags=[TAG],
        summary=_("Record the manufacturer's answer to a question"),
        request=ManufacturerAnswerSerializer,
        responses={
            200: ManufacturerExchangeSerializer,
            400: BAD_REQUEST,
            403: FORBIDDEN,
            404: NOT_FOUND,
            409: CONFLICT,
        },
    )
    def post(self, request, pk: int, exchange_pk: int):
        complaint_get(request.user, pk)
        serializer = ManufacturerAnswerSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        exchange = manufacturer_answer(
            complaint_id=pk,
            exchange_id=exchange_pk,
            actor=request.user,
            **serializer.validated_data,
        )
        return Response(ManufacturerExchangeSerializer(exchange).data)


class FeedbackView(APIView):
    @extend_schema(
        tags=[TAG],
        summary=_("Record the feedback sent to the manufacturer"),
        description=_("Meets the feedback deadline of a complaint the manufacturer forwarded."),
        request=ManufacturerFeedbackSerializer,
        responses={
            201: TimelineEntrySerializer,
            400: BAD_REQUEST,
            403: FORBIDDEN,
            404: NOT_FOUND,
        },
    )
    def post(self, request, pk: int):
        complaint_get(request.user, pk)
        serializer = ManufacturerFeedbackSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        entry = manufacturer_feedback(
            complaint_id=pk, actor=request.user, text=serializer.validated_data["text"]
        )
        entry.actor = request.user
        return Response(
            TimelineEntrySerializer(entry, context={"request": request}).data,
            status=status.HTTP_201_CREATED,
        )
