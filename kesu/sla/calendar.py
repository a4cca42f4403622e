"""Working-time arithmetic on a business calendar (DOMAIN §4).

A `WorkingCalendar` is a plain value: working hours (with an optional lunch break), weekend
days and a map of exceptions (public holidays off, weekend days made working days, 调休). It
answers "when is N working hours after this moment?" and "how much working time lies between
these two moments?" without touching the database, so sweeps over many complaints load a
branch's calendar once and compute in memory.
"""

from collections.abc import Iterator
from dataclasses import dataclass, field
from datetime import date, datetime, time, timedelta
from zoneinfo import ZoneInfo

# Far enough for any deadline; stops a calendar with no working time from looping forever.
MAX_DAYS_AHEAD = 3 * 366


class NoWorkingTime(ValueError):
    """The calendar has no working time in the searched range (e.g. every day is a holiday)."""


@dataclass(frozen=True)
class WorkingCalendar:
    tz: ZoneInfo
    periods: tuple[tuple[time, time], ...] = ((time(9), time(12)), (time(13, 30), time(18)))
    weekend_days: frozenset[int] = frozenset({6, 7})
    # date → True (made a working day) / False (holiday).
    exceptions: dict[date, bool] = field(default_factory=dict)
    # Years whose holiday tables are filled in; other years follow the weekday rule only.
    known_years: frozenset[int] = frozenset()

    def is_working_day(self, day: date) -> bool:
        if day in self.exceptions:
            return self.exceptions[day]
        return day.isoweekday() not in self.weekend_days

    def has_table_for(self, day: date) -> bool:
        return day.year in self.known_years

    def working_periods(self, day: date) -> Iterator[tuple[datetime, datetime]]:
        if not self.is_working_day(day):
            return
        for start, end in self.periods:
            yield (
                datetime.combine(day, start, tzinfo=self.tz),
                datetime.combine(day, end, tzinfo=self.tz),
            )

    def add(self, start: datetime, duration: timedelta) -> datetime:
        """The moment when `duration` of working time has passed after `start`."""
        if duration < timedelta(0):
            raise ValueError("duration must not be negative")
        remaining = duration
        cursor = start.astimezone(self.tz)
        for day in _days_from(cursor.date()):
            for period_start, period_end in self.working_periods(day):
                if period_end <= cursor:
                    continue
                begin = max(cursor, period_start)
                available = period_end - begin
                if remaining <= available:
                    # Zero remaining lands on the next moment work is going on.
                    return begin + remaining
                remaining -= available
                cursor = period_end
        raise NoWorkingTime(start)

    def between(self, start: datetime, end: datetime) -> timedelta:
        """Working time from `start` to `end` (zero if `end` is not after `start`)."""
        if end <= start:
            return timedelta(0)
        total = timedelta(0)
        start, end = start.astimezone(self.tz), end.astimezone(self.tz)
        day = start.date()
        while day <= end.date():
            for period_start, period_end in self.working_periods(day):
                overlap = min(end, period_end) - max(start, period_start)
                if overlap > timedelta(0):
                    total += overlap
            day += timedelta(days=1)
        return total

    def add_working_days(self, start: datetime, days: int) -> datetime:
        """The same clock time `days` working days later (used for "by the next working day")."""
        cursor = start.astimezone(self.tz)
        day = cursor.date()
        counted = 0
        for _ in range(MAX_DAYS_AHEAD):
            day += timedelta(days=1)
            if self.is_working_day(day):
                counted += 1
                if counted >= days:
                    return datetime.combine(
                        day, cursor.timetz().replace(tzinfo=None), tzinfo=self.tz
                    )
        raise NoWorkingTime(start)

    def previous_working_day(self, day: date) -> date:
        for _ in range(MAX_DAYS_AHEAD):
            day -= timedelta(days=1)
            if self.is_working_day(day):
                return day
        raise NoWorkingTime(day)

    def working_time_per_day(self) -> timedelta:
        base = date(2000, 1, 3)  # any date; only the clock times matter
        return sum(
            (datetime.combine(base, e) - datetime.combine(base, s) for s, e in self.periods),
            timedelta(0),
        )


def _days_from(first: date) -> Iterator[date]:
    for offset in range(MAX_DAYS_AHEAD):
        yield first + timedelta(days=offset)


@dataclass(frozen=True)
class CalendarClock:
    """Plain elapsed time, for targets set in calendar hours ("within 24 hours")."""

    def add(self, start: datetime, duration: timedelta) -> datetime:
        return start + duration

    def between(self, start: datetime, end: datetime) -> timedelta:
        return max(end - start, timedelta(0))


def due_after_pauses(
    clock, anchor: datetime, target: timedelta, pauses: list[tuple[datetime, datetime | None]]
) -> datetime | None:
    """When `target` of clock time has run since `anchor`, not counting the pauses.

    `pauses` are (start, end) pairs in order; an open pause (end None) that begins before the
    target is reached stops the clock, and the answer is None until it ends.
    """
    cursor, remaining = anchor, target
    for pause_start, pause_end in sorted(pauses, key=lambda p: p[0]):
        if pause_end is not None and pause_end <= cursor:
            continue
        if pause_start > cursor:
            run = clock.between(cursor, pause_start)
            if run >= remaining:
                break
            remaining -= run
        if pause_end is None:
            return None
        cursor = max(cursor, pause_end)
    return clock.add(cursor, remaining)
