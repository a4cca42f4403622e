"""Sending over real transports: e-mail to an SMTP server on loopback, JSON to WeCom and
DingTalk robots on a local HTTP server, and the refusals that are not retried."""

import base64
import hashlib
import hmac
import time
from datetime import timedelta

from django.utils import timezone

from kesu.notifications.choices import Channel, EndpointKind, Status
from kesu.notifications.models import DeliveryAttempt, Notification
from kesu.notifications.services import deliver_due, notify
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


def test_each_recipient_reads_the_email_in_their_own_language_with_the_link(
    world, smtp_server, settings
):
    settings.KESU_PUBLIC_URL = "https://kesu.example.cn"
    director, gm = world.user(Role.DIRECTOR), world.user(Role.GENERAL_MANAGER)
    director.email, director.language = "director@example.test", "en"
    gm.email, gm.language = "gm@example.test", "zh-hans"
    director.save()
    gm.save()
    complaint = world.complaint(actor=world.user(Role.FRONTLINE), demand="return")
    deliver_due(worker_id="w1")
    mails = {m.rcpt_tos[0]: m for m in smtp_server.messages}
    link = f"https://kesu.example.cn/complaints/{complaint.pk}/"
    english = mails["director@example.test"]
    assert english.subject == f"New complaint: {complaint.number}"
    assert link in english.body
    chinese = [m for m in smtp_server.messages if m.rcpt_tos == ["gm@example.test"]]
    assert {m.subject for m in chinese} >= {f"立即处理：{complaint.number}"}
    assert all(link in m.body for m in chinese)
    # One message per event and person, even after another worker's pass.
    sent = len(smtp_server.messages)
    deliver_due(worker_id="w2")
    assert len(smtp_server.messages) == sent


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
