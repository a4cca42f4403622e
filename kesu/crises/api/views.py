"""/api/v1/crises/…: the crises a user sees, scoped as on the pages (their branch's; every
branch's for the group and administrators). Read only: the crises are changed on their pages."""

from django.utils.translation import gettext_lazy as _
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiParameter, extend_schema, extend_schema_view
from rest_framework import generics, serializers
from rest_framework.response import Response
from rest_framework.views import APIView

from kesu.core.api.fields import MAX_ID, StrictInputMixin
from kesu.core.api.pagination import KesuCursorPagination
from kesu.core.api.responses import BAD_REQUEST, FORBIDDEN, ID_PARAMETER, NOT_FOUND
from kesu.core.errors import NotAllowed
from kesu.crises.api.serializers import CrisisDetailSerializer, CrisisSerializer
from kesu.crises.choices import Status
from kesu.crises.selectors import crisis_list, crisis_with_parts, may_read

TAG = "crises"


def _check(request) -> None:
    if not may_read(request.user):
        raise NotAllowed(_("Only the staff of an organisation see its crises."))


class FilterSerializer(StrictInputMixin, serializers.Serializer):
    status = serializers.ChoiceField(choices=Status.values, required=False)
    branch = serializers.IntegerField(required=False, min_value=1, max_value=MAX_ID)
    cursor = serializers.CharField(required=False)
    page_size = serializers.CharField(required=False)


class NewestPagination(KesuCursorPagination):
    ordering = ("-opened_at", "-id")


@extend_schema_view(
    get=extend_schema(
        tags=[TAG],
        summary=_("Crises you may see, newest first"),
        parameters=[
            OpenApiParameter("status", OpenApiTypes.STR, enum=Status.values),
            OpenApiParameter("branch", ID_PARAMETER),
        ],
        responses={200: CrisisSerializer(many=True), 400: BAD_REQUEST, 403: FORBIDDEN},
    )
)
class CrisisListView(generics.ListAPIView):
    serializer_class = CrisisSerializer
    pagination_class = NewestPagination
    filter_backends: list = []

    def get_queryset(self):
        _check(self.request)
        filters = FilterSerializer(data=self.request.query_params)
        filters.is_valid(raise_exception=True)
        f = filters.validated_data
        return crisis_list(self.request.user, status=f.get("status", ""), branch=f.get("branch"))


class CrisisDetailView(APIView):
    @extend_schema(
        tags=[TAG],
        summary=_("One crisis, with its action plan, public statements and watched posts"),
        responses={200: CrisisDetailSerializer, 403: FORBIDDEN, 404: NOT_FOUND},
    )
    def get(self, request, pk):
        _check(request)
        crisis = crisis_with_parts(request.user, pk)
        return Response(CrisisDetailSerializer(crisis, context={"request": request}).data)
