"""How long background jobs take, kept in the database so any web process can report it.

The deadline sweep runs in a worker (`run_worker` or Celery), not in the web server that answers
`/metrics`: each run adds itself to the job's row (JobTiming) and the metrics collector reads the
row at scrape time (kesu/core/metrics.py).
"""

import logging
import time
from contextlib import contextmanager

from django.db import transaction
from django.utils import timezone

from kesu.core.logs import job_context
from kesu.core.models import JobTiming

logger = logging.getLogger("kesu.core.jobs")

# Upper bounds (seconds) of the duration histogram; a sweep normally takes well under a second.
JOB_BUCKETS = (0.05, 0.1, 0.25, 0.5, 1.0, 2.5, 5.0, 10.0, 30.0, 60.0, 120.0, 300.0)


def bucket_of(seconds: float) -> str:
    """The histogram bucket a duration falls in: its smallest upper bound, or "+Inf"."""
    for bound in JOB_BUCKETS:
        if seconds <= bound:
            return repr(bound)
    return "+Inf"


def record_job_run(name: str, seconds: float, *, ok: bool, at=None) -> JobTiming:
    """Add one run of `name` to its row (one row per job, locked while it is updated)."""
    with transaction.atomic():
        row, _ = JobTiming.objects.select_for_update().get_or_create(job=name[:100])
        row.runs += 1
        row.failures += 0 if ok else 1
        row.total_seconds += seconds
        key = bucket_of(seconds)
        row.bucket_counts = {**row.bucket_counts, key: row.bucket_counts.get(key, 0) + 1}
        row.last_duration_seconds = seconds
        row.last_finished_at = at or timezone.now()
        row.last_ok = ok
        row.save()
    return row


@contextmanager
def timed_job(name: str):
    """Run the block as job `name`: its log records carry the name, its duration is recorded
    (also when it fails; the exception goes on)."""
    with job_context(name):
        started = time.monotonic()
        ok = False
        try:
            yield
            ok = True
        finally:
            try:
                record_job_run(name, time.monotonic() - started, ok=ok)
            except Exception:  # the timing must never hide the job's own outcome
                logger.exception("could not record the duration of job %s", name)
