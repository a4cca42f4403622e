"""Celery tasks of the complaints, scheduled by CELERY_BEAT_SCHEDULE."""

from celery import shared_task

from kesu.complaints.import_jobs import run_pending_imports
from kesu.complaints.triage_training import retrain_due_organisations
from kesu.core.jobs import timed_job


@shared_task(name="kesu.complaints.tasks.run_imports")
def run_imports() -> int:
    """Work through the Excel imports waiting for the background worker (import_jobs.py)."""
    with timed_job("excel_imports"):
        return run_pending_imports()


@shared_task(name="kesu.complaints.tasks.train_triage_models")
def train_triage_models() -> int:
    """Retrain the organisations' triage models from their closed complaints (nightly)."""
    with timed_job("triage_training"):
        return retrain_due_organisations()
