"""Writing notifications (the outbox), delivering them, and marking inbox items read.

`notify` runs inside the caller's transaction, so a notification exists exactly when the change
that caused it was committed. `deliver_due` is what workers call: it claims due rows so that no
two workers send the same one, sends them outside the claiming transaction, and records every
attempt. Delivery is at least once: see docs/decisions.md.
"""

import logging
import time
from collections.abc import Callable, Iterable
from datetime import datetime, timedelta

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import connection, transaction
from django.db.models import F, Q
from django.utils import timezone
from django.utils.translation import gettext as _

from kesu.audit.services import to_jsonable
from kesu.core.errors import NotFound
from kesu.notifications.choices import PERSONAL_CHANNELS, WEBHOOK_CHANNELS, Channel, Status
from kesu.notifications.events import EVENT_OF
from kesu.notifications.models import (
    DeliveryAttempt,
    Notification,
    NotificationSetting,
    WebhookEndpoint,
)
from kesu.notifications.rendering import render
from kesu.notifications.transports import DeliveryError, Mailer, send_email, send_webhook

logger = logging.getLogger(__name__)

BACKOFF_FIRST = timedelta(minutes=1)
BACKOFF_CAP = timedelta(hours=1)


def notify(
    *,
    organisation_id: int,
    branch_id: int | None,
    recipients: Iterable,
    kind: str,
    payload: dict,
    dedupe_key: str,
    channels: Iterable[str] = (Channel.INBOX, Channel.EMAIL),
    webhooks: bool = True,
) -> int:
    """Queue one notification per recipient and channel, and one per active robot of the branch.

    An inbox row for every active recipient, an e-mail row for those with an address, a row
    for each active webhook of `branch_id`. Calling it again with the same `dedupe_key`
    creates nothing new. Returns how many rows were queued. Call it inside the transaction
    of the change it announces.
    """
    return notify_many(
        [
            {
                "organisation_id": organisation_id,
                "branch_id": branch_id,
                "recipients": recipients,
                "kind": kind,
                "payload": payload,
                "dedupe_key": dedupe_key,
                "channels": channels,
                "webhooks": webhooks,
            }
        ]
    )


def notify_many(items: list[dict], *, one_per_person: tuple[str, ...] = ()) -> int:
    """`notify` for several events at once (the deadline sweep): each item has notify's
    keyword arguments. The robots of each branch, the duplicate check and the insert are one
    query each for the whole batch.

    `one_per_person` (kinds, most specific first) says the items are one change's: a person
    several of them reach gets only the first of those kinds they have switched on, its
    payload naming the others (`also`)."""
    now = timezone.now()
    items = _switched_on(items)
    if one_per_person:
        items = _one_per_person(items, one_per_person)
    endpoints = _robots_by_branch(items)
    rows = [row for item in items for row in _rows_for(item, endpoints, now)]
    if not rows:
        return 0
    new = _not_yet_written(rows)
    # A concurrent notify of the same event may have inserted some meanwhile: the unique
    # constraints drop those quietly, without breaking the caller's transaction.
    Notification.objects.bulk_create(new, ignore_conflicts=True)
    return len(new)


def _switched_on(items: list[dict]) -> list[dict]:
    """The items without what their organisation or their recipients switched off (one query):
    a kind the organisation switched off goes to nobody, not even its robots; a kind a user
    switched off skips that user only."""
    if not items:
        return items
    off = NotificationSetting.objects.filter(
        organisation_id__in={i["organisation_id"] for i in items},
        kind__in={i["kind"] for i in items},
        enabled=False,
    ).values_list("organisation_id", "user_id", "kind")
    for_all: set[tuple[int, str]] = set()
    for_users: set[tuple[int, str]] = set()
    for organisation_id, user_id, kind in off:
        if user_id is None:
            for_all.add((organisation_id, kind))
        else:
            for_users.add((user_id, kind))
    if not for_all and not for_users:
        return items
    kept = []
    for item in items:
        if (item["organisation_id"], item["kind"]) in for_all:
            continue
        recipients = [
            u for u in item["recipients"] if u is None or (u.pk, item["kind"]) not in for_users
        ]
        kept.append({**item, "recipients": recipients})
    return kept


