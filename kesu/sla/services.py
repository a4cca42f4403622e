"""Loading and filling business calendars."""

from datetime import date, timedelta
from zoneinfo import ZoneInfo

import chinese_calendar
from django.conf import settings
from django.db import IntegrityError, transaction
from django.db.models import F, Q
from django.utils import timezone

from kesu.sla.calendar import WorkingCalendar
from kesu.sla.models import BusinessCalendar, CalendarDay, CalendarYear


def official_table_years() -> range:
    """The years the installed chinese-calendar package has official tables for."""
    known = chinese_calendar.constants.holidays
    return range(min(known).year, max(known).year + 1)


@transaction.atomic
def calendar_fill_from_official_tables(calendar: BusinessCalendar, years=None) -> list[int]:
    """Copy the State Council's holidays and make-up workdays into a calendar.

    Days an administrator already entered are kept; returns the years filled in.
    """
    available = set(official_table_years())
    years = sorted(available if years is None else set(years) & available)
    existing = set(CalendarDay.objects.filter(calendar=calendar).values_list("date", flat=True))
    new_days = []
    for year in years:
        for day, name in _official_days(year):
            if day not in existing:
                new_days.append(CalendarDay(calendar=calendar, date=day, **name))
        CalendarYear.objects.get_or_create(
            calendar=calendar, year=year, defaults={"source": "chinese-calendar"}
        )
    CalendarDay.objects.bulk_create(new_days)
    calendar.save(update_fields=["updated_at"])
    return years


# The package names holidays in English; calendars show the Chinese names people use.
HOLIDAY_NAMES = {
    "New Year's Day": "元旦",
    "Spring Festival": "春节",
    "Tomb-sweeping Day": "清明节",
    "Labour Day": "劳动节",
    "Dragon Boat Festival": "端午节",
    "Mid-autumn Festival": "中秋节",
    "National Day": "国庆节",
    "Anti-Fascist 70th Day": "抗战胜利纪念日",
}


def _official_days(year: int):
    for table, is_working in (
        (chinese_calendar.constants.holidays, False),
        (chinese_calendar.constants.workdays, True),
    ):
        for day, holiday in table.items():
            if day.year == year:
                name = HOLIDAY_NAMES.get(str(holiday), str(holiday))
                yield (
                    day,
                    {"is_working": is_working, "name": f"{name}调休上班" if is_working else name},
                )


def organisation_calendar_install(organisation) -> None:
    """complaints' `template_installed` hook: the organisation's default working calendar."""
    calendar_for_organisation_default(organisation.pk)


def calendar_for_organisation_default(organisation_id: int) -> BusinessCalendar:
    calendar = BusinessCalendar.objects.filter(
        organisation_id=organisation_id, branch__isnull=True
    ).first()
    if calendar is None:
        try:
            with transaction.atomic():
                calendar = BusinessCalendar.objects.create(
                    organisation_id=organisation_id, name="默认工作日历"
                )
                calendar_fill_from_official_tables(calendar)
        except IntegrityError:
            # Another intake of the organisation's first day made it meanwhile: use that one.
            calendar = BusinessCalendar.objects.get(
                organisation_id=organisation_id, branch__isnull=True
            )
    return calendar


def calendar_row_for_branch(branch) -> BusinessCalendar:
    """The branch's own calendar, else its organisation's default (in one query)."""
    row = (
        BusinessCalendar.objects.filter(
            Q(branch_id=branch.pk) | Q(organisation_id=branch.organisation_id, branch__isnull=True)
        )
        .order_by(F("branch_id").asc(nulls_last=True))
        .first()
    )
    return row or calendar_for_organisation_default(branch.organisation_id)


# Built calendars per process, keyed by the row's updated_at: every change to a calendar, its
# days or its years moves that stamp (kesu/sla/signals.py), so a stale entry is never used.
_built_calendars: dict[tuple, WorkingCalendar] = {}
_BUILT_CALENDARS_MAX = 256


def working_calendar(
    calendar: BusinessCalendar, around: date | None = None, years: int = 3
) -> WorkingCalendar:
    """The in-memory calendar for computing deadlines from `around` (default today)."""
    around = around or timezone.localdate()
    key = (calendar.pk, calendar.updated_at, around.year, years, settings.TIME_ZONE)
    built = _built_calendars.get(key) if calendar.pk and calendar.updated_at else None
    if built is None:
        built = _build_working_calendar(calendar, around, years)
        if calendar.pk and calendar.updated_at:
            if len(_built_calendars) >= _BUILT_CALENDARS_MAX:
                _built_calendars.clear()
            _built_calendars[key] = built
    return built


def _build_working_calendar(calendar: BusinessCalendar, around: date, years: int):
    first, last = date(around.year - 1, 1, 1), date(around.year + years, 12, 31)
    exceptions = dict(
        CalendarDay.objects.filter(calendar=calendar, date__range=(first, last)).values_list(
            "date", "is_working"
        )
    )
    periods = [(calendar.morning_start, calendar.lunch_start or calendar.evening_end)]
    if calendar.lunch_start and calendar.lunch_end:
        periods.append((calendar.lunch_end, calendar.evening_end))
    return WorkingCalendar(
        tz=ZoneInfo(settings.TIME_ZONE),
        periods=tuple(periods),
        weekend_days=frozenset(calendar.weekend_days),
        exceptions=exceptions,
        known_years=frozenset(calendar.years.values_list("year", flat=True)),
    )


def missing_holiday_tables(today: date | None = None) -> list[tuple[BusinessCalendar, int]]:
    """(calendar, year) pairs for this year and next whose holiday table is not filled in."""
    today = today or timezone.localdate()
    wanted = {today.year}
    if today + timedelta(days=60) > date(today.year, 12, 31):
        wanted.add(today.year + 1)  # deadlines reach into next year from November on
    missing: list[tuple[BusinessCalendar, int]] = []
    for calendar in BusinessCalendar.objects.prefetch_related("years"):
        have = {y.year for y in calendar.years.all()}
        missing.extend((calendar, year) for year in sorted(wanted - have))
    return missing
