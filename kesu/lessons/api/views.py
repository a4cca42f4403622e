"""/api/v1/lessons/: the lessons of the organisation, searched as on the /lessons/ page."""

from django.utils.translation import gettext_lazy as _
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiParameter, extend_schema, extend_schema_view
from rest_framework import generics
from rest_framework.exceptions import ValidationError

from kesu.complaints.choices import CauseClass
from kesu.complaints.exports import category_labels
from kesu.core.api.responses import BAD_REQUEST, ID_PARAMETER
from kesu.lessons.api.serializers import LessonSerializer
from kesu.lessons.forms import SEARCH_MAX_LENGTH, LessonFilterForm
from kesu.lessons.selectors import lesson_rows, lessons_search, linkable_complaints

TAG = "lessons"
FILTERS = [
    OpenApiParameter(
        "q",
        {"type": "string", "maxLength": SEARCH_MAX_LENGTH},
        description=_("Words of the title, text or advice."),
    ),
    OpenApiParameter(
        "category", ID_PARAMETER, description=_("A category, and everything under it.")
    ),
    OpenApiParameter("cause", OpenApiTypes.STR, enum=CauseClass.values),
    OpenApiParameter("branch", ID_PARAMETER),
    OpenApiParameter(
        "month",
        {"type": "string", "pattern": r"^2[0-9]{3}-(0[1-9]|1[0-2])$"},
        description=_("Shared in this month: YYYY-MM, e.g. 2026-11."),
    ),
]


@extend_schema_view(
    get=extend_schema(
        tags=[TAG],
        summary=_("Lessons learned of every branch, newest first"),
        description=_(
            "Case summaries shared as lessons, readable by everyone in the organisation. They "
            "hold nothing of the customer; `complaint` is the complaint's id where you may "
            "open it."
        ),
        parameters=FILTERS,
        responses={200: LessonSerializer(many=True), 400: BAD_REQUEST},
    )
)
class LessonListView(generics.ListAPIView):
    serializer_class = LessonSerializer
    filter_backends: list = []

    def get_queryset(self):
        form = LessonFilterForm(self.request.query_params, user=self.request.user)
        if not form.is_valid():
            raise ValidationError(
                {name: [str(m) for m in messages] for name, messages in form.errors.items()}
            )
        return lesson_rows(lessons_search(self.request.user, **form.filters()))

    def list(self, request, *args, **kwargs):
        page = self.paginate_queryset(self.get_queryset())
        serializer = self.get_serializer(page, many=True)
        serializer.context.update(
            linkable=linkable_complaints(request.user, page),
            category_labels=category_labels(request.user.organisation_id),
        )
        return self.get_paginated_response(serializer.data)