def _one_per_person(items: list[dict], precedence: tuple[str, ...]) -> list[dict]:
    """One change's items with each person in one item only: the one whose kind comes first
    in `precedence` (kinds not in it come after, in the items' order). Those reached by the
    same kinds share an item, its payload's `also` naming the kinds they are not sent; the
    robots stay with their kind's first item (or an item of their own when every person went
    elsewhere). Deterministic, so a re-run writes the same rows under the same keys."""

    def rank(index: int) -> tuple[int, int]:
        kind = items[index]["kind"]
        return (precedence.index(kind) if kind in precedence else len(precedence), index)

    reached: dict[int, list[int]] = {}  # person -> the items that reach them
    people: dict[int, object] = {}
    for index, item in enumerate(items):
        for user in item["recipients"]:
            if user is None or not user.is_active:
                continue
            people.setdefault(user.pk, user)
            if index not in reached.setdefault(user.pk, []):
                reached[user.pk].append(index)
    groups: dict[tuple[int, tuple[int, ...]], list] = {}
    for pk, indexes in reached.items():
        ordered = sorted(indexes, key=rank)
        groups.setdefault((ordered[0], tuple(ordered[1:])), []).append(people[pk])
    result = []
    for index, item in enumerate(items):
        mine = sorted(
            ((others, users) for (first, others), users in groups.items() if first == index),
            key=lambda pair: pair[0],
        )
        robots = _wants_robots(item)
        if not mine and robots:
            result.append({**item, "recipients": []})
        for position, (others, users) in enumerate(mine):
            payload = dict(item["payload"] or {})
            if others:
                payload["also"] = [items[i]["kind"] for i in others]
            result.append(
                {
                    **item,
                    "recipients": users,
                    "payload": payload,
                    "webhooks": robots and position == 0,
                }
            )
    return result


def _wants_robots(item: dict) -> bool:
    return item.get("webhooks", True) and item["branch_id"] is not None


def _robots_by_branch(items: list[dict]) -> dict[int, list[WebhookEndpoint]]:
    """The active group robots of every branch an item goes to, in one query."""
    endpoints: dict[int, list[WebhookEndpoint]] = {}
    wanted = {item["branch_id"] for item in items if _wants_robots(item)}
    if wanted:
        for endpoint in WebhookEndpoint.objects.filter(
            branch_id__in=wanted, is_active=True
        ).order_by("pk"):
            endpoints.setdefault(endpoint.branch_id, []).append(endpoint)
    return endpoints


def _rows_for(
    item: dict, endpoints: dict[int, list[WebhookEndpoint]], now: datetime
) -> list[Notification]:
    """One event's rows: each active recipient on each channel (email only with an address),
    then each robot of its branch."""
    channels = tuple(item.get("channels", (Channel.INBOX, Channel.EMAIL)))
    unknown = set(channels) - PERSONAL_CHANNELS
    if unknown:
        raise ValueError(f"not a personal channel: {sorted(unknown)}")
    data = to_jsonable(item["payload"] or {})

    def row(channel: str, *, recipient_id=None, endpoint_id=None) -> Notification:
        return Notification(
            organisation_id=item["organisation_id"],
            branch_id=item["branch_id"],
            recipient_id=recipient_id,
            endpoint_id=endpoint_id,
            channel=channel,
            kind=item["kind"],
            payload=data,
            dedupe_key=item["dedupe_key"],
            next_attempt_at=now,
            created_at=now,
        )

    rows = []
    seen = set()
    for user in item["recipients"]:
        if user is None or user.pk in seen or not user.is_active:
            continue
        seen.add(user.pk)
        rows += [
            row(channel, recipient_id=user.pk)
            for channel in channels
            if channel != Channel.EMAIL or user.email
        ]
    if _wants_robots(item):
        rows += [
            row(endpoint.kind, endpoint_id=endpoint.pk)
            for endpoint in endpoints.get(item["branch_id"], ())
        ]
    return rows


def _not_yet_written(rows: list[Notification]) -> list[Notification]:
    """The rows whose event, channel and addressee have no notification yet (one query)."""
    existing: set[tuple[str, str, int | None, int | None]] = set(
        Notification.objects.filter(dedupe_key__in={r.dedupe_key for r in rows}).values_list(
            "dedupe_key", "channel", "recipient_id", "endpoint_id"
        )
    )
    new = []
    for r in rows:
        identity = (r.dedupe_key, r.channel, r.recipient_id, r.endpoint_id)
        if identity not in existing:
            existing.add(identity)
            new.append(r)
    return new


# Delivery.


def backoff(attempts: int) -> timedelta:
    """Wait before the next try after `attempts` failed ones: 1 min, 2, 4, … at most 1 h."""
    return min(BACKOFF_FIRST * 2 ** max(attempts - 1, 0), BACKOFF_CAP)


def _due(now: datetime) -> Q:
    # Pending rows whose time has come, and rows a worker claimed but never finished.
    return Q(status=Status.PENDING, next_attempt_at__lte=now) | Q(
        status=Status.SENDING, locked_until__lt=now
    )


