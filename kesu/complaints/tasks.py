"""Celery tasks of the complaints, scheduled by CELERY_BEAT_SCHEDULE."""

from celery import shared_task

from kesu.complaints.import_jobs import run_pending_imports
from kesu.core.jobs import timed_job


@shared_task(name="kesu.complaints.tasks.run_imports")
def run_imports() -> int:
    """Work through the Excel imports waiting for the background worker (import_jobs.py)."""
    with timed_job("excel_imports"):
        return run_pending_imports()
