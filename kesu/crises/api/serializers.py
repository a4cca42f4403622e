"""Crises in JSON: the list's rows and one crisis with its plan, statements and posts."""

from rest_framework import serializers

from kesu.crises.models import Crisis, CrisisStatement, CrisisStep, WatchedPost
from kesu.organisation.models import User


class _CrisisPersonSerializer(serializers.ModelSerializer):
    name = serializers.CharField(source="__str__", read_only=True)

    class Meta:
        model = User
        fields = ["id", "name", "role"]
        read_only_fields = fields


class StepSerializer(serializers.ModelSerializer):
    owner = _CrisisPersonSerializer(read_only=True)
    done_by = _CrisisPersonSerializer(read_only=True, allow_null=True)
    overdue = serializers.BooleanField(source="is_overdue", read_only=True)

    class Meta:
        model = CrisisStep
        fields = ["id", "title", "owner", "due_at", "overdue", "done_at", "done_by", "note"]
        read_only_fields = fields


class StatementSerializer(serializers.ModelSerializer):
    made_by = _CrisisPersonSerializer(read_only=True)

    class Meta:
        model = CrisisStatement
        fields = ["id", "made_at", "channel", "text", "made_by", "recorded_at"]
        read_only_fields = fields


class PostSerializer(serializers.ModelSerializer):
    screenshot = serializers.PrimaryKeyRelatedField(
        read_only=True,
        allow_null=True,
        help_text="The complaint's attachment holding the screenshot (its files' endpoints).",
    )

    class Meta:
        model = WatchedPost
        fields = ["id", "platform", "url", "title", "first_seen_at", "reach", "notes", "screenshot"]
        read_only_fields = fields


class CrisisSerializer(serializers.ModelSerializer):
    complaint_number = serializers.CharField(source="complaint.number", read_only=True)
    complaint_title = serializers.CharField(source="complaint.title", read_only=True)
    spokesperson = _CrisisPersonSerializer(read_only=True)
    status_display = serializers.CharField(source="get_status_display", read_only=True)
    open_steps = serializers.IntegerField(read_only=True)
    overdue_steps = serializers.IntegerField(read_only=True)

    class Meta:
        model = Crisis
        fields = [
            "id",
            "complaint",
            "complaint_number",
            "complaint_title",
            "branch",
            "status",
            "status_display",
            "spokesperson",
            "internal_notice",
            "opened_at",
            "opened_by",
            "ended_at",
            "ended_by",
            "open_steps",
            "overdue_steps",
        ]
        read_only_fields = fields


class CrisisDetailSerializer(CrisisSerializer):
    steps = StepSerializer(many=True, read_only=True)
    statements = StatementSerializer(many=True, read_only=True)
    posts = PostSerializer(many=True, read_only=True)
    review = serializers.SerializerMethodField()

    class Meta(CrisisSerializer.Meta):
        fields = [*CrisisSerializer.Meta.fields, "review", "steps", "statements", "posts"]
        read_only_fields = fields

    def get_review(self, crisis: Crisis) -> dict | None:
        if crisis.ended_at is None:
            return None
        return {
            "what_happened": crisis.review_what_happened,
            "what_worked": crisis.review_what_worked,
            "what_to_change": crisis.review_what_to_change,
        }
