import base64
import hashlib
import hmac
import time
from datetime import timedelta

from django.utils import timezone

from kesu.notifications.choices import Channel, EndpointKind, Status
from kesu.notifications.models import DeliveryAttempt, Notification
from kesu.notifications.services import backoff, deliver_due, notify
from kesu.notifications.tests.conftest import free_port
from kesu.notifications.tests.factories import (
    REMINDER_PAYLOAD,
    NotificationFactory,
    WebhookEndpointFactory,
)
from kesu.organisation.choices import Role

T0 = timezone.now().replace(microsecond=0)


def _reload(n: Notification) -> Notification:
    return Notification.objects.get(pk=n.pk)


def _webhook_row(world, endpoint):
    return NotificationFactory(
        organisation=world.org,
        branch=world.branch,
        endpoint=endpoint,
        channel=endpoint.kind,
        next_attempt_at=T0,
    )


def test_backoff_doubles_from_one_minute_up_to_an_hour():
    assert [backoff(n) for n in range(1, 9)] == [
        timedelta(minutes=m) for m in (1, 2, 4, 8, 16, 32, 60, 60)
    ]


def test_inbox_rows_are_marked_sent_and_logged(world):
    n = NotificationFactory(recipient=world.user(Role.HANDLER), next_attempt_at=T0)
    later = NotificationFactory(
        recipient=world.user(Role.HANDLER), next_attempt_at=T0 + timedelta(minutes=5)
    )

    assert deliver_due(worker_id="w1", now=T0) == 1

    n = _reload(n)
    assert (n.status, n.attempts, n.sent_at, n.locked_by, n.locked_until) == (
        Status.SENT,
        1,
        T0,
        "",
        None,
    )
    attempt = DeliveryAttempt.objects.get(notification=n)
    assert (attempt.ok, attempt.worker_id, attempt.at) == (True, "w1", T0)
    assert _reload(later).status == Status.PENDING
    # Sent rows are not sent again.
    assert deliver_due(worker_id="w1", now=T0 + timedelta(minutes=1)) == 0
    assert DeliveryAttempt.objects.count() == 1


def test_a_failing_row_backs_off_then_fails_after_the_last_attempt(world, settings):
    settings.KESU_NOTIFICATION_MAX_ATTEMPTS = 8
    endpoint = WebhookEndpointFactory(
        branch=world.branch, url=f"http://127.0.0.1:{free_port()}/robot/send?key=k"
    )
    n = _webhook_row(world, endpoint)

    now = T0
    waits = []
    for attempt in range(1, 9):
        # Not due a moment before its time.
        if attempt > 1:
            assert deliver_due(worker_id="w1", now=now - timedelta(seconds=1)) == 0
        assert deliver_due(worker_id="w1", now=now) == 1
        n = _reload(n)
        assert n.attempts == attempt
        assert "ConnectionError" in n.last_error
        if attempt < 8:
            assert n.status == Status.PENDING
            waits.append(n.next_attempt_at - now)
            now = n.next_attempt_at
    assert waits == [timedelta(minutes=m) for m in (1, 2, 4, 8, 16, 32, 60)]
    assert n.status == Status.FAILED
    assert deliver_due(worker_id="w1", now=now + timedelta(days=1)) == 0
    attempts = DeliveryAttempt.objects.filter(notification=n)
    assert attempts.count() == 8
    assert not attempts.filter(ok=True).exists()


def test_rows_left_claimed_by_a_dead_worker_are_taken_over(world):
    user = world.user(Role.HANDLER)
    stuck = NotificationFactory(
        recipient=user,
        status=Status.SENDING,
        attempts=1,
        locked_by="dead",
        locked_until=T0 - timedelta(seconds=1),
    )
    busy = NotificationFactory(
        recipient=user,
        status=Status.SENDING,
        attempts=1,
        locked_by="alive",
        locked_until=T0 + timedelta(minutes=4),
    )

    assert deliver_due(worker_id="w2", now=T0) == 1

    stuck = _reload(stuck)
    assert (stuck.status, stuck.attempts) == (Status.SENT, 2)
    log = list(
        DeliveryAttempt.objects.filter(notification=stuck)
        .order_by("id")
        .values_list("worker_id", "ok")
    )
    assert log == [("dead", False), ("w2", True)]
    # A claim that has not run out is left alone.
    busy = _reload(busy)
    assert (busy.status, busy.locked_by) == (Status.SENDING, "alive")


