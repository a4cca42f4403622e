"""Working-time arithmetic against the real 2026 tables (chinese-calendar) and a year without one."""

from datetime import date, datetime, timedelta
from zoneinfo import ZoneInfo

import pytest

from kesu.sla.calendar import CalendarClock, NoWorkingTime, WorkingCalendar, due_after_pauses
from kesu.sla.models import BusinessCalendar
from kesu.sla.services import (
    calendar_fill_from_official_tables,
    working_calendar,
)

SH = ZoneInfo("Asia/Shanghai")


def at(y, m, d, hh=0, mm=0) -> datetime:
    return datetime(y, m, d, hh, mm, tzinfo=SH)


@pytest.fixture
def cal(world) -> WorkingCalendar:
    row = BusinessCalendar.objects.create(organisation=world.org, name="默认")
    calendar_fill_from_official_tables(row, years=[2025, 2026])
    return working_calendar(row, around=date(2026, 6, 1))


def test_two_working_hours_across_the_lunch_break(cal):
    # Tue 2026-03-10 11:00 + 2h: 1h before lunch, lunch 12:00–13:30, 1h after → 14:30.
    assert cal.add(at(2026, 3, 10, 11), timedelta(hours=2)) == at(2026, 3, 10, 14, 30)


def test_after_hours_starts_next_morning(cal):
    assert cal.add(at(2026, 3, 10, 19), timedelta(hours=2)) == at(2026, 3, 11, 11)
    # Received during lunch: the clock starts at 13:30.
    assert cal.add(at(2026, 3, 10, 12, 15), timedelta(minutes=30)) == at(2026, 3, 10, 14)


def test_friday_evening_to_monday(cal):
    # Fri 2026-03-13 17:00 + 2h: 1h on Friday, weekend skipped, Monday 10:00.
    assert cal.add(at(2026, 3, 13, 17), timedelta(hours=2)) == at(2026, 3, 16, 10)


def test_spring_festival_week_and_its_make_up_saturdays(cal):
    # 2026: Feb 15–23 off; Sat Feb 14 and Sat Feb 28 are working days.
    assert cal.is_working_day(date(2026, 2, 14))
    assert not cal.is_working_day(date(2026, 2, 17))
    assert cal.is_working_day(date(2026, 2, 28))
    # Fri Feb 13 17:00 + 2h → 1h Friday, 1h Saturday Feb 14 morning.
    assert cal.add(at(2026, 2, 13, 17), timedelta(hours=2)) == at(2026, 2, 14, 10)
    # Sat Feb 14 17:00 + 2h → 1h Saturday, then nothing until Tue Feb 24.
    assert cal.add(at(2026, 2, 14, 17), timedelta(hours=2)) == at(2026, 2, 24, 10)


def test_national_day_week(cal):
    # 2026: Oct 1–7 off; Sun Sep 20 and Sat Oct 10 are working days.
    assert cal.is_working_day(date(2026, 9, 20))
    assert cal.is_working_day(date(2026, 10, 10))
    assert not cal.is_working_day(date(2026, 10, 5))
    # Wed Sep 30 17:00 + 8h working → 1h Sep 30, then Thu Oct 8 for 7h: 9–12 (3h), 13:30–17:30 (4h).
    assert cal.add(at(2026, 9, 30, 17), timedelta(hours=8)) == at(2026, 10, 8, 17, 30)
    assert cal.previous_working_day(date(2026, 10, 8)) == date(2026, 9, 30)


def test_working_time_between(cal):
    assert cal.between(at(2026, 3, 10, 11), at(2026, 3, 10, 14, 30)) == timedelta(hours=2)
    assert cal.between(at(2026, 2, 13, 17), at(2026, 2, 24, 10)) == timedelta(hours=1 + 7.5 + 1)
    assert cal.between(at(2026, 3, 10, 14), at(2026, 3, 10, 13)) == timedelta(0)


def test_add_and_between_agree(cal):
    start = at(2026, 9, 28, 10, 17)
    for hours in (0.5, 2, 7.5, 24, 40):
        due = cal.add(start, timedelta(hours=hours))
        assert cal.between(start, due) == timedelta(hours=hours)


def test_year_without_a_table_follows_the_weekday_rule(cal):
    # 2027 is not in the tables: weekdays work, weekends do not, no holidays known.
    assert not cal.has_table_for(date(2027, 2, 8))
    assert cal.is_working_day(date(2027, 2, 8))  # a Monday, whatever the festival
    assert not cal.is_working_day(date(2027, 2, 6))  # a Saturday
    assert cal.add(at(2027, 2, 5, 17), timedelta(hours=2)) == at(2027, 2, 8, 10)


def test_a_calendar_without_working_days_does_not_loop():
    nothing = WorkingCalendar(tz=SH, weekend_days=frozenset(range(1, 8)))
    with pytest.raises(NoWorkingTime):
        nothing.add(at(2026, 3, 10, 9), timedelta(hours=1))


def test_pauses_move_the_deadline_by_the_working_time_they_took(cal):
    anchor = at(2026, 3, 10, 9)  # Tue
    target = timedelta(hours=4)
    assert due_after_pauses(cal, anchor, target, []) == at(2026, 3, 10, 14, 30)
    # Paused 10:00–11:00 (1 working hour) → due one working hour later.
    assert due_after_pauses(
        cal, anchor, target, [(at(2026, 3, 10, 10), at(2026, 3, 10, 11))]
    ) == at(2026, 3, 10, 15, 30)
    # Paused over the weekend only: no working time lost.
    assert due_after_pauses(
        cal, at(2026, 3, 13, 17), timedelta(hours=2), [(at(2026, 3, 13, 18), at(2026, 3, 16, 9))]
    ) == at(2026, 3, 16, 10)
    # A pause still open before the target is reached stops the clock.
    assert due_after_pauses(cal, anchor, target, [(at(2026, 3, 10, 10), None)]) is None
    # A pause after the deadline changes nothing.
    assert due_after_pauses(cal, anchor, target, [(at(2026, 3, 11, 10), None)]) == at(
        2026, 3, 10, 14, 30
    )


def test_calendar_clock_counts_every_hour():
    clock = CalendarClock()
    assert due_after_pauses(clock, at(2026, 2, 13, 17), timedelta(hours=24), []) == at(
        2026, 2, 14, 17
    )
    assert due_after_pauses(
        clock, at(2026, 2, 13, 17), timedelta(hours=24), [(at(2026, 2, 14, 9), at(2026, 2, 14, 12))]
    ) == at(2026, 2, 14, 20)
