from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _


class WorkerHeartbeat(models.Model):
    """When each background worker last finished a pass; `/readyz` reports stale workers."""

    worker_id = models.CharField(_("worker"), max_length=200, unique=True)
    seen_at = models.DateTimeField(_("last seen"), default=timezone.now, db_index=True)

    class Meta:
        verbose_name = _("worker heartbeat")
        verbose_name_plural = _("worker heartbeats")

    def __str__(self) -> str:
        return self.worker_id


class JobTiming(models.Model):
    """How long a background job's runs took (kesu/core/jobs.py), for `/metrics`.

    One row per job, added to by every run wherever it ran: the last run, and a histogram of
    all runs (counts per upper bound of kesu.core.jobs.JOB_BUCKETS, not cumulative).
    """

    job = models.CharField(_("job"), max_length=100, unique=True)
    runs = models.PositiveBigIntegerField(_("runs"), default=0)
    failures = models.PositiveBigIntegerField(_("failed runs"), default=0)
    total_seconds = models.FloatField(_("total duration (s)"), default=0.0)
    bucket_counts = models.JSONField(_("runs per duration bucket"), default=dict, blank=True)
    last_duration_seconds = models.FloatField(_("last duration (s)"), null=True, blank=True)
    last_finished_at = models.DateTimeField(_("last finished at"), null=True, blank=True)
    last_ok = models.BooleanField(_("last run succeeded"), default=True)

    class Meta:
        verbose_name = _("job timing")
        verbose_name_plural = _("job timings")

    def __str__(self) -> str:
        return self.job


class RateCounter(models.Model):
    """One rate limit's count in its window, shared by every process (kesu/core/counters.py).

    A window opens with the first hit on its key and lasts the limit's period; a hit after it
    ended opens the next one. Rows of ended windows are deleted now and then by the hits.
    """

    key = models.CharField(_("key"), max_length=200, unique=True)
    count = models.PositiveIntegerField(_("count"), default=0)
    window_start = models.DateTimeField(_("window started at"))
    expires_at = models.DateTimeField(_("window ends at"), db_index=True)

    class Meta:
        verbose_name = _("rate counter")
        verbose_name_plural = _("rate counters")

    def __str__(self) -> str:
        return self.key