def test_a_taken_over_row_that_used_its_last_attempt_fails_unsent(world, settings, webhook_server):
    settings.KESU_NOTIFICATION_MAX_ATTEMPTS = 3
    endpoint = WebhookEndpointFactory(branch=world.branch, url=f"{webhook_server.url}/send")
    n = _webhook_row(world, endpoint)
    Notification.objects.filter(pk=n.pk).update(
        status=Status.SENDING, attempts=3, locked_by="dead", locked_until=T0 - timedelta(hours=1)
    )
    assert deliver_due(worker_id="w1", now=T0) == 1
    n = _reload(n)
    assert n.status == Status.FAILED
    assert "too many attempts" in n.last_error
    assert webhook_server.requests == []


def test_a_claimed_row_goes_to_one_worker_only(world):
    user = world.user(Role.HANDLER)
    rows = [NotificationFactory(recipient=user, next_attempt_at=T0) for _ in range(5)]
    Notification.objects.filter(pk__in=[r.pk for r in rows[:3]]).update(
        status=Status.SENDING, locked_by="w1", locked_until=T0 + timedelta(minutes=5)
    )
    assert deliver_due(worker_id="w2", batch_size=10, now=T0) == 2
    assert set(DeliveryAttempt.objects.values_list("notification_id", flat=True)) == {
        rows[3].pk,
        rows[4].pk,
    }


def test_email_arrives_at_a_real_smtp_server(world, smtp_server):
    owner = world.user(Role.HANDLER)
    owner.email = "owner@example.test"
    owner.save()
    notify(
        organisation_id=world.org.pk,
        branch_id=world.branch.pk,
        recipients=[owner],
        kind="milestone_reminder",
        payload=REMINDER_PAYLOAD,
        dedupe_key="milestone:1:reminder",
    )

    assert deliver_due(worker_id="w1") == 2

    [mail] = smtp_server.messages
    assert mail.rcpt_tos == ["owner@example.test"]
    assert mail.mail_from == "kesu@example.test"
    assert mail.subject == "Deadline reminder: KS-2026-000123"
    assert "“保养后异响”: First contact is due by March 10 12:00." in mail.body
    email_row = Notification.objects.get(channel=Channel.EMAIL)
    assert email_row.status == Status.SENT
    attempt = DeliveryAttempt.objects.get(notification=email_row)
    assert attempt.ok and attempt.error == ""


def test_email_is_retried_when_the_smtp_server_is_down(world, settings):
    settings.EMAIL_BACKEND = "django.core.mail.backends.smtp.EmailBackend"
    settings.EMAIL_HOST = "127.0.0.1"
    settings.EMAIL_PORT = free_port()
    owner = world.user(Role.HANDLER)
    owner.email = "owner@example.test"
    owner.save()
    n = NotificationFactory(recipient=owner, channel=Channel.EMAIL, next_attempt_at=T0)

    assert deliver_due(worker_id="w1", now=T0) == 1

    n = _reload(n)
    assert (n.status, n.next_attempt_at) == (Status.PENDING, T0 + timedelta(minutes=1))
    assert "ConnectionRefusedError" in n.last_error
    assert DeliveryAttempt.objects.get(notification=n).ok is False


def test_a_recipient_without_an_address_fails_without_retrying(world):
    n = NotificationFactory(
        recipient=world.user(Role.HANDLER), channel=Channel.EMAIL, next_attempt_at=T0
    )
    deliver_due(worker_id="w1", now=T0)
    n = _reload(n)
    assert (n.status, n.attempts) == (Status.FAILED, 1)
    assert "no e-mail address" in n.last_error


