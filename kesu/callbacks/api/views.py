"""Callback endpoints: the tasks a user may see, recording a call, and the measures.

Each view validates input, calls a service or selector, renders; errors take the API's one shape.
"""

from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiParameter, extend_schema, extend_schema_view
from rest_framework import generics, serializers
from rest_framework.exceptions import PermissionDenied, ValidationError
from rest_framework.response import Response
from rest_framework.views import APIView

from kesu.callbacks import limits, measures
from kesu.callbacks.choices import (
    NOT_REACHED_RESULTS,
    AttemptResult,
    CallbackType,
    Level,
    Satisfaction,
    TaskStatus,
)
from kesu.callbacks.models import CallbackTask
from kesu.callbacks.selectors import end_of_day, may_use_workspace, mine, task_get, task_list
from kesu.callbacks.services import NewComplaint, task_not_reached, task_record_outcome
from kesu.complaints import limits as complaint_limits
from kesu.complaints.choices import Demand
from kesu.core.api.fields import (
    BoundedDateField,
    BoundedDateTimeField,
    StrictInputMixin,
    masked_phone,
)
from kesu.core.api.pagination import KesuCursorPagination
from kesu.core.api.responses import BAD_REQUEST, CONFLICT, DAY_PARAMETER, FORBIDDEN, NOT_FOUND
from kesu.core.limits import length_errors

TAG = "callbacks"


def _check_workspace(request) -> None:
    if not may_use_workspace(request.user):
        raise PermissionDenied(_("Your role does not work with callbacks."))


class CallbackTaskSerializer(serializers.ModelSerializer):
    customer_name = serializers.CharField(source="customer.name", read_only=True)
    customer_phone = masked_phone(source="customer.phone")
    customer_tier = serializers.CharField(source="customer.tier", read_only=True)
    plan = serializers.CharField(source="plan.code", read_only=True)
    plan_name = serializers.CharField(source="plan.name", read_only=True)
    complaint_number = serializers.CharField(
        source="complaint.number", read_only=True, allow_null=True, default=None
    )
    callback_type_label = serializers.CharField(source="get_callback_type_display", read_only=True)
    status_label = serializers.CharField(source="get_status_display", read_only=True)

    class Meta:
        model = CallbackTask
        fields = [
            "id",
            "branch",
            "plan",
            "plan_name",
            "level",
            "callback_type",
            "callback_type_label",
            "event",
            "event_on",
            "customer",
            "customer_name",
            "customer_phone",
            "customer_tier",
            "purchase",
            "complaint",
            "complaint_number",
            "sample_draw",
            "due_on",
            "latest_on",
            "call_from",
            "call_until",
            "role",
            "assignee",
            "status",
            "status_label",
            "attempts",
            "satisfaction",
            "score",
            "raised_complaint",
            "on_time",
            "completed_at",
            "completed_by",
        ]
        read_only_fields = fields


class NewComplaintSerializer(StrictInputMixin, serializers.Serializer):
    title = serializers.CharField(max_length=complaint_limits.TITLE)
    account = serializers.CharField(max_length=complaint_limits.ACCOUNT)
    demand = serializers.ChoiceField(choices=Demand.choices, default=Demand.OTHER)


OUTCOME_RESULTS = [
    (AttemptResult.REACHED.value, AttemptResult.REACHED.label),
    *[(r.value, r.label) for r in AttemptResult if r in NOT_REACHED_RESULTS],
    (AttemptResult.WRONG_NUMBER.value, AttemptResult.WRONG_NUMBER.label),
    (AttemptResult.CALL_LATER.value, AttemptResult.CALL_LATER.label),
]


