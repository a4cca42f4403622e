"""Prometheus metrics: GET /metrics in the text exposition format.

Two kinds of values:

- Counted in the process that answered a request (requests by method, view and status, their
  latency by view). Under gunicorn each worker counts its own; with PROMETHEUS_MULTIPROC_DIR set
  the values live in files there and every worker's scrape adds up all of them.
- Read from the database at scrape time by `DatabaseCollector` (outbox depth and the age of its
  oldest pending notification, overdue complaints per organisation, the newest worker heartbeat,
  the deadline sweep's durations recorded by the worker): right whichever process answers. The
  outbox and complaint values are the apps' own (`database_parts`, filled in their ready()).

Labels are bounded: the view is the resolved URL name (never the raw path), the method one of
the HTTP methods or "other", the organisation its code.
"""

import hmac
import ipaddress
import logging
import os
from datetime import timedelta

from django.conf import settings
from django.http import HttpResponse
from django.utils import timezone
from django.utils.translation import gettext
from django.views.decorators.cache import never_cache
from prometheus_client import REGISTRY as DEFAULT_REGISTRY
from prometheus_client import CollectorRegistry, Counter, Histogram, generate_latest, multiprocess
from prometheus_client.core import CounterMetricFamily, GaugeMetricFamily, HistogramMetricFamily
from prometheus_client.exposition import CONTENT_TYPE_PLAIN_0_0_4

from kesu.core.hooks import Hook

logger = logging.getLogger("kesu.core.metrics")

METHODS = frozenset({"GET", "HEAD", "POST", "PUT", "PATCH", "DELETE", "OPTIONS"})
LATENCY_BUCKETS = (0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1.0, 2.5, 5.0, 10.0, 30.0)

REQUESTS = Counter(
    "kesu_http_requests",
    "HTTP requests answered, by method, view (URL name) and status.",
    ["method", "view", "status"],
)
LATENCY = Histogram(
    "kesu_http_request_duration_seconds",
    "Time from the request reaching Kesu to the response leaving it, by view (URL name).",
    ["view"],
    buckets=LATENCY_BUCKETS,
)


def view_label(request) -> str:
    """The route that answered: "namespace:name" of the URL pattern; "static" for static files
    (answered before URL resolution); "unresolved" for addresses that match no pattern."""
    match = getattr(request, "resolver_match", None)
    if match is not None:
        return match.view_name
    if request.path.startswith("/" + settings.STATIC_URL.lstrip("/")):
        return "static"
    return "unresolved"


def observe_request(request, status: int, seconds: float) -> None:
    view = view_label(request)
    method = request.method if request.method in METHODS else "other"
    REQUESTS.labels(method=method, view=view, status=str(status)).inc()
    LATENCY.labels(view=view).observe(seconds)


# ---- values from the database ------------------------------------------------------------------

# The values of other apps' rows (the outbox, overdue complaints): each app registers a function
# of the scrape's time returning its metric families, in its AppConfig.ready().
database_parts = Hook("metrics: values from the database")


def _workers(now):
    from kesu.core.models import WorkerHeartbeat

    stale = now - timedelta(seconds=settings.KESU_WORKER_STALE_SECONDS)
    newest = WorkerHeartbeat.objects.order_by("-seen_at").values_list("seen_at", flat=True).first()
    recent = WorkerHeartbeat.objects.filter(seen_at__gte=stale).count()
    families = []
    if newest is not None:
        age = GaugeMetricFamily(
            "kesu_worker_heartbeat_age_seconds",
            "Seconds since a background worker last finished a pass (the newest heartbeat).",
        )
        age.add_metric([], max(0.0, (now - newest).total_seconds()))
        families.append(age)
    count = GaugeMetricFamily(
        "kesu_workers_recent",
        "Background workers seen within KESU_WORKER_STALE_SECONDS.",
    )
    count.add_metric([], recent)
    families.append(count)
    return families


