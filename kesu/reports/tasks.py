"""Celery tasks of the reports, scheduled by CELERY_BEAT_SCHEDULE: refresh_rollups every
minute (the monthly counts the trend and comparisons read), warm_reports every few minutes (the
reports people open most, worked out before they are asked for) and, on
KESU_MONTHLY_REPORT_DAY, last month's reports kept and mailed."""

from celery import shared_task

from kesu.reports import cache, keeping, rollups


@shared_task(name="kesu.reports.tasks.warm_reports")
def warm_reports() -> int:
    return cache.warm_reports()


@shared_task(name="kesu.reports.tasks.keep_monthly_reports")
def keep_monthly_reports() -> int:
    """Last month's reports, kept and mailed; a second run sends nothing new."""
    return keeping.keep_monthly_reports()


@shared_task(name="kesu.reports.tasks.refresh_rollups")
def refresh_rollups() -> int:
    """The monthly counts brought up to date; returns how many months were counted again."""
    return rollups.refresh_all_rollups()
