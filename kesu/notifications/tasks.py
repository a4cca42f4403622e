"""Celery tasks of the outbox: thin wrappers around the services, scheduled by
CELERY_BEAT_SCHEDULE (the deadline sweep is kesu/sla/tasks.py)."""

import os
import socket

from celery import shared_task

from kesu.core.health import heartbeat
from kesu.notifications import services


@shared_task(name="kesu.notifications.tasks.deliver_notifications")
def deliver_notifications(batch_size: int = 100) -> int:
    """Send everything that is due; several of these may run at once without double sends."""
    worker_id = f"celery:{socket.gethostname()}:{os.getpid()}"
    handled = services.deliver_all_due(worker_id=worker_id, batch_size=batch_size)
    heartbeat(worker_id)
    return handled
