"""The outbox services: notify writes one row per addressee once; deliver_due claims due rows
for one worker, backs off, takes over dead claims and records every attempt."""

from datetime import timedelta

import pytest
from django.db import transaction
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


def _notify(world, recipients, key="milestone:1:reminder", **kwargs):
    return notify(
        organisation_id=world.org.pk,
        branch_id=world.branch.pk,
        recipients=recipients,
        kind="milestone_reminder",
        payload=REMINDER_PAYLOAD,
        dedupe_key=key,
        **kwargs,
    )


def test_one_row_per_recipient_channel_and_active_webhook(world):
    owner = world.user(Role.HANDLER)
    owner.email = "owner@example.test"
    owner.save()
    director = world.user(Role.DIRECTOR)  # no e-mail address: inbox only
    wecom = WebhookEndpointFactory(branch=world.branch, kind=EndpointKind.WECOM)
    dingtalk = WebhookEndpointFactory(branch=world.branch, kind=EndpointKind.DINGTALK)
    WebhookEndpointFactory(branch=world.branch, is_active=False)
    WebhookEndpointFactory(branch=world.other_branch)

    created = _notify(world, [owner, director, owner])

    rows = Notification.objects.all()
    assert created == 5
    assert sorted((n.channel, n.recipient_id, n.endpoint_id) for n in rows) == sorted(
        [
            (Channel.INBOX, owner.pk, None),
            (Channel.EMAIL, owner.pk, None),
            (Channel.INBOX, director.pk, None),
            (Channel.WECOM, None, wecom.pk),
            (Channel.DINGTALK, None, dingtalk.pk),
        ]
    )
    assert {n.status for n in rows} == {Status.PENDING}
    assert all(n.organisation_id == world.org.pk and n.branch_id == world.branch.pk for n in rows)
    assert rows[0].payload == REMINDER_PAYLOAD


def test_notifying_the_same_event_twice_creates_nothing_new(world):
    owner = world.user(Role.HANDLER)
    owner.email = "owner@example.test"
    owner.save()
    WebhookEndpointFactory(branch=world.branch)
    assert _notify(world, [owner]) == 3

    assert _notify(world, [owner]) == 0
    assert Notification.objects.count() == 3

    # A new recipient of the same event gets theirs; the others are not duplicated.
    director = world.user(Role.DIRECTOR)
    assert _notify(world, [owner, director]) == 1
    assert Notification.objects.count() == 4
    # A different event is a different key.
    assert _notify(world, [owner], key="milestone:1:breached") == 3


def test_the_database_refuses_a_duplicate_even_without_the_precheck(world):
    """The unique constraints are what make notify idempotent under concurrent callers."""
    owner = world.user(Role.HANDLER)
    _notify(world, [owner], channels=[Channel.INBOX])
    duplicate = Notification(
        organisation=world.org,
        recipient=owner,
        channel=Channel.INBOX,
        kind="milestone_reminder",
        dedupe_key="milestone:1:reminder",
    )
    Notification.objects.bulk_create([duplicate], ignore_conflicts=True)
    assert Notification.objects.count() == 1


def test_inactive_users_get_nothing_and_webhooks_can_be_left_out(world):
    gone = world.user(Role.CALLBACK)
    gone.is_active = False
    gone.save()
    WebhookEndpointFactory(branch=world.branch)
    assert _notify(world, [gone], webhooks=False) == 0
    assert not Notification.objects.exists()


def test_only_personal_channels_are_accepted(world):
    with pytest.raises(ValueError):
        _notify(world, [world.user(Role.HANDLER)], channels=[Channel.WECOM])


def test_written_in_the_callers_transaction(world):
    owner = world.user(Role.HANDLER)
    with pytest.raises(RuntimeError), transaction.atomic():
        assert _notify(world, [owner]) == 1
        assert Notification.objects.count() == 1
        raise RuntimeError("the change that caused it failed")
    assert not Notification.objects.exists()


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


def test_rows_are_given_back_untried_when_the_claim_runs_short(world, settings, webhook_server):
    settings.KESU_NOTIFICATION_LEASE_SECONDS = 0
    endpoint = WebhookEndpointFactory(branch=world.branch, url=f"{webhook_server.url}/send")
    n = _webhook_row(world, endpoint)
    deliver_due(worker_id="w1", now=T0)
    n = _reload(n)
    assert (n.status, n.attempts, n.locked_by) == (Status.PENDING, 0, "")
    assert webhook_server.requests == []
    assert not DeliveryAttempt.objects.exists()
