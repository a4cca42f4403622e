"""Changing a calendar's days or years moves the calendar's updated_at (the built-calendar key)."""

from datetime import date, timedelta

import pytest

from kesu.sla.models import BusinessCalendar


@pytest.fixture
def calendar(world):
    row = BusinessCalendar.objects.create(organisation=world.org, name="默认")
    old = row.updated_at - timedelta(days=1)
    BusinessCalendar.objects.filter(pk=row.pk).update(updated_at=old)
    row.refresh_from_db()
    return row


def _moved(calendar) -> bool:
    before = calendar.updated_at
    calendar.refresh_from_db()
    return calendar.updated_at > before


@pytest.mark.parametrize("part", ["day", "year"])
def test_adding_changing_and_deleting_a_part_moves_the_stamp(calendar, part):
    if part == "day":
        row = calendar.days.create(date=date(2026, 3, 9), is_working=False, name="店庆")
    else:
        row = calendar.years.create(year=2031)
    assert _moved(calendar)
    BusinessCalendar.objects.filter(pk=calendar.pk).update(
        updated_at=calendar.updated_at - timedelta(days=1)
    )
    calendar.refresh_from_db()
    row.save()
    assert _moved(calendar)
    BusinessCalendar.objects.filter(pk=calendar.pk).update(
        updated_at=calendar.updated_at - timedelta(days=1)
    )
    calendar.refresh_from_db()
    row.delete()
    assert _moved(calendar)


def test_another_calendars_parts_leave_this_one_alone(world, calendar):
    other = BusinessCalendar.objects.create(
        organisation=world.org, branch=world.branch, name="东城店"
    )
    other.days.create(date=date(2026, 3, 9), is_working=False)
    assert not _moved(calendar)
