"""The improvement actions in JSON: reading one, the input of creating and changing one, moving
it on and reviewing it, and its row in the monthly report."""

from django.utils.translation import gettext_lazy as _
from drf_spectacular.utils import extend_schema_field
from rest_framework import serializers

from kesu.complaints.choices import CauseClass
from kesu.complaints.models import Category, Complaint
from kesu.complaints.selectors import complaints_visible_to
from kesu.core.api.fields import BoundedDateField, ScopedPrimaryKeyRelatedField, StrictInputMixin
from kesu.improvements import limits
from kesu.improvements.choices import Unit, Verdict
from kesu.improvements.models import ImprovementAction
from kesu.improvements.selectors import categories_for
from kesu.organisation.models import Branch, Department, User
from kesu.organisation.selectors import branches_visible_to, departments_visible_to


class _PersonSerializer(serializers.ModelSerializer):
    name = serializers.CharField(source="__str__", read_only=True)

    class Meta:
        model = User
        fields = ["id", "name", "role"]
        read_only_fields = fields


class ImprovementComplaintSerializer(serializers.ModelSerializer):
    class Meta:
        model = Complaint
        fields = ["id", "number", "title", "state"]
        read_only_fields = fields


class ImprovementSerializer(serializers.ModelSerializer):
    owner = _PersonSerializer(read_only=True)
    reviewed_by = _PersonSerializer(read_only=True, allow_null=True)
    status_display = serializers.CharField(source="get_status_display", read_only=True)
    unit_display = serializers.CharField(source="get_unit_display", read_only=True)
    categories = serializers.PrimaryKeyRelatedField(many=True, read_only=True)
    complaints = serializers.SerializerMethodField()
    overdue = serializers.BooleanField(source="is_overdue", read_only=True)
    change = serializers.DecimalField(
        max_digits=14, decimal_places=2, read_only=True, allow_null=True
    )
    change_pct = serializers.IntegerField(read_only=True, allow_null=True)

    class Meta:
        model = ImprovementAction
        fields = [
            "id",
            "branch",
            "department",
            "title",
            "description",
            "owner",
            "due_on",
            "overdue",
            "status",
            "status_display",
            "causes",
            "categories",
            "complaints",
            "unit",
            "unit_display",
            "denominator_label",
            "baseline_from",
            "baseline_to",
            "baseline_denominator",
            "before_count",
            "before_value",
            "completed_on",
            "review_on",
            "after_from",
            "after_to",
            "after_denominator",
            "after_count",
            "after_value",
            "change",
            "change_pct",
            "review_note",
            "reviewed_by",
            "cancel_reason",
            "closed_at",
            "created_at",
            "updated_at",
        ]
        read_only_fields = fields

    @extend_schema_field(ImprovementComplaintSerializer(many=True))
    def get_complaints(self, action):
        """The linked complaints the reader may see."""
        request = self.context.get("request")
        qs = complaints_visible_to(request.user) if request is not None else Complaint.objects
        rows = qs.filter(improvement_actions=action).only("pk", "number", "title", "state")
        return ImprovementComplaintSerializer(rows.order_by("-id")[:100], many=True).data


def _categories(user):
    return categories_for(user.organisation_id) if user is not None else Category.objects.none()


def _owners(user):
    if user is None or user.organisation_id is None:
        return User.objects.none()
    return User.objects.filter(organisation_id=user.organisation_id, is_active=True)


class ImprovementWriteSerializer(StrictInputMixin, serializers.Serializer):
    """What an action is; on a change, any subset (the others stay as they are)."""

    title = serializers.CharField(max_length=limits.TITLE)
    description = serializers.CharField(
        max_length=limits.TEXT, required=False, allow_blank=True, default=""
    )
    branch = ScopedPrimaryKeyRelatedField(
        scope=branches_visible_to,
        queryset=Branch.objects.all(),
        required=False,
        allow_null=True,
        help_text=_("The group only; empty for an action of the whole group. Others: theirs."),
    )
    department = ScopedPrimaryKeyRelatedField(
        scope=departments_visible_to,
        queryset=Department.objects.all(),
        required=False,
        allow_null=True,
    )
    owner = ScopedPrimaryKeyRelatedField(scope=_owners, queryset=User.objects.all())
    due_on = BoundedDateField()
    review_on = BoundedDateField()
    causes = serializers.ListField(
        child=serializers.ChoiceField(choices=CauseClass.choices), required=False, default=list
    )
    categories = ScopedPrimaryKeyRelatedField(
        scope=_categories,
        queryset=Category.objects.all(),
        many=True,
        required=False,
        default=list,
    )
    complaints = ScopedPrimaryKeyRelatedField(
        scope=complaints_visible_to,
        queryset=Complaint.objects.all(),
        many=True,
        required=False,
        default=list,
        help_text=_("Ids of the complaints that prompted it."),
    )
    unit = serializers.ChoiceField(choices=Unit.choices, required=False, default=Unit.PER_30_DAYS)
    denominator_label = serializers.CharField(
        max_length=limits.DENOMINATOR_LABEL, required=False, allow_blank=True, default=""
    )
    baseline_from = BoundedDateField(
        required=False, allow_null=True, help_text=_("Default: three months before this one.")
    )
    baseline_to = BoundedDateField(
        required=False, allow_null=True, help_text=_("Default: the end of last month.")
    )
    baseline_denominator = serializers.IntegerField(
        required=False, allow_null=True, min_value=1, max_value=2_000_000_000
    )


class StatusInputSerializer(StrictInputMixin, serializers.Serializer):
    move = serializers.ChoiceField(
        choices=[
            ("start", _("Start")),
            ("done", _("Mark done")),
            ("reopen", _("Back in progress")),
            ("cancel", _("Cancel")),
        ]
    )
    reason = serializers.CharField(
        max_length=limits.LINE,
        required=False,
        allow_blank=True,
        default="",
        help_text=_("Why it is cancelled (with cancel)."),
    )


class ReviewInputSerializer(StrictInputMixin, serializers.Serializer):
    verdict = serializers.ChoiceField(choices=Verdict.choices)
    note = serializers.CharField(
        max_length=limits.TEXT, required=False, allow_blank=True, default=""
    )
    after_denominator = serializers.IntegerField(
        required=False,
        allow_null=True,
        min_value=1,
        max_value=2_000_000_000,
        help_text=_("With the per-1,000 measure: the number of the period after."),
    )


class ImprovementReportRowSerializer(serializers.Serializer):
    """An improvement action in the monthly report."""

    id = serializers.IntegerField(source="pk")
    title = serializers.CharField()
    branch = serializers.CharField()
    owner = serializers.CharField()
    status = serializers.CharField()
    status_label = serializers.CharField()
    due_on = serializers.DateField()
    overdue = serializers.BooleanField()
    review_on = serializers.DateField()
    unit = serializers.CharField()
    before_value = serializers.DecimalField(max_digits=14, decimal_places=2, allow_null=True)
    after_value = serializers.DecimalField(max_digits=14, decimal_places=2, allow_null=True)
    change = serializers.DecimalField(max_digits=14, decimal_places=2, allow_null=True)
    change_pct = serializers.IntegerField(allow_null=True)
    effect = serializers.CharField(help_text="effective, not_effective, or empty until reviewed")
    link = serializers.CharField()
