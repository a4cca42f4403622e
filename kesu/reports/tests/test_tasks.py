"""The reports' Celery tasks."""

from kesu.reports import tasks


def test_the_task_warms_the_reports(world, settings):
    settings.KESU_REPORT_CACHE_SECONDS = 600
    assert tasks.warm_reports() == 10


def test_the_beat_schedule_names_it(settings):
    names = {entry["task"] for entry in settings.CELERY_BEAT_SCHEDULE.values()}
    assert "kesu.reports.tasks.warm_reports" in names


def test_the_task_refreshes_the_monthly_counts(world):
    from kesu.reports.models import RollupState

    world.complaint()
    assert tasks.refresh_rollups() == 1  # the month of the one complaint
    assert RollupState.objects.filter(organisation=world.org).exists()


def test_the_beat_schedule_refreshes_the_counts_every_minute(settings):
    entry = settings.CELERY_BEAT_SCHEDULE["refresh-rollups"]
    assert entry["task"] == "kesu.reports.tasks.refresh_rollups"
    assert entry["schedule"] == 60.0
