"""A user's inbox: only their own inbox items, newest first, read or unread on request."""

from django.contrib.auth.models import AnonymousUser
from django.utils import timezone

from kesu.notifications.choices import Channel
from kesu.notifications.selectors import inbox_of, inbox_unread_count
from kesu.notifications.tests.factories import NotificationFactory
from kesu.organisation.choices import Role


def test_the_inbox_is_mine_newest_first_and_on_the_inbox_channel_only(world):
    me, other = world.user(Role.HANDLER), world.user(Role.DIRECTOR)
    first, second = NotificationFactory(recipient=me), NotificationFactory(recipient=me)
    NotificationFactory(recipient=me, channel=Channel.EMAIL)
    NotificationFactory(recipient=other)
    assert list(inbox_of(me)) == [second, first]


def test_read_and_unread_filters_and_the_unread_count(world):
    me = world.user(Role.HANDLER)
    read = NotificationFactory(recipient=me, read_at=timezone.now())
    unread = NotificationFactory(recipient=me)
    assert list(inbox_of(me, unread=True)) == [unread]
    assert list(inbox_of(me, unread=False)) == [read]
    assert inbox_unread_count(me) == 1
    assert inbox_unread_count(world.user(Role.DIRECTOR)) == 0


def test_nobody_signed_in_has_no_inbox(world):
    NotificationFactory(recipient=world.user(Role.HANDLER))
    assert list(inbox_of(AnonymousUser())) == []
    assert inbox_unread_count(AnonymousUser()) == 0
