"""kesu/core/models.py: the worker heartbeat and the job timing rows."""

import pytest

from kesu.core.models import JobTiming, WorkerHeartbeat

pytestmark = pytest.mark.django_db


def test_a_heartbeat_is_named_by_its_worker_and_stamped_now():
    beat = WorkerHeartbeat.objects.create(worker_id="host-1:123")
    assert str(beat) == "host-1:123"
    assert beat.seen_at is not None


def test_a_job_timing_starts_empty_and_is_named_by_its_job():
    row = JobTiming.objects.create(job="sla.sweep")
    row.refresh_from_db()
    assert str(row) == "sla.sweep"
    assert (row.runs, row.failures, row.total_seconds, row.bucket_counts) == (0, 0, 0.0, {})
    assert row.last_ok is True
    assert row.last_duration_seconds is None
