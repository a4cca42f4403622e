"""The worker's nightly jobs that the apps below notifications cannot register themselves."""

from datetime import datetime

from django.utils import timezone

from kesu.complaints.triage_training import retrain_due_organisations
from kesu.notifications.hooks import DailyJob

TRIAGE_HOUR = 2  # local time: the night's quiet hours


def triage_training_due(now: datetime) -> bool:
    return timezone.localtime(now).hour >= TRIAGE_HOUR


def triage_training_job() -> DailyJob:
    """Retrain the organisations' triage models from their closed complaints, nightly."""
    return DailyJob("triage_training", triage_training_due, retrain_due_organisations)
