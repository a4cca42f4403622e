"""The deadline sweep task: runs the sweep on the real clock and records its run for /metrics."""

from datetime import datetime
from zoneinfo import ZoneInfo

from kesu.core.models import JobTiming
from kesu.sla.choices import MilestoneKind, MilestoneStatus
from kesu.sla.tasks import sweep_deadlines

SH = ZoneInfo("Asia/Shanghai")


def test_the_sweep_handles_what_is_due_and_is_timed(world):
    # Received long ago: its first contact is overdue by now.
    complaint = world.complaint(received_at=datetime(2026, 3, 9, 9, 0, tzinfo=SH))
    handled = sweep_deadlines()
    assert handled >= 1
    first_contact = complaint.milestones.get(kind=MilestoneKind.FIRST_CONTACT)
    assert first_contact.status == MilestoneStatus.BREACHED
    timing = JobTiming.objects.get(job="deadline_sweep")
    assert (timing.runs, timing.failures, timing.last_ok) == (1, 0, True)
    sweep_deadlines()
    assert JobTiming.objects.get(job="deadline_sweep").runs == 2


def test_nothing_due_is_zero(db):
    assert sweep_deadlines() == 0
    assert JobTiming.objects.get(job="deadline_sweep").runs == 1
