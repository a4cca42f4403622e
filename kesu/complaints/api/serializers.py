"""Complaint shapes: what lists and pages show, and what intake and edits accept."""

from datetime import timedelta

from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from drf_spectacular.utils import extend_schema_field
from rest_framework import serializers

from kesu.audit.actions import action_label
from kesu.audit.models import AuditEntry
from kesu.complaints import limits
from kesu.complaints.api.reference_serializers import (
    BranchRefSerializer,
    CategoryRefSerializer,
    CustomerRefSerializer,
    DepartmentRefSerializer,
    UserRefSerializer,
)
from kesu.complaints.choices import ComplaintAction, TeamRole
from kesu.complaints.models import (
    Attachment,
    Category,
    Complaint,
    ComplaintMember,
    ManufacturerContact,
    ManufacturerExchange,
)
from kesu.complaints.move_fields import MOVE_OWNED_FIELDS, move_owned_message
from kesu.complaints.selectors import (
    categories_visible_to,
    complaint_is_overdue,
    manufacturer_contacts_visible_to,
    recourse_for,
)
from kesu.complaints.services import EDITABLE_FIELDS
from kesu.complaints.workflow import transitions_for
from kesu.core.api.fields import (
    MAX_ID,
    BoundedDateTimeField,
    ScopedPrimaryKeyRelatedField,
    StrictInputMixin,
    request_user,
)
from kesu.customers.models import Customer, Purchase
from kesu.customers.selectors import (
    contact_data_as_seen,
    customers_visible_to,
    purchases_visible_to,
)
from kesu.organisation.models import Branch
from kesu.organisation.selectors import branches_visible_to


def _display(field: str) -> serializers.CharField:
    return serializers.CharField(source=f"get_{field}_display", read_only=True)


class PurchaseRefSerializer(serializers.ModelSerializer):
    kind_display = _display("kind")

    class Meta:
        model = Purchase
        fields = ["id", "kind", "kind_display", "reference", "product", "plate_number", "vin"]
        read_only_fields = fields


class MergedIntoSerializer(serializers.Serializer):
    id = serializers.IntegerField(read_only=True)
    number = serializers.CharField(read_only=True)


class TransitionSerializer(serializers.Serializer):
    name = serializers.CharField(read_only=True)
    label = serializers.CharField(read_only=True)
    target = serializers.CharField(read_only=True, allow_null=True)
    target_display = serializers.SerializerMethodField()

    def get_target_display(self, transition) -> str | None:
        if transition.target is None:
            return None
        return str(Complaint(state=transition.target).get_state_display())


class ComplaintListSerializer(serializers.ModelSerializer):
    state_display = _display("state")
    kind_display = _display("kind")
    channel_display = _display("channel")
    severity_display = _display("severity")
    escalation_level_display = _display("escalation_level")
    branch = BranchRefSerializer(read_only=True)
    department = DepartmentRefSerializer(read_only=True, allow_null=True)
    owner = UserRefSerializer(read_only=True, allow_null=True)
    customer = CustomerRefSerializer(read_only=True)
    category = CategoryRefSerializer(read_only=True, allow_null=True)
    overdue = serializers.SerializerMethodField()

    class Meta:
        model = Complaint
        fields = [
            "id",
            "number",
            "version",
            "title",
            "state",
            "state_display",
            "kind",
            "kind_display",
            "channel",
            "channel_display",
            "severity",
            "severity_display",
            "is_crisis",
            "escalation_level",
            "escalation_level_display",
            "branch",
            "department",
            "owner",
            "customer",
            "category",
            "received_at",
            "due_at",
            "overdue",
            "created_at",
            "updated_at",
        ]
        read_only_fields = fields

    def get_overdue(self, complaint: Complaint) -> bool:
        return complaint_is_overdue(complaint)


