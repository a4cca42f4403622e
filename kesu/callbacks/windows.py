"""When a customer may be called, and when a text message may go out.

Plain values and functions, no database: the calling hours of an organisation (with the midday
rest left out), narrowed to the customer's preferred window, on the days the branch works.
"""

from collections.abc import Callable
from dataclasses import dataclass
from datetime import date, datetime, time, timedelta
from zoneinfo import ZoneInfo

# Far enough for any calendar; stops a calendar without working days from looping forever.
MAX_DAYS_AHEAD = 400

Period = tuple[time, time]


@dataclass(frozen=True)
class CallingHours:
    call_from: time = time(9, 0)
    call_until: time = time(20, 0)
    rest_from: time | None = time(12, 0)
    rest_until: time | None = time(14, 0)

    @classmethod
    def of(cls, settings) -> "CallingHours":
        return cls(settings.call_from, settings.call_until, settings.rest_from, settings.rest_until)

    def periods(self) -> list[Period]:
        """The day's calling periods: calling hours without the rest."""
        if self.call_until <= self.call_from:
            return []
        if self.rest_from is None or self.rest_until is None or self.rest_until <= self.rest_from:
            return [(self.call_from, self.call_until)]
        periods = []
        if self.rest_from > self.call_from:
            periods.append((self.call_from, min(self.rest_from, self.call_until)))
        if self.rest_until < self.call_until:
            periods.append((max(self.rest_until, self.call_from), self.call_until))
        return [p for p in periods if p[0] < p[1]]

    def allows(self, moment: time) -> bool:
        return any(start <= moment < end for start, end in self.periods())


def customer_periods(
    hours: CallingHours, window_from: time | None, window_until: time | None
) -> list[Period]:
    """The calling periods narrowed to the customer's preferred window.

    A preferred window that lies wholly in the rest or outside calling hours is ignored: the
    customer is then called in the ordinary hours rather than never.
    """
    periods = hours.periods()
    if window_from is None and window_until is None:
        return periods
    lo, hi = window_from or time.min, window_until or time.max
    narrowed = [(max(s, lo), min(e, hi)) for s, e in periods if max(s, lo) < min(e, hi)]
    return narrowed or periods


def next_window(
    after: datetime,
    periods: list[Period],
    tz: ZoneInfo,
    is_working_day: Callable[[date], bool] = lambda d: True,
    not_before_day: date | None = None,
    clip: bool = True,
) -> tuple[datetime, datetime]:
    """The first calling window ending after `after`: (when calling may start, when it ends).

    With `clip` the start is not before `after`; without it, the window's own start is given.
    """
    after = after.astimezone(tz)
    day = after.date()
    if not_before_day is not None and not_before_day > day:
        day = not_before_day
    if not periods:
        raise ValueError("no calling periods")
    for _ in range(MAX_DAYS_AHEAD):
        if is_working_day(day):
            for start, end in periods:
                s = datetime.combine(day, start, tzinfo=tz)
                e = datetime.combine(day, end, tzinfo=tz)
                if e > after:
                    return (max(s, after) if clip else s), e
        day += timedelta(days=1)
    raise ValueError("no calling day ahead")


def next_sending_time(after: datetime, send_from: time, send_until: time, tz: ZoneInfo) -> datetime:
    """The first moment at or after `after` inside the daily sending hours (every day)."""
    local = after.astimezone(tz)
    start = datetime.combine(local.date(), send_from, tzinfo=tz)
    end = datetime.combine(local.date(), send_until, tzinfo=tz)
    if local < start:
        return start
    if local < end:
        return local
    return datetime.combine(local.date() + timedelta(days=1), send_from, tzinfo=tz)


def in_sending_hours(moment: datetime, send_from: time, send_until: time, tz: ZoneInfo) -> bool:
    local = moment.astimezone(tz).timetz().replace(tzinfo=None)
    return send_from <= local < send_until