class OutcomeSerializer(StrictInputMixin, serializers.Serializer):
    result = serializers.ChoiceField(
        choices=OUTCOME_RESULTS,
        help_text=_("reached, or why the customer was not reached."),
    )
    satisfaction = serializers.ChoiceField(
        choices=Satisfaction.choices, required=False, allow_blank=True, default=""
    )
    score = serializers.IntegerField(min_value=1, max_value=5, required=False, allow_null=True)
    notes = serializers.CharField(
        max_length=limits.NOTES,
        required=False,
        allow_blank=True,
        default="",
        help_text=_("What the customer said; for a call that did not reach them, a short note."),
    )
    answers = serializers.DictField(
        child=serializers.CharField(max_length=limits.ANSWER, allow_blank=True),
        required=False,
        help_text=_("Questionnaire answers by question code."),
    )
    new_complaint = NewComplaintSerializer(required=False)
    lead_interest = serializers.CharField(
        max_length=limits.LEAD_INTEREST, required=False, allow_blank=True, default=""
    )
    call_back_at = BoundedDateTimeField(
        required=False, allow_null=True, help_text=_("With result call_later.")
    )

    def validate(self, attrs):
        # A call that did not reach the customer keeps a short note; refused, never cut short.
        if attrs.get("result") != AttemptResult.REACHED:
            errors = length_errors(notes=(attrs.get("notes"), limits.ATTEMPT_NOTE))
            if errors:
                raise ValidationError(errors)
        return attrs


class LevelMeasureSerializer(serializers.Serializer):
    level = serializers.IntegerField()
    label = serializers.CharField()
    total = serializers.IntegerField()
    done = serializers.IntegerField()
    unreached = serializers.IntegerField()
    open = serializers.IntegerField()
    completion_rate = serializers.FloatField(allow_null=True)
    on_time_rate = serializers.FloatField(allow_null=True)


class OnTimeSerializer(serializers.Serializer):
    finished = serializers.IntegerField()
    on_time = serializers.IntegerField()
    rate = serializers.FloatField(allow_null=True)


class SamplingMeasureSerializer(serializers.Serializer):
    level = serializers.IntegerField()
    population = serializers.CharField()
    label = serializers.CharField()
    draws = serializers.IntegerField()
    population_size = serializers.IntegerField()
    drawn = serializers.IntegerField()
    excluded = serializers.IntegerField()
    target_rate = serializers.FloatField(allow_null=True)
    achieved_rate = serializers.FloatField(allow_null=True)
    called = serializers.IntegerField()
    call_rate = serializers.FloatField(allow_null=True)


class SatisfactionMeasureSerializer(serializers.Serializer):
    branch_id = serializers.IntegerField(allow_null=True)
    branch = serializers.CharField()
    month = serializers.CharField()
    total = serializers.IntegerField()
    satisfied = serializers.IntegerField()
    neutral = serializers.IntegerField()
    dissatisfied = serializers.IntegerField()
    satisfied_rate = serializers.FloatField(allow_null=True)
    avg_score = serializers.FloatField(allow_null=True)


class PeriodSerializer(serializers.Serializer):
    # "from" is a keyword: the field is declared below under its JSON name.
    until = serializers.DateField()


PeriodSerializer._declared_fields["from"] = serializers.DateField()


class MeasuresSerializer(serializers.Serializer):
    period = PeriodSerializer()
    levels = LevelMeasureSerializer(many=True)
    on_time = OnTimeSerializer()
    sampling = SamplingMeasureSerializer(many=True)
    satisfaction = SatisfactionMeasureSerializer(many=True)
    new_complaints = serializers.IntegerField()
    leads = serializers.IntegerField()


class TaskFilterSerializer(StrictInputMixin, serializers.Serializer):
    status = serializers.ChoiceField(choices=TaskStatus.choices, required=False)
    level = serializers.ChoiceField(choices=Level.choices, required=False)
    callback_type = serializers.ChoiceField(choices=CallbackType.choices, required=False)
    due_from = BoundedDateField(required=False)
    due_until = BoundedDateField(required=False)
    today = serializers.BooleanField(
        required=False, help_text=_("Only open callbacks that may be made today.")
    )
    mine = serializers.BooleanField(required=False, help_text=_("Only the user's own list."))
    cursor = serializers.CharField(required=False)
    page_size = serializers.CharField(required=False)


class TaskPagination(KesuCursorPagination):
    """In calling order: by the start of the calling window."""

    ordering = ("call_from", "id")


TASK_FILTERS = [
    OpenApiParameter("status", OpenApiTypes.STR, enum=TaskStatus.values),
    OpenApiParameter("level", OpenApiTypes.INT, enum=Level.values),
    OpenApiParameter("callback_type", OpenApiTypes.STR, enum=CallbackType.values),
    OpenApiParameter("due_from", DAY_PARAMETER),
    OpenApiParameter("due_until", DAY_PARAMETER),
    OpenApiParameter("today", OpenApiTypes.BOOL, description=_("Open callbacks callable today.")),
    OpenApiParameter("mine", OpenApiTypes.BOOL, description=_("Only the user's own list.")),
]


