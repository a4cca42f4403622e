"""kesu/core/jobs.py: each run of a background job added to its row, failures included."""

import logging

import pytest

from kesu.core.jobs import JOB_BUCKETS, bucket_of, record_job_run, timed_job
from kesu.core.logs import job_var
from kesu.core.models import JobTiming

pytestmark = pytest.mark.django_db


@pytest.mark.parametrize(
    "seconds, bucket", [(0.0, "0.05"), (0.05, "0.05"), (0.06, "0.1"), (300.0, "300.0")]
)
def test_a_duration_falls_in_its_smallest_upper_bound(seconds, bucket):
    assert bucket_of(seconds) == bucket


def test_longer_than_every_bound_is_inf():
    assert bucket_of(JOB_BUCKETS[-1] + 1) == "+Inf"


def test_runs_add_up_in_one_row_per_job():
    record_job_run("sweep", 0.2, ok=True)
    row = record_job_run("sweep", 7.0, ok=False)
    assert JobTiming.objects.filter(job="sweep").count() == 1
    assert (row.runs, row.failures) == (2, 1)
    assert row.total_seconds == pytest.approx(7.2)
    assert row.bucket_counts == {"0.25": 1, "10.0": 1}
    assert row.last_duration_seconds == 7.0
    assert row.last_ok is False
    assert row.last_finished_at is not None


def test_a_long_job_name_is_cut_to_the_column():
    record_job_run("j" * 150, 0.1, ok=True)
    assert JobTiming.objects.get().job == "j" * 100


def test_a_timed_block_is_recorded_as_a_successful_run():
    with timed_job("tidy"):
        pass
    row = JobTiming.objects.get(job="tidy")
    assert (row.runs, row.failures, row.last_ok) == (1, 0, True)


def test_a_failing_block_is_recorded_and_its_exception_goes_on():
    with pytest.raises(ZeroDivisionError), timed_job("tidy"):
        raise ZeroDivisionError
    row = JobTiming.objects.get(job="tidy")
    assert (row.runs, row.failures, row.last_ok) == (1, 1, False)


def test_the_block_runs_under_the_jobs_name():
    with timed_job("named"):
        assert job_var.get() == "named"
    assert job_var.get() != "named"


def test_a_timing_that_cannot_be_recorded_does_not_hide_the_outcome(monkeypatch, caplog):
    def broken(*args, **kwargs):
        raise RuntimeError("database gone")

    monkeypatch.setattr("kesu.core.jobs.record_job_run", broken)
    with caplog.at_level(logging.ERROR, logger="kesu.core.jobs"), timed_job("fragile"):
        pass
    assert "could not record the duration of job fragile" in caplog.text
