"""manage.py send_lesson_digest [--month YYYY-MM]."""

from io import StringIO

import pytest
from django.core.management import CommandError, call_command

from kesu.notifications.models import Notification


def test_a_month_by_hand_then_again(world, november):
    out = StringIO()
    call_command("send_lesson_digest", "--month", "2026-11", stdout=out)
    queued = int(out.getvalue().split()[0])
    assert queued == Notification.objects.filter(kind="lessons_digest").count() > 0
    out = StringIO()
    call_command("send_lesson_digest", "--month", "2026-11", stdout=out)
    assert out.getvalue().startswith("0 ")


def test_a_bad_month_is_refused():
    with pytest.raises(CommandError, match="YYYY-MM"):
        call_command("send_lesson_digest", "--month", "2026-13")


def test_by_default_last_month(db):
    out = StringIO()
    call_command("send_lesson_digest", stdout=out)
    assert out.getvalue().startswith("0 ")
