"""The run_worker command: one pass sweeps then delivers, bad arguments are refused, and a real
worker process stops cleanly (the Celery tasks are in test_tasks)."""

import os
import select
import signal
import subprocess
import sys
import time
from urllib.parse import quote

import pytest
from django.conf import settings as django_settings
from django.core.management import CommandError, call_command
from django.db import connection

from kesu.notifications.choices import Status
from kesu.notifications.models import DeliveryAttempt, Notification
from kesu.notifications.tests.factories import NotificationFactory
from kesu.organisation.choices import Role
from kesu.sla import reminders

MANAGE = str(django_settings.BASE_DIR / "manage.py")


@pytest.fixture(autouse=True)
def no_daily_jobs(monkeypatch):
    """The apps' daily jobs (the monthly reports) stay out of these tests but the one below."""
    from kesu.notifications import hooks

    monkeypatch.setattr(hooks.daily_jobs, "_receivers", [])


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


@pytest.mark.parametrize("args", [["--interval", "0"], ["--batch-size", "0"]])
def test_bad_arguments_are_refused(world, args):
    with pytest.raises(CommandError, match="--interval must be positive"):
        call_command("run_worker", "--once", *args)


def test_no_sweep_only_delivers(world, fake_sweep):
    NotificationFactory(recipient=world.user(Role.HANDLER))
    call_command("run_worker", "--once", "--no-sweep", "--worker-id", "deliverer")
    assert fake_sweep == []
    assert Notification.objects.get().status == Status.SENT
    assert DeliveryAttempt.objects.get().worker_id == "deliverer"


def test_the_worker_sends_the_lessons_digest_once_a_day_when_due(world, fake_sweep, monkeypatch):
    from kesu.lessons import tasks as lesson_tasks
    from kesu.notifications.management.commands.run_worker import Command

    sent = []
    monkeypatch.setattr(lesson_tasks, "digest_due", lambda now=None: True)
    monkeypatch.setattr(lesson_tasks, "send_lesson_digest", lambda: sent.append(1) or 0)
    worker = Command()
    worker.lesson_digest("w")
    worker.lesson_digest("w")  # the same day: not again
    assert sent == [1]
    monkeypatch.setattr(lesson_tasks, "digest_due", lambda now=None: False)
    later = Command()
    later.lesson_digest("w")
    assert sent == [1]


def test_a_failing_digest_does_not_stop_the_worker(world, fake_sweep, monkeypatch):
    from kesu.lessons import tasks as lesson_tasks

    def broken():
        raise RuntimeError("digest bug")

    monkeypatch.setattr(lesson_tasks, "digest_due", lambda now=None: True)
    monkeypatch.setattr(lesson_tasks, "send_lesson_digest", broken)
    NotificationFactory(recipient=world.user(Role.HANDLER))
    call_command("run_worker", "--once")
    assert Notification.objects.get().status == Status.SENT


def test_the_worker_runs_each_daily_job_once_a_day_while_due(world, fake_sweep, monkeypatch):
    from kesu.notifications import hooks
    from kesu.notifications.management.commands.run_worker import Command

    ran = []
    due = {"now": True}
    job = hooks.DailyJob("probe", lambda now: due["now"], lambda: ran.append(1) or 0)
    monkeypatch.setattr(hooks.daily_jobs, "_receivers", [lambda: job])
    worker = Command()
    worker.daily_jobs("w")
    worker.daily_jobs("w")  # the same day: not again
    assert ran == [1]
    due["now"] = False
    Command().daily_jobs("w")
    assert ran == [1]


def test_a_pass_runs_the_waiting_excel_imports(world):
    from kesu.complaints.choices import ImportStatus
    from kesu.complaints.import_jobs import job_create
    from kesu.complaints.tests.import_helpers import OPEN_ROW, workbook_bytes

    job = job_create(
        actor=world.user("director"), file_name="h.xlsx", data=workbook_bytes([OPEN_ROW])
    )
    call_command("run_worker", "--once", verbosity=0)
    job.refresh_from_db()
    assert job.status == ImportStatus.DONE
