import pytest
from django.db import transaction

from kesu.notifications.choices import Channel, EndpointKind, Status
from kesu.notifications.models import Notification
from kesu.notifications.services import notify
from kesu.notifications.tests.factories import REMINDER_PAYLOAD, WebhookEndpointFactory
from kesu.organisation.choices import Role


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
