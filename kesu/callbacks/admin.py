"""Configuration of callbacks in the admin: settings, plans, questionnaires; the records read-only."""

from django.contrib import admin

from kesu.callbacks.models import (
    CallbackPlan,
    CallbackSettings,
    CallbackTask,
    Lead,
    SampleDraw,
    SmsMessage,
    Survey,
    SurveyQuestion,
)


@admin.register(CallbackSettings)
class CallbackSettingsAdmin(admin.ModelAdmin):
    list_display = [
        "organisation",
        "call_from",
        "call_until",
        "rest_from",
        "rest_until",
        "max_attempts",
        "level2_rate",
        "level3_rate",
        "sms_from",
        "sms_until",
    ]


@admin.register(CallbackPlan)
class CallbackPlanAdmin(admin.ModelAdmin):
    list_display = [
        "name",
        "organisation",
        "event",
        "offset_days",
        "grace_days",
        "level",
        "role",
        "callback_type",
        "delivery",
        "is_active",
    ]
    list_filter = ["organisation", "event", "level", "is_active"]


class SurveyQuestionInline(admin.TabularInline):
    model = SurveyQuestion
    extra = 0


@admin.register(Survey)
class SurveyAdmin(admin.ModelAdmin):
    list_display = ["name", "organisation", "code", "is_active"]
    inlines = [SurveyQuestionInline]


class ReadOnlyAdmin(admin.ModelAdmin):
    """Records written by the services (and audited there): looked at here, never edited."""

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False


@admin.register(CallbackTask)
class CallbackTaskAdmin(ReadOnlyAdmin):
    list_display = ["id", "plan", "customer", "branch", "due_on", "status", "assignee"]
    list_filter = ["status", "level", "callback_type"]
    list_select_related = ["plan", "customer", "branch", "assignee"]
    raw_id_fields = ["customer", "purchase", "complaint", "raised_complaint", "sample_draw"]


@admin.register(SampleDraw)
class SampleDrawAdmin(ReadOnlyAdmin):
    list_display = [
        "period_start",
        "period_end",
        "branch",
        "level",
        "population_kind",
        "population_size",
        "drawn_count",
        "seed",
    ]
    exclude = ["population_ids", "excluded_ids", "drawn_ids"]


@admin.register(SmsMessage)
class SmsMessageAdmin(ReadOnlyAdmin):
    list_display = ["id", "template", "phone", "status", "not_before", "sent_at", "sender_name"]
    list_filter = ["status", "template"]


@admin.register(Lead)
class LeadAdmin(ReadOnlyAdmin):
    list_display = ["interest", "customer", "branch", "status", "created_at"]
