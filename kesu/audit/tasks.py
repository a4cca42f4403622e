"""Celery tasks of the audit trail, scheduled by CELERY_BEAT_SCHEDULE."""

from celery import shared_task

from kesu.audit.checkpoints import write_checkpoint


@shared_task(name="kesu.audit.tasks.audit_checkpoint")
def audit_checkpoint() -> int:
    """Append the signed heads of every lane to KESU_AUDIT_CHECKPOINT_FILE."""
    return write_checkpoint()
