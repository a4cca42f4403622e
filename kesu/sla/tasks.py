"""Celery tasks of the deadlines, scheduled by CELERY_BEAT_SCHEDULE."""

from celery import shared_task

from kesu.core.jobs import timed_job
from kesu.sla import hooks, reminders


@shared_task(name="kesu.sla.tasks.sweep_deadlines")
def sweep_deadlines() -> int:
    """Decide the reminders and escalations that are due (kesu.sla.reminders), then let the
    apps above send their date-based reminders (hooks.after_sweep)."""
    with timed_job("deadline_sweep"):  # its duration, for /metrics
        handled = reminders.sweep_due_milestones()
    hooks.after_sweep()  # the apps above: their own date-based reminders
    return handled
