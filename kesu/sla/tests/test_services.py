"""Business calendars: filled from the official tables, found for a branch, built once per
change, and the years without a holiday table reported."""

from datetime import date, time

from kesu.organisation.tests.factories import OrganisationFactory
from kesu.sla.models import BusinessCalendar
from kesu.sla.services import (
    calendar_fill_from_official_tables,
    calendar_for_organisation_default,
    calendar_row_for_branch,
    missing_holiday_tables,
    official_table_years,
    organisation_calendar_install,
    working_calendar,
)


def test_missing_tables_are_reported(world):
    row = BusinessCalendar.objects.create(organisation=world.org, name="默认")
    calendar_fill_from_official_tables(row, years=[2026])
    assert missing_holiday_tables(today=date(2026, 6, 1)) == []
    assert missing_holiday_tables(today=date(2026, 11, 23)) == [(row, 2027)]


def test_official_tables_cover_this_year():
    assert 2026 in official_table_years()


def test_administrator_entries_are_kept(world):
    row = BusinessCalendar.objects.create(organisation=world.org, name="默认")
    row.days.create(date=date(2026, 2, 17), is_working=True, name="门店值班")
    calendar_fill_from_official_tables(row, years=[2026])
    assert working_calendar(row, around=date(2026, 1, 1)).is_working_day(date(2026, 2, 17))


def test_a_branch_calendar_overrides_the_default_and_edits_are_seen(world):
    from kesu.sla.services import calendar_row_for_branch

    default = BusinessCalendar.objects.create(organisation=world.org, name="默认")
    assert calendar_row_for_branch(world.branch) == default
    own = BusinessCalendar.objects.create(
        organisation=world.org, branch=world.branch, name="东城店"
    )
    assert calendar_row_for_branch(world.branch) == own
    assert calendar_row_for_branch(world.other_branch) == default

    monday = date(2026, 3, 9)
    assert working_calendar(own, around=monday).is_working_day(monday)
    own.days.create(date=monday, is_working=False, name="店庆休息")
    own.save(update_fields=["updated_at"])
    assert not working_calendar(own, around=monday).is_working_day(monday)


def test_a_built_calendar_is_reused_until_its_days_or_years_change(
    world, django_assert_num_queries
):
    row = BusinessCalendar.objects.create(organisation=world.org, name="默认")
    monday = date(2026, 3, 9)
    assert working_calendar(row, around=monday).is_working_day(monday)
    with django_assert_num_queries(0):
        working_calendar(row, around=monday)

    # Another process's edit, seen by this one through the calendar row it reads next.
    day = row.days.create(date=monday, is_working=False, name="店庆休息")
    row.refresh_from_db()
    assert not working_calendar(row, around=monday).is_working_day(monday)

    day.is_working = True
    day.save()
    row.refresh_from_db()
    assert working_calendar(row, around=monday).is_working_day(monday)

    day.delete()
    row.years.create(year=2026)
    row.refresh_from_db()
    assert 2026 in working_calendar(row, around=monday).known_years


def test_the_official_tables_fill_holidays_and_make_up_days_with_chinese_names(world):
    row = BusinessCalendar.objects.create(organisation=world.org, name="默认")
    assert calendar_fill_from_official_tables(row, years=[2026, 1900]) == [2026]
    national_day = row.days.get(date=date(2026, 10, 1))
    assert (national_day.is_working, national_day.name) == (False, "国庆节")
    make_up = row.days.filter(is_working=True).first()
    assert make_up is not None and make_up.name.endswith("调休上班")
    assert list(row.years.values_list("year", "source")) == [(2026, "chinese-calendar")]
    count = row.days.count()
    # Filling again adds nothing.
    assert calendar_fill_from_official_tables(row, years=[2026]) == [2026]
    assert row.days.count() == count and row.years.count() == 1


def test_the_organisations_default_calendar_is_made_once_and_filled(db):
    organisation = OrganisationFactory()
    organisation_calendar_install(organisation)
    calendar = BusinessCalendar.objects.get(organisation=organisation)
    assert calendar.branch is None and calendar.name == "默认工作日历"
    assert set(calendar.years.values_list("year", flat=True)) == set(official_table_years())
    assert calendar_for_organisation_default(organisation.pk) == calendar
    assert BusinessCalendar.objects.filter(organisation=organisation).count() == 1


def test_a_branch_without_any_calendar_gets_the_organisations_default_made(world):
    BusinessCalendar.objects.filter(organisation=world.org).delete()
    row = calendar_row_for_branch(world.branch)
    assert row.branch is None and row.organisation == world.org


def test_the_built_calendar_works_the_rows_hours_and_weekend(world):
    row = BusinessCalendar.objects.create(
        organisation=world.org,
        name="六天工作制",
        morning_start=time(8, 0),
        lunch_start=None,
        lunch_end=None,
        evening_end=time(17, 0),
        weekend_days=[7],
    )
    built = working_calendar(row, around=date(2030, 3, 1))
    assert built.periods == ((time(8, 0), time(17, 0)),)
    assert built.is_working_day(date(2030, 3, 2))  # a Saturday
    assert not built.is_working_day(date(2030, 3, 3))  # a Sunday


def test_next_years_table_is_wanted_from_november(world):
    row = BusinessCalendar.objects.create(organisation=world.org, name="默认")
    calendar_fill_from_official_tables(row, years=[2026])
    assert missing_holiday_tables(today=date(2026, 11, 1)) == []
    assert missing_holiday_tables(today=date(2026, 11, 2)) == [(row, 2027)]