def test_wecom_and_dingtalk_robots_receive_their_json(world, webhook_server):
    secret = "SECabcdef0123456789"
    WebhookEndpointFactory(
        branch=world.branch,
        kind=EndpointKind.WECOM,
        url=f"{webhook_server.url}/cgi-bin/webhook/send?key=wecom-key",
    )
    WebhookEndpointFactory(
        branch=world.branch,
        kind=EndpointKind.DINGTALK,
        url=f"{webhook_server.url}/robot/send?access_token=ding-token",
        secret=secret,
    )
    notify(
        organisation_id=world.org.pk,
        branch_id=world.branch.pk,
        recipients=[],
        kind="crisis",
        payload=REMINDER_PAYLOAD,
        dedupe_key="complaint:123:crisis",
    )
    before_ms = int(time.time() * 1000)

    assert deliver_due(worker_id="w1") == 2

    after_ms = int(time.time() * 1000)
    by_path = {r.path: r for r in webhook_server.requests}
    assert set(by_path) == {"/cgi-bin/webhook/send", "/robot/send"}
    content = "Crisis: KS-2026-000123\nComplaint KS-2026-000123 “保养后异响” is a crisis"
    for request in by_path.values():
        assert request.headers["Content-Type"].startswith("application/json")
        assert request.json["msgtype"] == "text"
        assert request.json["text"]["content"].startswith(content)

    wecom = by_path["/cgi-bin/webhook/send"]
    assert wecom.query == {"key": ["wecom-key"]}

    ding = by_path["/robot/send"]
    assert ding.query["access_token"] == ["ding-token"]
    timestamp = ding.query["timestamp"][0]
    assert before_ms <= int(timestamp) <= after_ms
    expected = base64.b64encode(
        hmac.new(secret.encode(), f"{timestamp}\n{secret}".encode(), hashlib.sha256).digest()
    ).decode()
    assert ding.query["sign"] == [expected]
    assert set(Notification.objects.values_list("status", flat=True)) == {Status.SENT}


def test_a_webhook_answering_500_is_retried_later_and_logged(world, webhook_server):
    endpoint = WebhookEndpointFactory(branch=world.branch, url=f"{webhook_server.url}/send")
    n = _webhook_row(world, endpoint)
    webhook_server.statuses = [500]

    assert deliver_due(worker_id="w1", now=T0) == 1
    n = _reload(n)
    assert (n.status, n.next_attempt_at) == (Status.PENDING, T0 + timedelta(minutes=1))
    assert n.last_error.startswith("HTTP 500")
    assert deliver_due(worker_id="w1", now=T0 + timedelta(seconds=59)) == 0

    assert deliver_due(worker_id="w2", now=T0 + timedelta(minutes=1)) == 1
    n = _reload(n)
    assert (n.status, n.attempts, n.last_error) == (Status.SENT, 2, "")
    log = list(
        DeliveryAttempt.objects.filter(notification=n)
        .order_by("id")
        .values_list("worker_id", "ok", "error")
    )
    assert [(w, ok) for w, ok, _ in log] == [("w1", False), ("w2", True)]
    assert log[0][2].startswith("HTTP 500")
    assert len(webhook_server.requests) == 2


def test_a_switched_off_webhook_fails_without_sending(world, webhook_server):
    endpoint = WebhookEndpointFactory(branch=world.branch, url=f"{webhook_server.url}/send")
    n = _webhook_row(world, endpoint)
    endpoint.is_active = False
    endpoint.save()
    deliver_due(worker_id="w1", now=T0)
    assert _reload(n).status == Status.FAILED
    assert webhook_server.requests == []


def test_rows_are_given_back_untried_when_the_claim_runs_short(world, settings, webhook_server):
    settings.KESU_NOTIFICATION_LEASE_SECONDS = 0
    endpoint = WebhookEndpointFactory(branch=world.branch, url=f"{webhook_server.url}/send")
    n = _webhook_row(world, endpoint)
    deliver_due(worker_id="w1", now=T0)
    n = _reload(n)
    assert (n.status, n.attempts, n.locked_by) == (Status.PENDING, 0, "")
    assert webhook_server.requests == []
    assert not DeliveryAttempt.objects.exists()
