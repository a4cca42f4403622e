"""The monthly analysis in JSON: the report's dataclasses (kesu/reports/selectors.py) as read."""

from rest_framework import serializers

from kesu.improvements.api.serializers import ImprovementReportRowSerializer


class ReportPeriodSerializer(serializers.Serializer):
    kind = serializers.CharField()
    label = serializers.CharField()
    start = serializers.DateField()
    last_day = serializers.DateField()


class ReportRowSerializer(serializers.Serializer):
    key = serializers.CharField()
    label = serializers.CharField()
    count = serializers.IntegerField()
    previous = serializers.IntegerField()
    year_before = serializers.IntegerField()
    change = serializers.IntegerField()
    link = serializers.CharField(help_text="The complaint list behind the figure.")


class ReportBreakdownSerializer(serializers.Serializer):
    code = serializers.CharField()
    title = serializers.CharField()
    rows = ReportRowSerializer(many=True)


class ReportParetoRowSerializer(serializers.Serializer):
    label = serializers.CharField()
    count = serializers.IntegerField()
    share = serializers.FloatField()
    cumulative = serializers.FloatField()
    vital = serializers.BooleanField()
    link = serializers.CharField()


class ReportComplianceSerializer(serializers.Serializer):
    code = serializers.CharField()
    label = serializers.CharField()
    on_time = serializers.IntegerField()
    late = serializers.IntegerField()
    pending = serializers.IntegerField()
    rate = serializers.FloatField(allow_null=True, help_text="Per cent of the decided on time.")


class ReportDurationSerializer(serializers.Serializer):
    code = serializers.CharField()
    label = serializers.CharField()
    count = serializers.IntegerField()
    median_hours = serializers.FloatField(allow_null=True)
    p90_hours = serializers.FloatField(allow_null=True)


class ReportMoneySerializer(serializers.Serializer):
    label = serializers.CharField()
    count = serializers.IntegerField()
    amount = serializers.DecimalField(max_digits=14, decimal_places=2)


class ReportListedSerializer(serializers.Serializer):
    id = serializers.IntegerField(source="pk")
    number = serializers.CharField()
    title = serializers.CharField()
    state = serializers.CharField()
    link = serializers.CharField()


class ReportSerializer(serializers.Serializer):
    period = ReportPeriodSerializer()
    previous = ReportPeriodSerializer()
    year_before = ReportPeriodSerializer()
    scope = serializers.DictField(child=serializers.CharField())
    generated_at = serializers.DateTimeField()
    total = serializers.IntegerField()
    total_previous = serializers.IntegerField()
    total_year_before = serializers.IntegerField()
    list_link = serializers.CharField()
    summary = serializers.ListField(child=serializers.CharField())
    breakdowns = ReportBreakdownSerializer(many=True)
    trend = ReportRowSerializer(many=True)
    pareto_causes = ReportParetoRowSerializer(many=True)
    pareto_categories = ReportParetoRowSerializer(many=True)
    compliance = ReportComplianceSerializer(many=True)
    durations = ReportDurationSerializer(many=True)
    overdue_count = serializers.IntegerField()
    overdue = ReportListedSerializer(many=True)
    reopened = serializers.IntegerField()
    reopen_rate = serializers.FloatField(allow_null=True)
    satisfaction = ReportRowSerializer(many=True)
    csat = serializers.FloatField(allow_null=True)
    csat_answers = serializers.IntegerField()
    nps = serializers.IntegerField(allow_null=True)
    nps_answers = serializers.IntegerField()
    compensation_total = serializers.DecimalField(max_digits=14, decimal_places=2)
    compensation_by_type = ReportMoneySerializer(many=True)
    compensation_by_approver = ReportMoneySerializer(many=True)
    crisis = ReportListedSerializer(many=True, help_text="The newest twenty.")
    crisis_count = serializers.IntegerField()
    repeat_customers = serializers.IntegerField()
    recurring_defects = ReportRowSerializer(many=True)
    callbacks = serializers.DictField(help_text="Callback completion per level and sampling.")
    improvements = ImprovementReportRowSerializer(
        many=True, help_text="Improvement actions under way in the period (at most 50)."
    )
    improvements_total = serializers.IntegerField()
