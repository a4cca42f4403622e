"""Emerging issues in JSON: the list's rows and one issue with its complaints and trend."""

from rest_framework import serializers

from kesu.emerging.models import EmergingIssue


class EmergingIssueSerializer(serializers.ModelSerializer):
    state_display = serializers.CharField(source="get_state_display", read_only=True)
    category_name = serializers.CharField(
        source="category.label", read_only=True, allow_null=True, default=None
    )
    branch_name = serializers.CharField(
        source="branch.name", read_only=True, allow_null=True, default=None
    )

    class Meta:
        model = EmergingIssue
        fields = [
            "id",
            "label",
            "product",
            "category",
            "category_name",
            "branch",
            "branch_name",
            "department",
            "size",
            "expected",
            "first_seen",
            "last_seen",
            "state",
            "state_display",
            "raised_at",
            "decided_at",
            "dismiss_reason",
            "improvement",
            "crisis",
        ]
        read_only_fields = fields


class IssueComplaintSerializer(serializers.Serializer):
    id = serializers.IntegerField()
    number = serializers.CharField()
    received_at = serializers.DateTimeField()
    title = serializers.CharField()
    state = serializers.CharField()
    branch = serializers.IntegerField(source="branch_id")


class TrendDaySerializer(serializers.Serializer):
    day = serializers.DateField()
    complaints = serializers.IntegerField()


class EmergingIssueDetailSerializer(EmergingIssueSerializer):
    complaints = IssueComplaintSerializer(many=True, read_only=True, source="visible_complaints")
    trend = TrendDaySerializer(many=True, read_only=True, source="trend_days")

    class Meta(EmergingIssueSerializer.Meta):
        fields = [*EmergingIssueSerializer.Meta.fields, "complaints", "trend"]
        read_only_fields = fields