def _claim(worker_id: str, batch_size: int, now: datetime, lease: timedelta):
    """Take up to `batch_size` due rows for this worker; no other worker gets them meanwhile.

    PostgreSQL: the rows are locked with FOR UPDATE SKIP LOCKED, so concurrent workers take
    different rows without waiting for each other. SQLite has no row locks, but its writers
    are serialised (IMMEDIATE transactions), and the UPDATE re-checks that each row is still
    due, so a row goes to one claim only.
    """
    locked_until = now + lease

    def pick(condition: Q, order: tuple[str, ...], limit: int) -> list[tuple]:
        if limit <= 0:
            return []
        qs = Notification.objects.filter(condition).order_by(*order)
        if connection.features.has_select_for_update_skip_locked:
            qs = qs.select_for_update(skip_locked=True)
        return list(qs.values_list("id", "status", "locked_by")[:limit])

    with transaction.atomic():
        # Two index range scans (see the model's partial indexes), not one sort of the backlog.
        picked = pick(
            Q(status=Status.SENDING, locked_until__lt=now), ("locked_until", "id"), batch_size
        )
        picked += pick(
            Q(status=Status.PENDING, next_attempt_at__lte=now),
            ("next_attempt_at", "id"),
            batch_size - len(picked),
        )
        if not picked:
            return [], {}
        ids = [c[0] for c in picked]
        Notification.objects.filter(_due(now), id__in=ids).update(
            status=Status.SENDING,
            locked_by=worker_id,
            locked_until=locked_until,
            attempts=F("attempts") + 1,
        )
        claimed = list(
            Notification.objects.filter(
                id__in=ids, status=Status.SENDING, locked_by=worker_id, locked_until=locked_until
            )
            .select_related("recipient", "endpoint")
            .order_by("id")
        )
    # Rows taken over from a worker whose claim ran out: that try's outcome is unknown.
    abandoned = {c[0]: c[2] for c in picked if c[1] == Status.SENDING}
    return claimed, abandoned


def _finish(
    notification: Notification,
    *,
    worker_id: str,
    at: datetime,
    error: DeliveryError | None,
    duration_ms: int,
) -> None:
    """Record one try and move the row to sent, back to pending (later), or failed."""
    if error is None:
        changes = {"status": Status.SENT, "sent_at": at, "last_error": ""}
    elif error.permanent or notification.attempts >= settings.KESU_NOTIFICATION_MAX_ATTEMPTS:
        changes = {"status": Status.FAILED, "last_error": str(error)}
    else:
        changes = {
            "status": Status.PENDING,
            "next_attempt_at": at + backoff(notification.attempts),
            "last_error": str(error),
        }
    with transaction.atomic():
        DeliveryAttempt.objects.create(
            notification=notification,
            at=at,
            worker_id=worker_id,
            ok=error is None,
            error=str(error or ""),
            duration_ms=duration_ms,
        )
        # Only while the claim is still ours: a row another worker took over is left to it.
        Notification.objects.filter(
            pk=notification.pk, status=Status.SENDING, locked_by=worker_id
        ).update(locked_until=None, locked_by="", **changes)


def _finish_inbox(rows: list[Notification], *, worker_id: str, at: datetime) -> None:
    """Inbox rows are already where the user reads them: mark them sent, all at once."""
    if not rows:
        return
    with transaction.atomic():
        DeliveryAttempt.objects.bulk_create(
            [DeliveryAttempt(notification=n, at=at, worker_id=worker_id, ok=True) for n in rows]
        )
        Notification.objects.filter(
            id__in=[n.pk for n in rows], status=Status.SENDING, locked_by=worker_id
        ).update(status=Status.SENT, sent_at=at, locked_until=None, locked_by="", last_error="")


def _release(rows: list[Notification], worker_id: str) -> None:
    """Give rows back untried (their try is not counted), e.g. when the claim nears its end."""
    Notification.objects.filter(
        id__in=[n.pk for n in rows], status=Status.SENDING, locked_by=worker_id
    ).update(status=Status.PENDING, locked_until=None, locked_by="", attempts=F("attempts") - 1)


def _send(notification: Notification, mailer: Mailer) -> None:
    recipient = notification.recipient
    language = recipient.language if recipient is not None and recipient.language else None
    message = render(notification.kind, notification.payload, language)
    if notification.channel == Channel.EMAIL:
        send_email(notification, message, mailer, language)
    elif notification.channel in WEBHOOK_CHANNELS:
        send_webhook(notification, message)
    else:
        raise DeliveryError(f"unknown channel {notification.channel}", permanent=True)


