"""Celery task of the lessons: the monthly digest (CELERY_BEAT_SCHEDULE, on KESU_LESSON_DIGEST_DAY)."""

from celery import shared_task
from django.conf import settings
from django.utils import timezone

from kesu.lessons.digest import digest_send


@shared_task(name="kesu.lessons.tasks.send_lesson_digest")
def send_lesson_digest() -> int:
    """Last month's lessons to the managers; a second run sends nothing new."""
    return digest_send()


def digest_due(now=None) -> bool:
    """Whether the month's digest is due (run_worker asks once a day): from the digest day's
    hour on, until the month ends, so a worker that was down on the day catches up."""
    local = timezone.localtime(now)
    day = settings.KESU_LESSON_DIGEST_DAY
    return local.day > day or (local.day == day and local.hour >= settings.KESU_LESSON_DIGEST_HOUR)
