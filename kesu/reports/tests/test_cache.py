"""A worked-out report is kept for a few minutes, per reach, period, scope and language."""

from datetime import date, datetime

import pytest
from django.utils import timezone, translation

from kesu.organisation.choices import Role
from kesu.reports import cache
from kesu.reports.periods import month

TZ = timezone.get_fixed_timezone(8 * 60)
PERIOD = month(date(2026, 11, 1))


@pytest.fixture
def kept(settings):
    settings.KESU_REPORT_CACHE_SECONDS = 600


def test_a_kept_report_is_served_until_fresh_is_asked_for(world, kept):
    director = world.user(Role.DIRECTOR)
    first = cache.report_for(director, PERIOD, {})
    assert first.total == 0
    world.complaint(received_at=datetime(2026, 11, 5, 10, tzinfo=TZ))
    assert cache.report_for(director, PERIOD, {}).generated_at == first.generated_at
    assert cache.report_for(director, PERIOD, {}, fresh=True).total == 1
    assert cache.report_for(director, PERIOD, {}).total == 1


def test_the_key_tells_reaches_scopes_and_languages_apart(world):
    director, gm = world.user(Role.DIRECTOR), world.user(Role.GENERAL_MANAGER)
    west = world.other_users[Role.DIRECTOR]
    handler = world.user(Role.HANDLER)
    keys = {
        cache.report_key(director, PERIOD, {}, "en"),
        cache.report_key(gm, PERIOD, {}, "en"),
        cache.report_key(west, PERIOD, {}, "en"),
        cache.report_key(handler, PERIOD, {}, "en"),
        cache.report_key(world.user(Role.GROUP), PERIOD, {}, "en"),
        cache.report_key(director, PERIOD, {"kind": "complaint"}, "en"),
        cache.report_key(director, PERIOD, {}, "zh-hans"),
        cache.report_key(director, PERIOD.previous(), {}, "en"),
    }
    assert len(keys) == 8


def test_another_branch_never_reads_a_kept_report(world, kept):
    world.complaint(received_at=datetime(2026, 11, 5, 10, tzinfo=TZ))
    assert cache.report_for(world.user(Role.DIRECTOR), PERIOD, {}).total == 1
    assert cache.report_for(world.other_users[Role.DIRECTOR], PERIOD, {}).total == 0


def test_nothing_is_kept_when_turned_off(world, settings):
    settings.KESU_REPORT_CACHE_SECONDS = 0
    director = world.user(Role.DIRECTOR)
    cache.report_for(director, PERIOD, {})
    world.complaint(received_at=datetime(2026, 11, 5, 10, tzinfo=TZ))
    assert cache.report_for(director, PERIOD, {}).total == 1
    assert cache.warm_reports() == 0


def test_the_worker_works_out_the_group_and_each_branch_ahead(world, kept, settings):
    settings.LANGUAGE_CODE = "zh-hans"
    # The group, and the director and general manager of each branch; this month and last.
    assert cache.warm_reports(today=date(2026, 12, 2)) == 10
    world.complaint(received_at=datetime(2026, 11, 5, 10, tzinfo=TZ))
    with translation.override("zh-hans"):
        assert cache.report_for(world.user(Role.DIRECTOR), PERIOD, {}).total == 0  # as kept
