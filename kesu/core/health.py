"""Liveness and readiness for load balancers and monitoring: /healthz and /readyz.

/healthz answers as long as the process serves requests (no database access). /readyz checks
what a request needs — the database, and Redis where Celery is the broker — and reports what
the background work needs: a worker seen recently and an outbox that is not falling behind.
A failing database or Redis makes it 503; a stale worker or outbox lag only with `?strict=1`,
so a dead worker does not take every web server out of the load balancer.
"""

from collections.abc import Callable
from datetime import datetime

from django.conf import settings
from django.db import connection
from django.http import HttpResponse, JsonResponse
from django.utils import timezone
from django.views.decorators.cache import never_cache

from kesu.core.models import WorkerHeartbeat

# What the background work of other apps needs (the outbox not falling behind): name → a function
# of the time returning {"ok": bool, ...}; registered in their AppConfig.ready(), reported in
# that order after the worker.
background_checks: dict[str, Callable[[datetime], dict]] = {}


def register_background_check(name: str, check: Callable[[datetime], dict]) -> None:
    background_checks[name] = check


def heartbeat(worker_id: str) -> None:
    """Record that a worker finished a pass (one row per worker, updated in place)."""
    updated = WorkerHeartbeat.objects.filter(worker_id=worker_id).update(seen_at=timezone.now())
    if not updated:
        WorkerHeartbeat.objects.get_or_create(worker_id=worker_id[:200])


def _database() -> dict:
    with connection.cursor() as cursor:
        cursor.execute("SELECT 1")
    return {"ok": True}


def _redis() -> dict:
    import redis

    client = redis.Redis.from_url(
        settings.CELERY_BROKER_URL, socket_timeout=1, socket_connect_timeout=1
    )
    client.ping()
    return {"ok": True}


def _worker(now) -> dict:
    newest = WorkerHeartbeat.objects.order_by("-seen_at").values_list("seen_at", flat=True).first()
    if newest is None:
        return {"ok": False, "detail": "no worker has reported yet"}
    age = (now - newest).total_seconds()
    return {"ok": age <= settings.KESU_WORKER_STALE_SECONDS, "seconds_since": round(age, 1)}


def _run(check, *args) -> dict:
    try:
        return check(*args)
    except Exception as exc:  # a check that cannot run has failed; say why
        return {"ok": False, "detail": f"{type(exc).__name__}: {exc}"[:300]}


@never_cache
def healthz(request):
    return HttpResponse("ok", content_type="text/plain")


@never_cache
def readyz(request):
    now = timezone.now()
    critical = {"database": _run(_database)}
    if settings.KESU_READYZ_REDIS:
        critical["redis"] = _run(_redis)
    background = {"worker": _run(_worker, now)}
    background |= {name: _run(check, now) for name, check in background_checks.items()}
    ready = all(c["ok"] for c in critical.values())
    if request.GET.get("strict") == "1":
        ready = ready and all(c["ok"] for c in background.values())
    return JsonResponse(
        {"ready": ready, "checks": {**critical, **background}}, status=200 if ready else 503
    )
