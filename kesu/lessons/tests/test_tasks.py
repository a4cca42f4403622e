"""The digest's Celery task and when run_worker asks for it."""

from datetime import datetime

from django.utils import timezone

from kesu.lessons import tasks
from kesu.lessons.tests.conftest import NOVEMBER
from kesu.notifications.models import Notification


def test_the_task_sends_last_months_digest(world, november, monkeypatch):
    from kesu.lessons import digest

    monkeypatch.setattr(digest.timezone, "localdate", lambda: NOVEMBER.replace(month=12))
    assert tasks.send_lesson_digest() > 0
    assert Notification.objects.filter(kind="lessons_digest").exists()
    assert tasks.send_lesson_digest() == 0


def _at(day, hour):
    return timezone.make_aware(datetime(2026, 12, day, hour, 0))


def test_due_from_the_digest_days_hour_to_the_months_end(settings):
    settings.KESU_LESSON_DIGEST_DAY = 2
    settings.KESU_LESSON_DIGEST_HOUR = 8
    assert not tasks.digest_due(_at(1, 12))
    assert not tasks.digest_due(_at(2, 7))
    assert tasks.digest_due(_at(2, 8))
    assert tasks.digest_due(_at(20, 0))


def test_the_beat_runs_it_on_the_digest_day():
    from django.conf import settings

    entry = settings.CELERY_BEAT_SCHEDULE["lesson-digest"]
    assert entry["task"] == tasks.send_lesson_digest.name
    assert entry["schedule"].day_of_month == {settings.KESU_LESSON_DIGEST_DAY}
    assert entry["schedule"].hour == {settings.KESU_LESSON_DIGEST_HOUR}
