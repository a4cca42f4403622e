"""Celery tasks of the reports, scheduled by CELERY_BEAT_SCHEDULE (warm_reports every few
minutes: the reports people open most, worked out before they are asked for)."""

from celery import shared_task

from kesu.reports import cache


@shared_task(name="kesu.reports.tasks.warm_reports")
def warm_reports() -> int:
    return cache.warm_reports()
