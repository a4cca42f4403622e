"""Calling windows and the text-message sending hours, without the database."""

from datetime import date, time

from kesu.callbacks.tests.conftest import TZ, at
from kesu.callbacks.windows import (
    CallingHours,
    customer_periods,
    in_sending_hours,
    next_sending_time,
    next_window,
)

HOURS = CallingHours(time(9), time(20), time(12), time(14))


def test_calling_hours_leave_out_the_midday_rest():
    assert HOURS.periods() == [(time(9), time(12)), (time(14), time(20))]
    assert HOURS.allows(time(11, 59)) and not HOURS.allows(time(12, 30))
    assert not HOURS.allows(time(20, 0)) and not HOURS.allows(time(8, 59))


def test_a_preferred_window_narrows_the_hours_but_never_reaches_into_the_rest():
    assert customer_periods(HOURS, time(11), time(15)) == [
        (time(11), time(12)),
        (time(14), time(15)),
    ]
    assert customer_periods(HOURS, time(18), None) == [(time(18), time(20))]
    # A window wholly inside the rest or after hours is ignored, not a reason never to call.
    assert customer_periods(HOURS, time(12, 15), time(13, 45)) == HOURS.periods()
    assert customer_periods(HOURS, time(21), time(22)) == HOURS.periods()


def test_next_window_skips_the_rest_the_evening_and_days_off():
    periods = HOURS.periods()
    assert next_window(at(2026, 3, 10, 12, 30), periods, TZ) == (
        at(2026, 3, 10, 14),
        at(2026, 3, 10, 20),
    )
    assert next_window(at(2026, 3, 10, 10, 15), periods, TZ)[0] == at(2026, 3, 10, 10, 15)
    assert next_window(at(2026, 3, 10, 20, 5), periods, TZ)[0] == at(2026, 3, 11, 9)
    weekdays_only = lambda d: d.isoweekday() < 6  # noqa: E731
    # Friday evening → Monday morning.
    assert next_window(at(2026, 3, 13, 21), periods, TZ, weekdays_only)[0] == at(2026, 3, 16, 9)
    # Not before the day it is due.
    start, end = next_window(at(2026, 3, 10, 8), periods, TZ, not_before_day=date(2026, 3, 12))
    assert (start, end) == (at(2026, 3, 12, 9), at(2026, 3, 12, 12))
    evening = customer_periods(HOURS, time(18, 30), time(20))
    assert next_window(at(2026, 3, 10, 9), evening, TZ) == (
        at(2026, 3, 10, 18, 30),
        at(2026, 3, 10, 20),
    )


def test_text_messages_only_between_nine_and_five():
    nine, five = time(9), time(17)
    assert next_sending_time(at(2026, 3, 10, 7, 30), nine, five, TZ) == at(2026, 3, 10, 9)
    assert next_sending_time(at(2026, 3, 10, 16, 59), nine, five, TZ) == at(2026, 3, 10, 16, 59)
    assert next_sending_time(at(2026, 3, 10, 17, 0), nine, five, TZ) == at(2026, 3, 11, 9)
    assert next_sending_time(at(2026, 3, 10, 23, 30), nine, five, TZ) == at(2026, 3, 11, 9)
    assert in_sending_hours(at(2026, 3, 10, 9), nine, five, TZ)
    assert not in_sending_hours(at(2026, 3, 10, 17), nine, five, TZ)
    assert not in_sending_hours(at(2026, 3, 10, 8, 59), nine, five, TZ)