@extend_schema_view(
    get=extend_schema(
        tags=[TAG],
        summary=_("Callbacks you may see, in calling order"),
        parameters=TASK_FILTERS,
        responses={200: CallbackTaskSerializer(many=True), 400: BAD_REQUEST, 403: FORBIDDEN},
    )
)
class TaskListView(generics.ListAPIView):
    serializer_class = CallbackTaskSerializer
    pagination_class = TaskPagination
    filter_backends: list = []

    def get_queryset(self):
        _check_workspace(self.request)
        filters = TaskFilterSerializer(data=self.request.query_params)
        filters.is_valid(raise_exception=True)
        f = filters.validated_data
        user = self.request.user
        qs = task_list(user)
        for name in ("status", "level", "callback_type"):
            if name in f:
                qs = qs.filter(**{name: f[name]})
        if "due_from" in f:
            qs = qs.filter(due_on__gte=f["due_from"])
        if "due_until" in f:
            qs = qs.filter(due_on__lte=f["due_until"])
        if f.get("today"):
            qs = qs.filter(status=TaskStatus.OPEN, call_from__lt=end_of_day())
        if f.get("mine"):
            qs = qs.filter(mine(user))
        return qs


class TaskDetailView(APIView):
    @extend_schema(
        tags=[TAG],
        summary=_("One callback"),
        responses={200: CallbackTaskSerializer, 403: FORBIDDEN, 404: NOT_FOUND},
    )
    def get(self, request, pk):
        _check_workspace(request)
        task = task_get(request.user, pk)
        return Response(CallbackTaskSerializer(task, context={"request": request}).data)


class OutcomeView(APIView):
    @extend_schema(
        tags=[TAG],
        summary=_("Record a call: reached with its outcome, or why not"),
        request=OutcomeSerializer,
        responses={
            200: CallbackTaskSerializer,
            400: BAD_REQUEST,
            403: FORBIDDEN,
            404: NOT_FOUND,
            409: CONFLICT,
        },
    )
    def post(self, request, pk):
        _check_workspace(request)
        serializer = OutcomeSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        d = serializer.validated_data
        if d["result"] == AttemptResult.REACHED:
            complaint = d.get("new_complaint")
            task_record_outcome(
                task_id=pk,
                actor=request.user,
                satisfaction=d["satisfaction"],
                score=d.get("score"),
                notes=d["notes"],
                answers=d.get("answers") or {},
                new_complaint=NewComplaint(**complaint) if complaint else None,
                lead_interest=d["lead_interest"],
            )
        else:
            task_not_reached(
                task_id=pk,
                actor=request.user,
                result=d["result"],
                note=d["notes"],
                call_back_at=d.get("call_back_at"),
            )
        task = task_get(request.user, pk)
        return Response(CallbackTaskSerializer(task, context={"request": request}).data)


class MeasuresView(APIView):
    @extend_schema(
        tags=[TAG],
        summary=_("Callback measures: completion per level, sampling, on time, satisfaction"),
        parameters=[
            OpenApiParameter("from", DAY_PARAMETER, description=_("Default: the 1st.")),
            OpenApiParameter("until", DAY_PARAMETER, description=_("Default: today.")),
        ],
        responses={200: MeasuresSerializer, 400: BAD_REQUEST, 403: FORBIDDEN},
    )
    def get(self, request):
        _check_workspace(request)
        today = timezone.localdate()
        field = BoundedDateField()
        period = {}
        errors = {}
        for name, default in (("from", today.replace(day=1)), ("until", today)):
            raw = request.query_params.get(name)
            if raw in (None, ""):
                period[name] = default
                continue
            try:
                period[name] = field.run_validation(raw)
            except serializers.ValidationError as exc:
                errors[name] = exc.detail
        if errors:
            raise ValidationError(errors)
        start, end = period["from"], period["until"]
        if end < start:
            raise ValidationError({"until": [_("The period ends before it starts.")]})
        if (end - start).days > 366 * 3:
            raise ValidationError({"from": [_("Ask for at most three years at a time.")]})
        data = measures.measures_for(request.user, start, end)
        return Response(data)
