"""Reads of notifications: a user's inbox, and nothing of anyone else's."""

from django.db.models import QuerySet

from kesu.notifications.choices import Channel
from kesu.notifications.models import Notification


def inbox_of(user, *, unread: bool | None = None) -> QuerySet[Notification]:
    """The user's inbox, newest first; `unread` True or False keeps only unread or read items.

    Inbox items are shown as soon as the change that caused them is committed, whether or not
    a worker has marked them sent yet.
    """
    if not user.is_authenticated:
        return Notification.objects.none()
    qs = Notification.objects.filter(recipient_id=user.pk, channel=Channel.INBOX)
    if unread is not None:
        qs = qs.filter(read_at__isnull=unread)
    return qs.order_by("-id")


def inbox_unread_count(user) -> int:
    return inbox_of(user, unread=True).count()
