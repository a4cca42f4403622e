"""Celery tasks: thin wrappers around the services, scheduled by CELERY_BEAT_SCHEDULE."""

import os
import socket

from kesu.celery import app
from kesu.core.health import heartbeat
from kesu.core.jobs import timed_job
from kesu.notifications import services


@app.task(name="kesu.notifications.tasks.sweep_deadlines")
def sweep_deadlines() -> int | None:
    """Decide the reminders and escalations that are due (kesu.sla.reminders)."""
    with timed_job("deadline_sweep"):  # its duration, for /metrics
        result = services.sweep_deadlines()
    return result if isinstance(result, int) else None


@app.task(name="kesu.notifications.tasks.deliver_notifications")
def deliver_notifications(batch_size: int = 100) -> int:
    """Send everything that is due; several of these may run at once without double sends."""
    worker_id = f"celery:{socket.gethostname()}:{os.getpid()}"
    handled = services.deliver_all_due(worker_id=worker_id, batch_size=batch_size)
    heartbeat(worker_id)
    return handled
