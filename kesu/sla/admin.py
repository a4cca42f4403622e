from django.contrib import admin, messages
from django.utils.translation import gettext_lazy as _

from kesu.sla.models import (
    BusinessCalendar,
    CalendarDay,
    CalendarYear,
    DeadlinePolicy,
    EscalationStep,
    PolicyTarget,
)
from kesu.sla.services import calendar_fill_from_official_tables, missing_holiday_tables
from kesu.sla.tracking import request_recompute


class CalendarYearInline(admin.TabularInline):
    model = CalendarYear
    extra = 0


@admin.register(BusinessCalendar)
class BusinessCalendarAdmin(admin.ModelAdmin):
    list_display = [
        "name",
        "organisation",
        "branch",
        "morning_start",
        "lunch_start",
        "lunch_end",
        "evening_end",
    ]
    inlines = [CalendarYearInline]
    actions = ["fill_from_official_tables"]

    def changelist_view(self, request, extra_context=None):
        for calendar, year in missing_holiday_tables():
            messages.warning(
                request,
                _(
                    "The holiday table of %(year)s is not filled in for “%(calendar)s”: deadlines in "
                    "%(year)s count every weekday as a working day until it is."
                )
                % {"year": year, "calendar": calendar},
            )
        return super().changelist_view(request, extra_context)

    def save_related(self, request, form, formsets, change):
        super().save_related(request, form, formsets, change)
        _calendar_changed(form.instance)

    @admin.action(description=_("Fill in the official holiday tables (chinese-calendar)"))
    def fill_from_official_tables(self, request, queryset):
        for calendar in queryset:
            years = calendar_fill_from_official_tables(calendar)
            _calendar_changed(calendar)
            self.message_user(
                request,
                _("%(calendar)s: %(count)s years filled in.")
                % {"calendar": calendar, "count": len(years)},
            )


@admin.register(CalendarDay)
class CalendarDayAdmin(admin.ModelAdmin):
    list_display = ["date", "is_working", "name", "calendar"]
    list_filter = ["calendar", "is_working"]
    date_hierarchy = "date"
    search_fields = ["name"]

    def save_model(self, request, obj, form, change):
        super().save_model(request, obj, form, change)
        _calendar_changed(obj.calendar)

    def delete_model(self, request, obj):
        calendar = obj.calendar
        super().delete_model(request, obj)
        _calendar_changed(calendar)


def _calendar_changed(calendar) -> None:
    # The new timestamp retires cached copies; the worker recomputes open deadlines.
    calendar.save(update_fields=["updated_at"])
    request_recompute(
        calendar.organisation_id, reason="calendar_changed", branch_id=calendar.branch_id
    )


class PolicyTargetInline(admin.TabularInline):
    model = PolicyTarget
    extra = 1


@admin.register(DeadlinePolicy)
class DeadlinePolicyAdmin(admin.ModelAdmin):
    list_display = [
        "name",
        "kind",
        "category",
        "severity",
        "channel",
        "cause",
        "priority",
        "is_active",
    ]
    list_filter = ["organisation", "is_active", "severity", "kind"]
    inlines = [PolicyTargetInline]

    def save_related(self, request, form, formsets, change):
        super().save_related(request, form, formsets, change)
        request_recompute(form.instance.organisation_id, reason="policy_changed")
        self.message_user(
            request, _("Open deadlines will be recomputed by the worker within a minute.")
        )

    def delete_model(self, request, obj):
        organisation_id = obj.organisation_id
        super().delete_model(request, obj)
        request_recompute(organisation_id, reason="policy_changed")


@admin.register(EscalationStep)
class EscalationStepAdmin(admin.ModelAdmin):
    list_display = ["order", "target", "delay_minutes", "organisation"]
    list_filter = ["organisation"]
