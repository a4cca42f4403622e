"""/api/v1/emerging-issues/…: the emerging issues a user sees, scoped as on the pages. Read
only: they are decided on their pages."""

from django.utils.translation import gettext_lazy as _
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiParameter, extend_schema, extend_schema_view
from rest_framework import generics, serializers
from rest_framework.response import Response
from rest_framework.views import APIView

from kesu.core.api.fields import StrictInputMixin
from kesu.core.api.pagination import KesuCursorPagination
from kesu.core.api.responses import BAD_REQUEST, FORBIDDEN, NOT_FOUND
from kesu.core.errors import NotAllowed
from kesu.emerging.api.serializers import EmergingIssueDetailSerializer, EmergingIssueSerializer
from kesu.emerging.choices import State
from kesu.emerging.selectors import issue_complaints, issue_get, issues_visible_to, may_read, trend

TAG = "emerging-issues"


def _check(request) -> None:
    if not may_read(request.user):
        raise NotAllowed(
            _("Handling managers, customer directors, general managers and the group see them.")
        )


class FilterSerializer(StrictInputMixin, serializers.Serializer):
    state = serializers.ChoiceField(choices=State.values, required=False)
    cursor = serializers.CharField(required=False)
    page_size = serializers.CharField(required=False)


class NewestPagination(KesuCursorPagination):
    ordering = ("-last_seen", "-id")


@extend_schema_view(
    get=extend_schema(
        tags=[TAG],
        summary=_("Emerging issues you may see, the latest first"),
        parameters=[OpenApiParameter("state", OpenApiTypes.STR, enum=State.values)],
        responses={200: EmergingIssueSerializer(many=True), 400: BAD_REQUEST, 403: FORBIDDEN},
    )
)
class EmergingIssueListView(generics.ListAPIView):
    serializer_class = EmergingIssueSerializer
    pagination_class = NewestPagination
    filter_backends: list = []

    def get_queryset(self):
        _check(self.request)
        filters = FilterSerializer(data=self.request.query_params)
        filters.is_valid(raise_exception=True)
        qs = issues_visible_to(self.request.user).select_related("category", "branch")
        state = filters.validated_data.get("state")
        return qs.filter(state=state) if state else qs


class EmergingIssueDetailView(APIView):
    @extend_schema(
        tags=[TAG],
        summary=_("One emerging issue, with the complaints you may see and its daily trend"),
        responses={200: EmergingIssueDetailSerializer, 403: FORBIDDEN, 404: NOT_FOUND},
    )
    def get(self, request, pk):
        _check(request)
        issue = issue_get(request.user, pk)
        issue.visible_complaints = list(issue_complaints(request.user, issue)[:500])
        issue.trend_days = [{"day": d, "complaints": n} for d, n in trend(issue)]
        return Response(EmergingIssueDetailSerializer(issue, context={"request": request}).data)