class RecourseSerializer(serializers.Serializer):
    code = serializers.CharField(read_only=True)
    name = serializers.CharField(source="label", read_only=True)
    how = serializers.CharField(source="how_label", read_only=True)
    time_limit = serializers.CharField(source="time_limit_label", read_only=True)


class ComplaintDetailSerializer(ComplaintListSerializer):
    demand_display = _display("demand")
    cause_display = _display("cause")
    suggested_severity_display = _display("suggested_severity")
    resolvability_display = _display("resolvability")
    responsibility_display = _display("responsibility")
    personality_type_display = _display("personality_type")
    confirmation_method_display = _display("confirmation_method")
    compensation_type_display = _display("compensation_type")
    satisfaction_display = _display("satisfaction")
    close_reason_display = _display("close_reason")
    purchase = PurchaseRefSerializer(read_only=True, allow_null=True)
    registered_by = UserRefSerializer(read_only=True)
    compensation_approved_by = UserRefSerializer(read_only=True, allow_null=True)
    preventive_verified_by = UserRefSerializer(read_only=True, allow_null=True)
    merged_into = MergedIntoSerializer(read_only=True, allow_null=True)
    crisis_signals = serializers.JSONField(
        read_only=True,
        label=_("Crisis signals"),
        help_text=_(
            "What the crisis detector found in the text at registration: a list of "
            '{"kind", "words"}, kind one of media, social, regulator, legal, protest, '
            "spreading. Kept when the flag is cleared."
        ),
    )
    recourse = serializers.SerializerMethodField(
        help_text=_(
            "Once the complaint is closed with a result: where the customer may turn if still "
            "unsatisfied, in the request's language (empty before)."
        )
    )
    transitions = serializers.SerializerMethodField()

    class Meta(ComplaintListSerializer.Meta):
        fields = [
            *ComplaintListSerializer.Meta.fields,
            "channel_detail",
            "third_party_reference",
            "third_party_contact",
            "purchase",
            "account",
            "demand",
            "demand_display",
            "demand_detail",
            "staff_involved",
            "promise_made_by",
            "cause",
            "cause_display",
            "suggested_severity",
            "suggested_severity_display",
            "severity_reasons",
            "crisis_signals",
            "severity_override_reason",
            "resolvability",
            "resolvability_display",
            "responsibility",
            "responsibility_display",
            "personality_type",
            "personality_type_display",
            "upset_level",
            "registered_by",
            "confirmed_at",
            "confirmation_method",
            "confirmation_method_display",
            "solution",
            "solution_due_on",
            "compensation_type",
            "compensation_type_display",
            "compensation_amount",
            "compensation_approved_by",
            "compensation_approved_at",
            "not_solvable_reason",
            "follow_up_on",
            "root_cause",
            "corrective_action",
            "preventive_action",
            "preventive_verify_on",
            "preventive_verification",
            "preventive_verified_at",
            "preventive_verified_by",
            "satisfaction",
            "satisfaction_display",
            "resolved_at",
            "closed_at",
            "close_reason",
            "close_reason_display",
            "close_note",
            "merged_into",
            "reopen_count",
            "recourse",
            "transitions",
        ]
        read_only_fields = fields

    @extend_schema_field(RecourseSerializer(many=True))
    def get_recourse(self, complaint: Complaint):
        return RecourseSerializer(recourse_for(complaint), many=True).data

    @extend_schema_field(TransitionSerializer(many=True))
    def get_transitions(self, complaint: Complaint):
        user = request_user(self.context)
        if user is None:
            return []
        return TransitionSerializer(transitions_for(complaint, user), many=True).data


def _customer_field(**kwargs):
    return ScopedPrimaryKeyRelatedField(
        scope=customers_visible_to, queryset=Customer.objects.all(), **kwargs
    )


def _category_field(**kwargs):
    return ScopedPrimaryKeyRelatedField(
        scope=categories_visible_to, queryset=Category.objects.all(), **kwargs
    )


