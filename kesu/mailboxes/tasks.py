"""Celery tasks of the mailboxes: thin wrappers, scheduled by CELERY_BEAT_SCHEDULE."""

from celery import shared_task

from kesu.mailboxes.fetching import fetch_all_mailboxes
from kesu.mailboxes.messaging import deliver_pending_messages


@shared_task(name="kesu.mailboxes.tasks.fetch_mail")
def fetch_mail() -> int:
    """Read the branches' mailboxes, then send the e-mails to customers still waiting."""
    handled = fetch_all_mailboxes()
    deliver_pending_messages()
    return handled
