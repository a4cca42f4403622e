"""Two worker processes sweep and deliver 10,000 due reminders within two minutes, each once.

A load test with a wall-clock bound, so it lives with the benchmarks (PostgreSQL only).
"""

import time
from datetime import timedelta

import pytest
from django.db import connection
from django.db.models import Count
from django.utils import timezone

from kesu.notifications.models import DeliveryAttempt, Notification
from kesu.notifications.tests.commands.test_run_worker import (
    _start_worker,
    _stop,
    _wait_until_started,
)
from kesu.organisation.choices import Role
from kesu.sla.choices import Clock, MilestoneKind, MilestoneStatus, Unit
from kesu.sla.models import ComplaintMilestone

COMPLAINTS = 100
PER_COMPLAINT = 100  # 10,000 reminders in all


@pytest.mark.postgres
@pytest.mark.django_db(transaction=True)
def test_two_workers_sweep_and_send_ten_thousand_reminders_once(world):
    if connection.vendor != "postgresql":
        pytest.skip("concurrent workers are measured on PostgreSQL")
    owner = world.user(Role.FRONTLINE)
    owner.email = ""  # inbox only: one notification per reminder
    owner.save()
    complaints = [world.complaint() for _ in range(COMPLAINTS)]
    ComplaintMilestone.objects.all().delete()
    Notification.objects.all().delete()
    now = timezone.now()
    ComplaintMilestone.objects.bulk_create(
        [
            ComplaintMilestone(
                complaint=complaint,
                kind=MilestoneKind.CUSTOMER_UPDATE,
                round=r,
                status=MilestoneStatus.RUNNING,
                amount=1,
                unit=Unit.DAYS,
                clock=Clock.CALENDAR,
                started_at=now - timedelta(hours=20),
                due_at=now + timedelta(hours=4),
                next_check_at=now - timedelta(minutes=1),
            )
            for complaint in complaints
            for r in range(1, PER_COMPLAINT + 1)
        ],
        batch_size=2000,
    )
    total = COMPLAINTS * PER_COMPLAINT
    workers = [
        _start_worker(name, None, "--interval", "0.2", "--batch-size", "100", sweep=True)
        for name in ("s1", "s2")
    ]
    try:
        for worker in workers:
            _wait_until_started(worker)
        deadline = time.monotonic() + 120
        while DeliveryAttempt.objects.filter(ok=True).count() < total:
            assert time.monotonic() < deadline, "not everything was swept and sent within 120 s"
            assert all(w.poll() is None for w in workers), "a worker died"
            time.sleep(0.5)
    finally:
        codes = [_stop(w) for w in workers]
    assert codes == [0, 0], [w.stderr.read() for w in workers]

    reminders = Notification.objects.filter(
        kind="milestone_reminder", recipient=owner, channel="inbox"
    )
    assert reminders.count() == total
    assert reminders.filter(status="sent").count() == total
    # Only the reminders: the workers also run the daily jobs (the monthly reports' mail to the
    # directors, from the report day to the month's end), whose notifications are not counted here.
    per_row = (
        DeliveryAttempt.objects.filter(notification__kind="milestone_reminder")
        .values("notification")
        .annotate(n=Count("id"))
    )
    assert per_row.count() == total and not per_row.exclude(n=1).exists()
    assert not ComplaintMilestone.objects.filter(warned_at__isnull=True).exists()
    by_worker = dict(
        DeliveryAttempt.objects.values_list("worker_id").annotate(n=Count("id")).order_by()
    )
    assert set(by_worker) == {"s1", "s2"}, by_worker
