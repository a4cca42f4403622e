"""The reports' Celery tasks."""

from kesu.reports import tasks


def test_the_task_warms_the_reports(world, settings):
    settings.KESU_REPORT_CACHE_SECONDS = 600
    assert tasks.warm_reports() == 10


def test_the_beat_schedule_names_it(settings):
    names = {entry["task"] for entry in settings.CELERY_BEAT_SCHEDULE.values()}
    assert "kesu.reports.tasks.warm_reports" in names
