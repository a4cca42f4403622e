"""The outbox rows: one per event, channel and addressee (the database says so), and their names."""

import pytest
from django.db import IntegrityError, transaction

from kesu.notifications.choices import Channel, EndpointKind
from kesu.notifications.models import DeliveryAttempt, Notification
from kesu.notifications.tests.factories import NotificationFactory, WebhookEndpointFactory
from kesu.organisation.choices import Role


def test_an_event_reaches_a_recipient_once_per_channel(world):
    user = world.user(Role.HANDLER)
    NotificationFactory(recipient=user, dedupe_key="e1")
    NotificationFactory(recipient=user, dedupe_key="e1", channel=Channel.EMAIL)
    NotificationFactory(recipient=world.user(Role.DIRECTOR), dedupe_key="e1")
    with pytest.raises(IntegrityError), transaction.atomic():
        NotificationFactory(recipient=user, dedupe_key="e1")
    assert Notification.objects.filter(dedupe_key="e1").count() == 3


def test_an_event_reaches_a_robot_once(world):
    robot = WebhookEndpointFactory(branch=world.branch)
    fields = {
        "organisation": world.org,
        "branch": world.branch,
        "endpoint": robot,
        "channel": robot.kind,
        "dedupe_key": "e2",
    }
    NotificationFactory(**fields)
    with pytest.raises(IntegrityError), transaction.atomic():
        NotificationFactory(**fields)
    assert Notification.objects.filter(endpoint=robot).count() == 1


def test_the_names_shown_in_the_admin(world):
    robot = WebhookEndpointFactory(branch=world.branch, name="售后群", kind=EndpointKind.DINGTALK)
    assert str(robot) == f"售后群 ({EndpointKind.DINGTALK.label})"
    user = world.user(Role.HANDLER)
    n = NotificationFactory(recipient=user, kind="crisis")
    assert str(n) == f"crisis → {user} (inbox, pending)"
    to_robot = NotificationFactory(
        organisation=world.org, branch=world.branch, endpoint=robot, channel=robot.kind
    )
    assert str(to_robot).startswith(f"milestone_reminder → {robot} ")
    attempt = DeliveryAttempt.objects.create(notification=n, worker_id="w1", ok=False)
    assert str(attempt).startswith(f"{n.pk} @ ") and str(attempt).endswith(" error")


def test_a_notifications_attempts_go_with_it(world):
    n = NotificationFactory(recipient=world.user(Role.HANDLER))
    DeliveryAttempt.objects.create(notification=n, worker_id="w1", ok=True)
    n.delete()
    assert not DeliveryAttempt.objects.exists()