def _purchase_field(**kwargs):
    return ScopedPrimaryKeyRelatedField(
        scope=purchases_visible_to, queryset=Purchase.objects.all(), **kwargs
    )


class ComplaintCreateSerializer(StrictInputMixin, serializers.ModelSerializer):
    """Intake: what the frontline types while the customer is on the phone."""

    customer = _customer_field()
    category = _category_field(required=False, allow_null=True)
    purchase = _purchase_field(required=False, allow_null=True)
    branch = ScopedPrimaryKeyRelatedField(
        scope=branches_visible_to,
        queryset=Branch.objects.all(),
        required=False,
        allow_null=True,
        help_text=_("Defaults to the registering user's branch."),
    )
    received_at = BoundedDateTimeField(
        required=False, help_text=_("When the complaint came in; defaults to now.")
    )
    severity = serializers.ChoiceField(
        choices=Complaint._meta.get_field("severity").choices,
        required=False,
        help_text=_("Leave out to take the severity the rules suggest."),
    )
    triage = serializers.DictField(
        child=serializers.CharField(max_length=40, allow_blank=True),
        required=False,
        help_text=_(
            "The triage suggestions shown (POST /api/v1/triage/), {field: value}: recorded "
            "next to what was chosen, so overrides are counted and learnt from."
        ),
    )

    class Meta:
        model = Complaint
        fields = [
            "customer",
            "channel",
            "channel_detail",
            "third_party_reference",
            "third_party_contact",
            "title",
            "account",
            "kind",
            "demand",
            "demand_detail",
            "staff_involved",
            "promise_made_by",
            "category",
            "cause",
            "purchase",
            "branch",
            "received_at",
            "personality_type",
            "upset_level",
            "severity",
            "severity_override_reason",
            "triage",
        ]
        extra_kwargs = {"upset_level": {"min_value": 1, "max_value": 5}}

    def validate_received_at(self, value):
        # A few minutes of grace for a client clock running ahead.
        if value > timezone.now() + timedelta(minutes=5):
            raise serializers.ValidationError(_("A complaint cannot be received in the future."))
        return value


class ComplaintUpdateSerializer(StrictInputMixin, serializers.ModelSerializer):
    """The record's descriptive fields; moves of the procedure go through /transitions/."""

    category = _category_field(required=False, allow_null=True)
    purchase = _purchase_field(required=False, allow_null=True)
    version = serializers.IntegerField(
        required=False,
        min_value=1,
        max_value=MAX_ID,
        help_text=_("The version you last read; use this or the If-Match header."),
    )

    class Meta:
        model = Complaint
        fields = [*EDITABLE_FIELDS, "version"]
        extra_kwargs = {
            name: {"required": False}
            for name in EDITABLE_FIELDS
            if name not in {"category", "purchase"}
        } | {"upset_level": {"required": False, "min_value": 1, "max_value": 5}}

    def to_internal_value(self, data):
        # What a move owns is refused with the move to use, before any other check.
        if hasattr(data, "keys"):
            owned = sorted(set(data.keys()) & MOVE_OWNED_FIELDS)
            if owned:
                raise serializers.ValidationError(
                    {name: [move_owned_message(name)] for name in owned}
                )
        return super().to_internal_value(data)


class TimelineEntrySerializer(serializers.ModelSerializer):
    actor = UserRefSerializer(read_only=True, allow_null=True)
    action_label = serializers.SerializerMethodField()
    # The same label under its older name, kept for clients that read it.
    action_display = serializers.SerializerMethodField()
    visibility_display = _display("visibility")

    class Meta:
        model = AuditEntry
        fields = [
            "id",
            "seq",
            "at",
            "actor",
            "action",
            "action_label",
            "action_display",
            "data",
            "visibility",
            "visibility_display",
        ]
        read_only_fields = fields

    def get_action_label(self, entry: AuditEntry) -> str:
        return action_label(entry.action)

    def to_representation(self, entry: AuditEntry):
        out = super().to_representation(entry)
        request = self.context.get("request")
        out["data"] = contact_data_as_seen(getattr(request, "user", None), out["data"])
        return out

    def get_action_display(self, entry: AuditEntry) -> str:
        return action_label(entry.action)


