"""Celery tasks of the deadlines, scheduled by CELERY_BEAT_SCHEDULE."""

from celery import shared_task

from kesu.core.jobs import timed_job
from kesu.sla import reminders


@shared_task(name="kesu.sla.tasks.sweep_deadlines")
def sweep_deadlines() -> int:
    """Decide the reminders and escalations that are due (kesu.sla.reminders)."""
    with timed_job("deadline_sweep"):  # its duration, for /metrics
        return reminders.sweep_due_milestones()
