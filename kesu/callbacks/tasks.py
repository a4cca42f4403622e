"""Celery tasks: thin wrappers around the callback services, scheduled by CELERY_BEAT_SCHEDULE
(plan_callbacks daily at 06:00, send_sms every minute)."""

from celery import shared_task

from kesu.callbacks.plans import plan_day
from kesu.callbacks.sms import deliver_due_sms
from kesu.organisation.models import Organisation


@shared_task(name="kesu.callbacks.tasks.plan_callbacks")
def plan_callbacks() -> int:
    """The daily planning run for every organisation; returns the tasks created."""
    created = 0
    for organisation_id in Organisation.objects.values_list("pk", flat=True):
        r = plan_day(organisation_id)
        created += r.purchases + r.complaints + r.greetings + r.periodic + r.sampled
    return created


@shared_task(name="kesu.callbacks.tasks.send_sms")
def send_sms(batch_size: int = 100) -> int:
    return deliver_due_sms(batch_size=batch_size)
