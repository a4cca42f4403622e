"""Two worker processes send 10,000 notifications within a minute, each exactly once.

A load test with a wall-clock bound, so it lives with the benchmarks (PostgreSQL only).
"""

import time

import pytest
from django.db import connection
from django.db.models import Count

from kesu.notifications.choices import Channel, Status
from kesu.notifications.models import DeliveryAttempt, Notification
from kesu.notifications.tests.commands.test_run_worker import (
    _start_worker,
    _stop,
    _wait_until_started,
)
from kesu.notifications.tests.factories import REMINDER_PAYLOAD
from kesu.organisation.choices import Role

LOAD_INBOX = 10_000
LOAD_EMAIL = 200


@pytest.mark.postgres
@pytest.mark.django_db(transaction=True)
def test_two_workers_send_ten_thousand_notifications_each_exactly_once(world, smtp_server):
    if connection.vendor != "postgresql":
        pytest.skip("concurrent workers are measured on PostgreSQL")
    user = world.user(Role.HANDLER)
    user.email = "load@example.test"
    user.save()
    mail_env = {"KESU_EMAIL_HOST": smtp_server.host, "KESU_EMAIL_PORT": str(smtp_server.port)}
    workers = [
        _start_worker(name, mail_env, "--interval", "0.2", "--batch-size", "50")
        for name in ("w1", "w2")
    ]
    try:
        for worker in workers:
            _wait_until_started(worker)
        rows = []
        every = LOAD_INBOX // LOAD_EMAIL
        for i in range(LOAD_INBOX):
            payload = {**REMINDER_PAYLOAD, "complaint_number": f"KS-2026-{i:06d}"}
            rows.append(
                Notification(
                    organisation=world.org,
                    recipient=user,
                    channel=Channel.INBOX,
                    kind="milestone_reminder",
                    payload=payload,
                    dedupe_key=f"load:{i}",
                )
            )
            if i % every == 0:
                rows.append(
                    Notification(
                        organisation=world.org,
                        recipient=user,
                        channel=Channel.EMAIL,
                        kind="milestone_reminder",
                        payload=payload,
                        dedupe_key=f"load:{i}",
                    )
                )
        Notification.objects.bulk_create(rows, batch_size=2000)
        total = LOAD_INBOX + LOAD_EMAIL
        assert len(rows) == total
        started = time.monotonic()
        deadline = started + 60
        while Notification.objects.filter(status=Status.SENT).count() < total:
            assert time.monotonic() < deadline, "not everything was sent within 60 s"
            assert all(w.poll() is None for w in workers), "a worker died"
            time.sleep(0.2)
        elapsed = time.monotonic() - started
    finally:
        codes = [_stop(w) for w in workers]
    assert codes == [0, 0], [w.stderr.read() for w in workers]

    assert Notification.objects.exclude(status=Status.SENT).count() == 0
    assert DeliveryAttempt.objects.count() == total
    assert not DeliveryAttempt.objects.filter(ok=False).exists()
    per_row = DeliveryAttempt.objects.values("notification").annotate(n=Count("id"))
    assert per_row.count() == total
    assert not per_row.exclude(n=1).exists()
    by_worker = dict(
        DeliveryAttempt.objects.values_list("worker_id").annotate(n=Count("id")).order_by()
    )
    assert set(by_worker) == {"w1", "w2"}, by_worker
    assert all(n > 0 for n in by_worker.values())
    assert sum(by_worker.values()) == total
    print(f"\n{total} notifications sent by two workers in {elapsed:.1f} s: {by_worker}")

    subjects = [mail.subject for mail in smtp_server.messages]
    assert len(subjects) == LOAD_EMAIL
    assert len(set(subjects)) == LOAD_EMAIL
