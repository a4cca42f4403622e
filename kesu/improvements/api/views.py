"""/api/v1/improvements/…: the improvement actions a user sees, creating and changing them,
moving them on and reviewing them. Each view validates, calls a service or selector, renders."""

from django.urls import reverse
from django.utils.translation import gettext_lazy as _
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiParameter, extend_schema, extend_schema_view
from rest_framework import generics, serializers, status
from rest_framework.response import Response
from rest_framework.views import APIView

from kesu.core.api.fields import MAX_ID, StrictInputMixin
from kesu.core.api.pagination import KesuCursorPagination
from kesu.core.api.responses import BAD_REQUEST, CONFLICT, FORBIDDEN, ID_PARAMETER, NOT_FOUND
from kesu.core.errors import NotAllowed
from kesu.improvements import services
from kesu.improvements.api.serializers import (
    ImprovementSerializer,
    ImprovementWriteSerializer,
    ReviewInputSerializer,
    StatusInputSerializer,
)
from kesu.improvements.choices import ACTIVE, Status
from kesu.improvements.selectors import (
    filtered,
    improvement_get,
    improvement_list,
    may_create,
    may_read,
)

TAG = "improvements"


def _check(request) -> None:
    if not may_read(request.user):
        raise NotAllowed(_("Only the staff of an organisation see its improvement actions."))


def _detail(request, action, code=status.HTTP_200_OK, headers=None) -> Response:
    action = improvement_get(request.user, action.pk)
    data = ImprovementSerializer(action, context={"request": request}).data
    return Response(data, status=code, headers=headers)


class FilterSerializer(StrictInputMixin, serializers.Serializer):
    status = serializers.ChoiceField(choices=[ACTIVE, *Status.values], required=False)
    owner = serializers.IntegerField(required=False, min_value=1, max_value=MAX_ID)
    branch = serializers.IntegerField(required=False, min_value=1, max_value=MAX_ID)
    overdue = serializers.BooleanField(required=False)
    cursor = serializers.CharField(required=False)
    page_size = serializers.CharField(required=False)


class ByDuePagination(KesuCursorPagination):
    """Earliest due first."""

    ordering = ("due_on", "id")


@extend_schema_view(
    get=extend_schema(
        tags=[TAG],
        summary=_("Improvement actions you may see, earliest due first"),
        parameters=[
            OpenApiParameter(
                "status",
                OpenApiTypes.STR,
                enum=[ACTIVE, *Status.values],
                description=_("“active”: not reviewed or cancelled yet."),
            ),
            OpenApiParameter("owner", ID_PARAMETER),
            OpenApiParameter("branch", ID_PARAMETER),
            OpenApiParameter(
                "overdue", OpenApiTypes.BOOL, description=_("Not done and past the due date.")
            ),
        ],
        responses={200: ImprovementSerializer(many=True), 400: BAD_REQUEST, 403: FORBIDDEN},
    )
)
class ImprovementListView(generics.ListAPIView):
    serializer_class = ImprovementSerializer
    pagination_class = ByDuePagination
    filter_backends: list = []

    def get_queryset(self):
        _check(self.request)
        filters = FilterSerializer(data=self.request.query_params)
        filters.is_valid(raise_exception=True)
        f = filters.validated_data
        return filtered(
            improvement_list(self.request.user).prefetch_related("categories"),
            status=f.get("status", ""),
            owner=f.get("owner"),
            branch=f.get("branch"),
            overdue_only=bool(f.get("overdue")),
        )

    @extend_schema(
        tags=[TAG],
        summary=_("Record an improvement action"),
        description=_(
            "The measure before is counted over the baseline at once: the complaints matching "
            "the causes and categories, per 30 days or per 1,000 of the number given."
        ),
        request=ImprovementWriteSerializer,
        responses={201: ImprovementSerializer, 400: BAD_REQUEST, 403: FORBIDDEN},
    )
    def post(self, request):
        _check(request)
        if not may_create(request.user):
            raise NotAllowed(_("Your role does not take improvement actions."))
        serializer = ImprovementWriteSerializer(data=request.data, context={"request": request})
        serializer.is_valid(raise_exception=True)
        action = services.improvement_create(actor=request.user, **serializer.validated_data)
        location = reverse("api:improvement-detail", kwargs={"pk": action.pk})
        return _detail(request, action, status.HTTP_201_CREATED, {"Location": location})


class ImprovementDetailView(APIView):
    @extend_schema(
        tags=[TAG],
        summary=_("One improvement action"),
        responses={200: ImprovementSerializer, 403: FORBIDDEN, 404: NOT_FOUND},
    )
    def get(self, request, pk):
        _check(request)
        return _detail(request, improvement_get(request.user, pk))

    @extend_schema(
        tags=[TAG],
        summary=_("Change an improvement action"),
        description=_("Any of its fields; the measure before is counted again if it changed."),
        request=ImprovementWriteSerializer,
        responses={
            200: ImprovementSerializer,
            400: BAD_REQUEST,
            403: FORBIDDEN,
            404: NOT_FOUND,
            409: CONFLICT,
        },
    )
    def patch(self, request, pk):
        _check(request)
        action = improvement_get(request.user, pk)
        serializer = ImprovementWriteSerializer(
            data=request.data, partial=True, context={"request": request}
        )
        serializer.is_valid(raise_exception=True)
        services.improvement_update(
            action_id=action.pk, actor=request.user, **serializer.validated_data
        )
        return _detail(request, action)


MOVES = {
    "start": services.improvement_start,
    "done": services.improvement_complete,
    "reopen": services.improvement_reopen,
}


class ImprovementStatusView(APIView):
    @extend_schema(
        tags=[TAG],
        summary=_("Start an improvement action, mark it done, back in progress, or cancel it"),
        request=StatusInputSerializer,
        responses={
            200: ImprovementSerializer,
            400: BAD_REQUEST,
            403: FORBIDDEN,
            404: NOT_FOUND,
            409: CONFLICT,
        },
    )
    def post(self, request, pk):
        _check(request)
        action = improvement_get(request.user, pk)
        serializer = StatusInputSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        move, reason = serializer.validated_data["move"], serializer.validated_data["reason"]
        if move == "cancel":
            services.improvement_cancel(action_id=action.pk, actor=request.user, reason=reason)
        else:
            MOVES[move](action_id=action.pk, actor=request.user)
        return _detail(request, action)


class ImprovementReviewView(APIView):
    @extend_schema(
        tags=[TAG],
        summary=_("Review a done improvement action: the measure after, and whether it worked"),
        description=_(
            "From the review date on. The measure after is counted over the time from "
            "completion to the day before the review date."
        ),
        request=ReviewInputSerializer,
        responses={
            200: ImprovementSerializer,
            400: BAD_REQUEST,
            403: FORBIDDEN,
            404: NOT_FOUND,
            409: CONFLICT,
        },
    )
    def post(self, request, pk):
        _check(request)
        action = improvement_get(request.user, pk)
        serializer = ReviewInputSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        services.improvement_review(
            action_id=action.pk, actor=request.user, **serializer.validated_data
        )
        return _detail(request, action)
