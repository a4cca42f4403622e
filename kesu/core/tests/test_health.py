"""/healthz and /readyz, with the real database and the real Redis of this machine."""

import socket
from datetime import timedelta

import pytest
from django.core.management import call_command
from django.utils import timezone

from kesu.core.health import heartbeat
from kesu.core.models import WorkerHeartbeat


def _closed_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def test_healthz_answers_without_touching_the_database(client):
    response = client.get("/healthz")
    assert response.status_code == 200
    assert response.content == b"ok"


@pytest.mark.django_db
def test_readyz_is_ready_with_the_database_and_reports_the_missing_worker(client, settings):
    settings.KESU_READYZ_REDIS = False
    body = client.get("/readyz").json()
    assert body["ready"] is True
    assert body["checks"]["database"]["ok"] is True
    assert body["checks"]["worker"]["ok"] is False
    assert client.get("/readyz?strict=1").status_code == 503


@pytest.mark.django_db
def test_a_worker_pass_records_its_heartbeat_and_strict_readiness_follows(client, settings):
    settings.KESU_READYZ_REDIS = False
    call_command("run_worker", "--once", "--worker-id", "test-worker", verbosity=0)
    assert WorkerHeartbeat.objects.filter(worker_id="test-worker").exists()
    response = client.get("/readyz?strict=1")
    assert response.status_code == 200, response.json()
    WorkerHeartbeat.objects.update(seen_at=timezone.now() - timedelta(minutes=10))
    assert client.get("/readyz?strict=1").json()["checks"]["worker"]["ok"] is False


@pytest.mark.django_db
def test_outbox_lag_is_measured_from_the_oldest_due_notification(client, settings, world):
    from kesu.notifications.models import Notification

    settings.KESU_READYZ_REDIS = False
    heartbeat("w")
    Notification.objects.create(
        organisation=world.org,
        kind="reminder",
        channel="inbox",
        recipient=world.users["handler"],
        dedupe_key="lag-test",
        payload={},
        next_attempt_at=timezone.now() - timedelta(minutes=30),
    )
    outbox = client.get("/readyz").json()["checks"]["outbox"]
    assert outbox["ok"] is False
    assert outbox["lag_seconds"] >= 1800


@pytest.mark.django_db
def test_redis_is_checked_where_celery_uses_it(client, settings):
    settings.KESU_READYZ_REDIS = True
    settings.CELERY_BROKER_URL = "redis://127.0.0.1:6379/0"
    assert client.get("/readyz").json()["checks"]["redis"]["ok"] is True
    settings.CELERY_BROKER_URL = f"redis://127.0.0.1:{_closed_port()}/0"
    response = client.get("/readyz")
    assert response.status_code == 503
    assert response.json()["checks"]["redis"]["ok"] is False
