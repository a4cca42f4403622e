from django.conf import settings

from kesu.mailboxes.tasks import fetch_mail


def test_the_beat_reads_the_mailboxes_and_the_task_runs_without_any(db):
    assert settings.CELERY_BEAT_SCHEDULE["fetch-mail"]["task"] == fetch_mail.name
    assert fetch_mail() == 0
