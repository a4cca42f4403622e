"""Reads of notifications: a user's inbox, and nothing of anyone else's."""

from dataclasses import dataclass

from django.db.models import Q, QuerySet

from kesu.notifications.choices import Channel
from kesu.notifications.events import EVENTS
from kesu.notifications.models import Notification, NotificationSetting


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


@dataclass(frozen=True)
class KindSetting:
    kind: str
    label: str
    when: str
    on: bool  # the user's own choice
    off_for_organisation: bool


def settings_of(user) -> list[KindSetting]:
    """Every kind of notification with the user's choice and the organisation's (one query)."""
    off = set(
        NotificationSetting.objects.filter(
            Q(user=user) | Q(user__isnull=True, organisation_id=user.organisation_id),
            enabled=False,
        ).values_list("user_id", "kind")
    )
    return [
        KindSetting(
            kind=e.kind,
            label=str(e.label),
            when=str(e.user_when),
            on=(user.pk, e.kind) not in off,
            off_for_organisation=(None, e.kind) in off,
        )
        for e in EVENTS
    ]


def inbox_mentions(user, complaint_id: int) -> bool:
    """Whether the user's inbox has an item about the complaint (their own items only)."""
    return inbox_of(user).filter(payload__complaint_id=complaint_id).exists()
