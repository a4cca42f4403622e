"""kesu/celery.py: the workers' Celery app, configured from Django's settings."""

from django.conf import settings

import kesu
from kesu.celery import _job_finished, _job_started, app
from kesu.core.logs import job_var


def test_the_app_reads_the_celery_settings():
    assert app.main == "kesu"
    assert app.conf.broker_url == settings.CELERY_BROKER_URL
    assert app.conf.timezone == settings.TIME_ZONE
    assert app.conf.worker_hijack_root_logger is False
    assert app.conf.beat_schedule == settings.CELERY_BEAT_SCHEDULE


def test_every_scheduled_task_is_found_by_autodiscovery():
    app.loader.import_default_modules()
    scheduled = {entry["task"] for entry in settings.CELERY_BEAT_SCHEDULE.values()}
    assert scheduled
    assert scheduled <= set(app.tasks)


def test_a_task_names_itself_while_it_runs_and_the_name_is_cleared_after():
    class Task:
        name = "kesu.audit.tasks.audit_checkpoint"

    token = job_var.set(None)
    try:
        _job_started(task=Task())
        assert job_var.get() == "kesu.audit.tasks.audit_checkpoint"
        _job_finished(task=Task())
        assert job_var.get() is None
        _job_started(task=None)
        assert job_var.get() is None
    finally:
        job_var.reset(token)


def test_the_package_exposes_the_app_for_the_worker_command():
    assert kesu.celery_app is app
