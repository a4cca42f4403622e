"""Celery task of the webhooks' outbox (CELERY_BEAT_SCHEDULE "deliver-webhooks"); run_worker
sends the same deliveries on every pass (kesu/notifications/hooks.py every_pass)."""

import os
import socket

from celery import shared_task

from kesu.webhooks import services


@shared_task(name="kesu.webhooks.tasks.deliver_webhooks")
def deliver_webhooks(batch_size: int = 20) -> int:
    """Send every due delivery; several of these may run at once without double sends."""
    worker_id = f"celery:{socket.gethostname()}:{os.getpid()}"
    return services.deliver_all_due(worker_id, batch_size=batch_size)