def deliver_due(*, worker_id: str, batch_size: int = 100, now: datetime | None = None) -> int:
    """Claim up to `batch_size` due notifications, send them and record the outcome.

    Returns how many were claimed; fewer than `batch_size` means nothing else is due now.
    `now` fixes the clock (tests); by default each step uses the current time.
    """
    clock: Callable[[], datetime] = (lambda: now) if now is not None else timezone.now
    lease = timedelta(seconds=settings.KESU_NOTIFICATION_LEASE_SECONDS)
    claimed, abandoned = _claim(worker_id, batch_size, clock(), lease)
    if not claimed:
        return 0
    if abandoned:
        DeliveryAttempt.objects.bulk_create(
            [
                DeliveryAttempt(
                    notification_id=pk,
                    at=clock(),
                    worker_id=previous,
                    ok=False,
                    error="no outcome recorded: the worker's claim ran out",
                )
                for pk, previous in abandoned.items()
            ]
        )
    max_attempts = settings.KESU_NOTIFICATION_MAX_ATTEMPTS
    over = [n for n in claimed if n.attempts > max_attempts]
    for n in over:
        _finish(
            n,
            worker_id=worker_id,
            at=clock(),
            error=DeliveryError("gave up: too many attempts", permanent=True),
            duration_ms=0,
        )
    claimed = [n for n in claimed if n.attempts <= max_attempts]
    _finish_inbox(
        [n for n in claimed if n.channel == Channel.INBOX], worker_id=worker_id, at=clock()
    )

    started = time.monotonic()
    outgoing = [n for n in claimed if n.channel != Channel.INBOX]
    mailer = Mailer()
    try:
        for index, n in enumerate(outgoing):
            # Stop well before the claim runs out, so that no other worker takes these over
            # while this one is still sending them.
            if time.monotonic() - started >= lease.total_seconds() / 2:
                _release(outgoing[index:], worker_id)
                break
            t0 = time.monotonic()
            try:
                _send(n, mailer)
                error = None
            except DeliveryError as exc:
                error = exc
                logger.warning("notification %s (%s) not sent: %s", n.pk, n.channel, exc)
            duration_ms = int((time.monotonic() - t0) * 1000)
            _finish(n, worker_id=worker_id, at=clock(), error=error, duration_ms=duration_ms)
    finally:
        mailer.close()
    return len(claimed) + len(over)


def deliver_all_due(
    *,
    worker_id: str,
    batch_size: int = 100,
    now: datetime | None = None,
    should_stop: Callable[[], bool] = lambda: False,
) -> int:
    """Deliver batch after batch until nothing is due (or `should_stop` says so)."""
    total = 0
    while not should_stop():
        count = deliver_due(worker_id=worker_id, batch_size=batch_size, now=now)
        total += count
        if count < batch_size:
            break
    return total


# The inbox.


def inbox_mark_read(*, user, notification_id: int, now: datetime | None = None) -> Notification:
    """Mark one of the user's inbox items read (again is harmless); others' items are not found."""
    with transaction.atomic():
        try:
            notification = Notification.objects.select_for_update().get(
                pk=notification_id, recipient_id=user.pk, channel=Channel.INBOX
            )
        except Notification.DoesNotExist:
            raise NotFound() from None
        if notification.read_at is None:
            notification.read_at = now or timezone.now()
            notification.save(update_fields=["read_at"])
    return notification


def inbox_mark_all_read(*, user, now: datetime | None = None) -> int:
    return Notification.objects.filter(
        recipient_id=user.pk, channel=Channel.INBOX, read_at__isnull=True
    ).update(read_at=now or timezone.now())


# A user's own settings.


def settings_save(*, user, enabled_kinds: Iterable[str], language: str) -> None:
    """Keep the kinds in `enabled_kinds` on for the user and switch the other kinds off; set the
    language their e-mails are written in ("" for the site's)."""
    if language not in {"", *dict(settings.LANGUAGES)}:
        raise ValidationError({"language": _("Choose a language from the list.")})
    enabled = set(enabled_kinds)
    unknown = enabled - set(EVENT_OF)
    if unknown:
        raise ValidationError({"kinds": _("Unknown notification.")})
    with transaction.atomic():
        NotificationSetting.objects.filter(user=user).delete()
        NotificationSetting.objects.bulk_create(
            NotificationSetting(
                organisation_id=user.organisation_id, user=user, kind=kind, enabled=False
            )
            for kind in EVENT_OF
            if kind not in enabled
        )
        if user.language != language:
            user.language = language
            user.save(update_fields=["language"])
