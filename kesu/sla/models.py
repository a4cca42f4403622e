from datetime import time

from django.db import models
from django.utils.translation import gettext_lazy as _

from kesu.organisation.models import Branch, Organisation


def default_weekend() -> list[int]:
    return [6, 7]


class BusinessCalendar(models.Model):
    """Working hours, weekends and the exceptions (holidays, make-up workdays) of a branch.

    The calendar with no branch is the organisation's default; a branch with a calendar of
    its own uses that one.
    """

    organisation = models.ForeignKey(
        Organisation, on_delete=models.CASCADE, related_name="calendars"
    )
    branch = models.OneToOneField(
        Branch,
        on_delete=models.CASCADE,
        null=True,
        blank=True,
        related_name="calendar",
        verbose_name=_("branch"),
        help_text=_("Leave empty for the organisation's default calendar."),
    )
    name = models.CharField(_("name"), max_length=100)
    morning_start = models.TimeField(_("work starts"), default=time(9, 0))
    lunch_start = models.TimeField(
        _("lunch break starts"), null=True, blank=True, default=time(12, 0)
    )
    lunch_end = models.TimeField(_("lunch break ends"), null=True, blank=True, default=time(13, 30))
    evening_end = models.TimeField(_("work ends"), default=time(18, 0))
    weekend_days = models.JSONField(
        _("weekend days"),
        default=default_weekend,
        help_text=_("ISO weekdays that are not worked: 1 = Monday … 7 = Sunday."),
    )
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        verbose_name = _("business calendar")
        verbose_name_plural = _("business calendars")
        constraints = [
            models.UniqueConstraint(
                fields=["organisation"],
                condition=models.Q(branch__isnull=True),
                name="one_default_calendar_per_organisation",
            )
        ]

    def __str__(self) -> str:
        return self.name


class CalendarYear(models.Model):
    """Says that a year's holiday table has been filled in; years without one warn."""

    calendar = models.ForeignKey(BusinessCalendar, on_delete=models.CASCADE, related_name="years")
    year = models.PositiveSmallIntegerField(_("year"))
    source = models.CharField(_("source"), max_length=40, default="manual")

    class Meta:
        verbose_name = _("holiday table")
        verbose_name_plural = _("holiday tables")
        constraints = [
            models.UniqueConstraint(fields=["calendar", "year"], name="calendar_year_unique")
        ]

    def __str__(self) -> str:
        return f"{self.calendar} {self.year}"


class CalendarDay(models.Model):
    """A day that differs from the weekday rule: a public holiday, or a weekend day made a workday."""

    calendar = models.ForeignKey(BusinessCalendar, on_delete=models.CASCADE, related_name="days")
    date = models.DateField(_("date"))
    is_working = models.BooleanField(_("working day"))
    name = models.CharField(_("name"), max_length=100, blank=True)

    class Meta:
        verbose_name = _("holiday or make-up workday")
        verbose_name_plural = _("holidays and make-up workdays")
        ordering = ["date"]
        constraints = [
            models.UniqueConstraint(fields=["calendar", "date"], name="calendar_day_unique")
        ]

    def __str__(self) -> str:
        return f"{self.date} {self.name}"
