from datetime import datetime
from zoneinfo import ZoneInfo

from kesu.notifications import hooks
from kesu.web.jobs import triage_training_due, triage_training_job

SHANGHAI = ZoneInfo("Asia/Shanghai")


def test_the_triage_training_is_a_daily_job():
    assert "triage_training" in [job.name for job in hooks.daily_jobs()]
    assert triage_training_job().name == "triage_training"


def test_it_is_due_from_two_at_night():
    assert not triage_training_due(datetime(2026, 12, 3, 1, 59, tzinfo=SHANGHAI))
    assert triage_training_due(datetime(2026, 12, 3, 2, 0, tzinfo=SHANGHAI))