def _jobs(now):
    from kesu.core.jobs import JOB_BUCKETS
    from kesu.core.models import JobTiming

    duration = HistogramMetricFamily(
        "kesu_job_duration_seconds",
        "Durations of background job runs (job=deadline_sweep: the deadline sweep).",
        labels=["job"],
    )
    failures = CounterMetricFamily(
        "kesu_job_failures", "Background job runs that raised an error.", labels=["job"]
    )
    last = GaugeMetricFamily(
        "kesu_job_last_duration_seconds", "Duration of the job's last run.", labels=["job"]
    )
    finished = GaugeMetricFamily(
        "kesu_job_last_run_timestamp_seconds",
        "When the job's last run finished (Unix time).",
        labels=["job"],
    )
    for row in JobTiming.objects.order_by("job"):
        # Stored per upper bound; a count kept under a bound that JOB_BUCKETS no longer has
        # falls into the next bucket up.
        counted = [(float(key), n) for key, n in (row.bucket_counts or {}).items()]
        buckets = [
            (repr(bound), sum(n for upper, n in counted if upper <= bound)) for bound in JOB_BUCKETS
        ]
        buckets.append(("+Inf", row.runs))
        duration.add_metric([row.job], buckets, row.total_seconds)
        failures.add_metric([row.job], row.failures)
        if row.last_finished_at is not None:
            last.add_metric([row.job], row.last_duration_seconds or 0.0)
            finished.add_metric([row.job], row.last_finished_at.timestamp())
    return [duration, failures, last, finished]


class DatabaseCollector:
    """What the database says at scrape time; `kesu_metrics_database_up` 0 when it could not."""

    own_parts = (_workers, _jobs)

    def parts(self):
        return (*database_parts.receivers(), *self.own_parts)

    def collect(self):
        now = timezone.now()
        up = GaugeMetricFamily(
            "kesu_metrics_database_up", "1 when the database values below could be read."
        )
        try:
            families = [family for part in self.parts() for family in part(now)]
        except Exception:
            logger.exception("metrics: the database values could not be read")
            up.add_metric([], 0)
            yield up
            return
        up.add_metric([], 1)
        yield up
        yield from families


class _ThisProcess:
    """The default registry of this process (its own counters, process and Python metrics)."""

    def collect(self):
        return DEFAULT_REGISTRY.collect()


def multiprocess_dir() -> str:
    return os.environ.get("PROMETHEUS_MULTIPROC_DIR", "")


def registry() -> CollectorRegistry:
    """What one scrape reports: every worker's files in multiprocess mode (one process's
    counters otherwise), plus the database's values."""
    scrape = CollectorRegistry(auto_describe=False)
    if multiprocess_dir():
        multiprocess.MultiProcessCollector(scrape)
    else:
        scrape.register(_ThisProcess())
    scrape.register(DatabaseCollector())
    return scrape


# ---- the endpoint -------------------------------------------------------------------------------


def _allowed_networks() -> list:
    return [
        ipaddress.ip_network(entry, strict=False)
        for entry in settings.KESU_METRICS_ALLOWED_ADDRESSES
    ]


def may_scrape(request) -> bool:
    """The bearer token (when KESU_METRICS_TOKEN is set) or an allowed client address."""
    token = settings.KESU_METRICS_TOKEN
    if token:
        scheme, _, given = request.META.get("HTTP_AUTHORIZATION", "").partition(" ")
        if scheme.lower() == "bearer" and hmac.compare_digest(
            given.strip().encode(), token.encode()
        ):
            return True
    try:
        address = ipaddress.ip_address(request.META.get("REMOTE_ADDR", ""))
    except ValueError:
        return False
    return any(address in network for network in _allowed_networks())


@never_cache
def metrics(request):
    if not may_scrape(request):
        return HttpResponse(
            gettext("The metrics need the metrics token or an allowed address.") + "\n",
            status=403,
            content_type="text/plain; charset=utf-8",
        )
    return HttpResponse(generate_latest(registry()), content_type=CONTENT_TYPE_PLAIN_0_0_4)