# What a note records: the same codes and labels as the timeline's entries.
NOTE_KINDS = [(kind.value, kind.label) for kind in (ComplaintAction.NOTE, ComplaintAction.CALL)]


class NoteSerializer(StrictInputMixin, serializers.Serializer):
    text = serializers.CharField(max_length=limits.NOTE)
    shared_with_customer = serializers.BooleanField(
        default=False, help_text=_("Shared notes are what the customer may be shown.")
    )
    kind = serializers.ChoiceField(choices=NOTE_KINDS, default=ComplaintAction.NOTE.value)


class AttachmentSerializer(serializers.ModelSerializer):
    uploaded_by = UserRefSerializer(read_only=True)

    class Meta:
        model = Attachment
        fields = [
            "id",
            "original_name",
            "content_type",
            "size",
            "sha256",
            "description",
            "uploaded_by",
            "uploaded_at",
        ]
        read_only_fields = fields


class AttachmentUploadSerializer(StrictInputMixin, serializers.Serializer):
    file = serializers.FileField(max_length=200)
    description = serializers.CharField(
        max_length=limits.ATTACHMENT_DESCRIPTION, required=False, allow_blank=True
    )


# ---- The manufacturer ---------------------------------------------------------------------


class ManufacturerContactSerializer(serializers.ModelSerializer):
    class Meta:
        model = ManufacturerContact
        fields = ["id", "name", "title", "region", "brand", "phone", "email", "branch", "is_active"]
        read_only_fields = fields


class ManufacturerExchangeSerializer(serializers.ModelSerializer):
    contact = ManufacturerContactSerializer(read_only=True)
    asked_by = UserRefSerializer(read_only=True)
    answered_by = UserRefSerializer(read_only=True, allow_null=True)

    class Meta:
        model = ManufacturerExchange
        fields = [
            "id",
            "contact",
            "asked",
            "asked_at",
            "asked_by",
            "answer",
            "answered_at",
            "answered_by",
            "feedback_expected",
        ]
        read_only_fields = fields


class ManufacturerAskSerializer(StrictInputMixin, serializers.Serializer):
    contact = ScopedPrimaryKeyRelatedField(
        scope=manufacturer_contacts_visible_to,
        queryset=ManufacturerContact.objects.all(),
        help_text=_("One of the manufacturer's contacts configured for the complaint's branch."),
    )
    asked = serializers.CharField(max_length=limits.TEXT, help_text=_("What is asked of them."))


class ManufacturerAnswerSerializer(StrictInputMixin, serializers.Serializer):
    answer = serializers.CharField(max_length=limits.TEXT)
    feedback_expected = serializers.BooleanField(
        default=False,
        help_text=_("The manufacturer expects a report back: the feedback deadline starts."),
    )


class ManufacturerFeedbackSerializer(StrictInputMixin, serializers.Serializer):
    text = serializers.CharField(
        max_length=limits.TEXT, help_text=_("What was reported to the manufacturer.")
    )


class TeamMemberSerializer(serializers.ModelSerializer):
    user = UserRefSerializer(read_only=True)
    department = serializers.CharField(source="user.department.name", default="", read_only=True)
    added_by = UserRefSerializer(read_only=True)

    class Meta:
        model = ComplaintMember
        fields = ["user", "department", "role", "added_by", "added_at"]
        read_only_fields = fields


class TeamAddSerializer(StrictInputMixin, serializers.Serializer):
    user = serializers.IntegerField(
        min_value=1,
        help_text=_("An active colleague of the complaint's branch, or of the group."),
    )
    role = serializers.ChoiceField(choices=TeamRole.choices)
