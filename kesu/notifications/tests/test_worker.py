"""The worker: the management command, the Celery tasks, and real worker processes."""

import os
import select
import signal
import subprocess
import sys
import time
from urllib.parse import quote

import pytest
from django.conf import settings as django_settings
from django.core.management import call_command
from django.db import connection

from kesu.celery import app as celery_app
from kesu.notifications import tasks
from kesu.notifications.choices import Status
from kesu.notifications.models import DeliveryAttempt, Notification
from kesu.notifications.tests.factories import NotificationFactory
from kesu.organisation.choices import Role
from kesu.sla import reminders
from kesu.sla import tasks as sla_tasks

MANAGE = str(django_settings.BASE_DIR / "manage.py")


@pytest.fixture
def fake_sweep(monkeypatch):
    """Stands in for kesu.sla.reminders' sweep and records its calls."""
    calls = []

    def sweep_due_milestones(*, now=None, batch_size=500):
        calls.append({"now": now, "batch_size": batch_size})
        return 0

    monkeypatch.setattr(reminders, "sweep_due_milestones", sweep_due_milestones)
    return calls


def test_one_pass_sweeps_then_delivers(world, fake_sweep):
    rows = [NotificationFactory(recipient=world.user(Role.HANDLER)) for _ in range(3)]
    call_command("run_worker", "--once", "--worker-id", "cmd", "--batch-size", "2")
    assert fake_sweep == [{"now": None, "batch_size": 500}]
    assert set(Notification.objects.values_list("status", flat=True)) == {Status.SENT}
    assert set(DeliveryAttempt.objects.values_list("worker_id", flat=True)) == {"cmd"}
    assert DeliveryAttempt.objects.filter(notification__in=rows).count() == 3


def test_a_failing_sweep_does_not_stop_delivery(world, fake_sweep, monkeypatch):
    def broken(**kwargs):
        raise RuntimeError("sweep bug")

    monkeypatch.setattr(reminders, "sweep_due_milestones", broken)
    NotificationFactory(recipient=world.user(Role.HANDLER))
    call_command("run_worker", "--once")
    assert Notification.objects.get().status == Status.SENT


@pytest.fixture
def eager_celery(settings):
    """Tasks run in the calling process, as CELERY_TASK_ALWAYS_EAGER says."""
    settings.CELERY_TASK_ALWAYS_EAGER = True
    previous = celery_app.conf.task_always_eager
    celery_app.conf.task_always_eager = settings.CELERY_TASK_ALWAYS_EAGER
    try:
        yield celery_app
    finally:
        celery_app.conf.task_always_eager = previous


def test_celery_tasks_run_eagerly_and_call_the_services(world, fake_sweep, eager_celery):
    NotificationFactory(recipient=world.user(Role.HANDLER))
    NotificationFactory(recipient=world.user(Role.DIRECTOR))

    result = tasks.deliver_notifications.delay()
    assert result.successful()
    assert result.get() == 2
    assert set(Notification.objects.values_list("status", flat=True)) == {Status.SENT}
    assert DeliveryAttempt.objects.get(
        notification__recipient=world.user(Role.HANDLER)
    ).worker_id.startswith("celery:")

    assert sla_tasks.sweep_deadlines.delay().successful()
    assert fake_sweep == [{"now": None, "batch_size": 500}]


def test_the_beat_schedule_names_registered_tasks():
    schedule = django_settings.CELERY_BEAT_SCHEDULE
    from kesu.audit import tasks as audit_tasks
    from kesu.callbacks import tasks as callback_tasks

    assert {entry["task"] for entry in schedule.values()} == {
        sla_tasks.sweep_deadlines.name,
        tasks.deliver_notifications.name,
        callback_tasks.plan_callbacks.name,
        callback_tasks.send_sms.name,
        audit_tasks.audit_checkpoint.name,
    }
    assert all(entry["task"] in celery_app.tasks for entry in schedule.values())
    by_task = {entry["task"]: entry["schedule"] for entry in schedule.values()}
    assert by_task[sla_tasks.sweep_deadlines.name] == 60
    assert by_task[tasks.deliver_notifications.name] == 15
    assert by_task[audit_tasks.audit_checkpoint.name] == 600
    assert celery_app.conf.broker_url == django_settings.CELERY_BROKER_URL


# Real worker processes, on the test database.


def _database_url() -> str:
    """DATABASE_URL of the test database, for worker processes started by a test."""
    db = connection.settings_dict
    if connection.vendor == "sqlite":
        return f"sqlite:///{db['NAME']}"
    auth = quote(db["USER"] or "", safe="")
    if db.get("PASSWORD"):
        auth += ":" + quote(db["PASSWORD"], safe="")
    host = db.get("HOST") or "127.0.0.1"
    port = db.get("PORT") or 5432
    return f"postgres://{auth}@{host}:{port}/{quote(db['NAME'], safe='')}"


def _start_worker(worker_id: str, extra_env: dict | None = None, *args: str, sweep: bool = False):
    env = {
        **os.environ,
        "DATABASE_URL": _database_url(),
        "PYTHONUNBUFFERED": "1",
        "KESU_LOG_LEVEL": "WARNING",
        **(extra_env or {}),
    }
    return subprocess.Popen(
        [
            sys.executable,
            MANAGE,
            "run_worker",
            "--worker-id",
            worker_id,
            *([] if sweep else ["--no-sweep"]),
            *args,
        ],
        cwd=str(django_settings.BASE_DIR),
        env=env,
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
    )


def _wait_until_started(process, timeout=30.0):
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        ready, _, _ = select.select([process.stdout], [], [], 0.2)
        if ready:
            line = process.stdout.readline()
            if "Kesu worker" in line:
                return
        if process.poll() is not None:
            break
    process.kill()
    raise AssertionError(f"worker did not start: {process.stderr.read()}")


def _stop(process, timeout=20.0) -> int:
    process.send_signal(signal.SIGTERM)
    try:
        return process.wait(timeout=timeout)
    except subprocess.TimeoutExpired:
        process.kill()
        raise


@pytest.mark.django_db(transaction=True)
def test_a_worker_process_exits_cleanly_on_sigterm(world):
    NotificationFactory(recipient=world.user(Role.HANDLER))
    worker = _start_worker("solo", None, "--interval", "0.2")
    try:
        _wait_until_started(worker)
        deadline = time.monotonic() + 20
        while Notification.objects.filter(status=Status.SENT).count() < 1:
            assert time.monotonic() < deadline, "the worker sent nothing"
            time.sleep(0.1)
    finally:
        code = _stop(worker)
    assert code == 0, worker.stderr.read()
    assert DeliveryAttempt.objects.get().worker_id == "solo"
