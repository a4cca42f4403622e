from django.contrib import admin, messages
from django.utils.translation import gettext_lazy as _

from kesu.sla.models import BusinessCalendar, CalendarDay, CalendarYear
from kesu.sla.services import calendar_fill_from_official_tables, missing_holiday_tables


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

    @admin.action(description=_("Fill in the official holiday tables (chinese-calendar)"))
    def fill_from_official_tables(self, request, queryset):
        for calendar in queryset:
            years = calendar_fill_from_official_tables(calendar)
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
        # Deadlines are recomputed from the calendar's timestamp.
        obj.calendar.save(update_fields=["updated_at"])
