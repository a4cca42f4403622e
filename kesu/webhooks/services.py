"""Writes of the webhooks: endpoints (made, changed, a new secret), the outbox (deliveries
written with the change they report, sent by a worker, retried, replayed).

Sending: each due delivery is claimed by one worker (FOR UPDATE SKIP LOCKED on PostgreSQL;
SQLite serialises its writers), POSTed with `requests` and a short timeout, signed with
HMAC-SHA256 over "{timestamp}.{body}", and every try is logged as an Attempt. A 2xx answer
delivers it; anything else waits RETRY_DELAYS and is tried again, until the last try fails it.
"""

import hashlib
import hmac
import json
import logging
import time
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from datetime import datetime, timedelta

import requests
from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.validators import URLValidator
from django.db import connection, transaction
from django.db.models import F, Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from kesu.audit.services import audit_record
from kesu.core.errors import NotAllowed, NotFound
from kesu.core.limits import check_lengths
from kesu.organisation.models import Branch, Organisation, User
from kesu.webhooks import destinations
from kesu.webhooks.choices import (
    EXCERPT_LENGTH,
    MAX_ATTEMPTS,
    RETRY_DELAYS,
    Event,
    Status,
    WebhookAction,
)
from kesu.webhooks.models import Attempt, Delivery, Endpoint, new_event_id, new_secret
from kesu.webhooks.selectors import may_manage

logger = logging.getLogger("kesu.webhooks")

LEASE = timedelta(minutes=5)  # how long a claim holds; a worker stops sending at half of it
SIGNATURE_HEADER = "X-Kesu-Signature"
USER_AGENT = "Kesu-Webhooks/1"


# ---- The outbox: written in the change's transaction ------------------------------------------


@dataclass
class EventItem:
    """One event to deliver to the endpoints of its organisation (and branch) that want it."""

    organisation_id: int
    branch_id: int | None
    type: str
    data: dict
    occurred_at: datetime = field(default_factory=timezone.now)


def _wants(endpoint: Endpoint, item: EventItem, branches: dict[int, set[int]]) -> bool:
    if item.type not in endpoint.events:
        return False
    only = branches.get(endpoint.pk)
    return not only or item.branch_id in only


def enqueue_events(items: list[EventItem]) -> list[Delivery]:
    """Write a delivery for every active endpoint that wants each event, in the caller's
    transaction: three queries whatever the number of events (endpoints, their branches, the
    insert), none when the organisations have no endpoint."""
    organisations = {item.organisation_id for item in items}
    endpoints = list(
        Endpoint.objects.filter(organisation_id__in=organisations, is_active=True).order_by("id")
    )
    if not endpoints:
        return []
    branches: dict[int, set[int]] = {}
    for endpoint_id, branch_id in Endpoint.branches.through.objects.filter(
        endpoint_id__in=[e.pk for e in endpoints]
    ).values_list("endpoint_id", "branch_id"):
        branches.setdefault(endpoint_id, set()).add(branch_id)
    codes = dict(Organisation.objects.filter(pk__in=organisations).values_list("id", "code"))
    now = timezone.now()
    rows = []
    for item in items:
        wanting = [
            e
            for e in endpoints
            if e.organisation_id == item.organisation_id and _wants(e, item, branches)
        ]
        if not wanting:
            continue
        event_id = new_event_id()
        payload = {
            "id": event_id,
            "type": item.type,
            "occurred_at": item.occurred_at.isoformat(),
            "organisation": {"id": item.organisation_id, "code": codes[item.organisation_id]},
            "data": item.data,
        }
        body = body_of(payload).decode("utf-8")
        rows += [
            Delivery(
                organisation_id=item.organisation_id,
                endpoint=e,
                branch_id=item.branch_id,
                event_id=event_id,
                event=item.type,
                payload=payload,
                body=body,
                next_attempt_at=now,
                created_at=now,
            )
            for e in wanting
        ]
    return Delivery.objects.bulk_create(rows)


# ---- Endpoints ---------------------------------------------------------------------------------


def _check_manager(actor: User) -> int:
    """The actor's organisation, if they may manage its webhooks."""
    if actor.organisation_id is None or not may_manage(actor):
        raise NotAllowed(_("Only an administrator manages webhooks."))
    return actor.organisation_id


def _clean(
    actor: User, url: str, description: str, events: Iterable[str], branch_ids: Iterable[int]
) -> tuple[str, str, list[str], list[Branch]]:
    org_id = _check_manager(actor)
    url, description = (url or "").strip(), (description or "").strip()
    errors: dict[str, list] = {}
    try:
        URLValidator(schemes=["http", "https"])(url)
    except ValidationError:
        errors["url"] = [_("Enter an http:// or https:// address.")]
    else:
        if destinations.url_is_refused(url):
            errors["url"] = [destinations.REFUSED_MESSAGE]
    if not description:
        errors["description"] = [_("Say what the endpoint is, e.g. the CRM.")]
    chosen = list(dict.fromkeys(events))
    if not chosen:
        errors["events"] = [_("Choose at least one event.")]
    elif set(chosen) - set(Event.values):
        errors["events"] = [_("Unknown event.")]
    ids = set(branch_ids)
    branches = list(Branch.objects.filter(organisation_id=org_id, pk__in=ids))
    if len(branches) != len(ids):
        errors["branches"] = [_("Choose branches of your organisation.")]
    if errors:
        raise ValidationError(errors)
    check_lengths(url=(url, 500), description=(description, 200))
    return url, description, [e for e in Event.values if e in chosen], branches


def _audit(actor: User, action: str, obj: Endpoint | Delivery, data: dict) -> None:
    audit_record(
        organisation_id=obj.organisation_id, actor=actor, action=action, obj=obj, data=data
    )


def _endpoint_data(endpoint: Endpoint, branches: list[Branch]) -> dict:
    return {
        "url": endpoint.url,
        "description": endpoint.description,
        "events": endpoint.events,
        "branches": sorted(b.pk for b in branches),
        "is_active": endpoint.is_active,
    }


def endpoint_create(
    *,
    actor: User,
    url: str,
    description: str,
    events: Iterable[str],
    branch_ids: Iterable[int] = (),
    is_active: bool = True,
) -> Endpoint:
    """A new endpoint of the actor's organisation, with a new secret (the caller shows it once)."""
    org_id = _check_manager(actor)
    url, description, events, branches = _clean(actor, url, description, events, branch_ids)
    with transaction.atomic():
        endpoint = Endpoint.objects.create(
            organisation_id=org_id,
            url=url,
            description=description,
            events=events,
            is_active=is_active,
            created_by=actor,
        )
        endpoint.branches.set(branches)
        # The secret is never written to the trail: the trail is read by more people.
        _audit(actor, WebhookAction.ENDPOINT_CREATED, endpoint, _endpoint_data(endpoint, branches))
    return endpoint


def _locked(actor: User, endpoint_id) -> Endpoint:
    org_id = _check_manager(actor)
    try:
        return Endpoint.objects.select_for_update().get(pk=endpoint_id, organisation_id=org_id)
    except (Endpoint.DoesNotExist, ValueError, TypeError):
        raise NotFound() from None


def endpoint_update(
    *,
    actor: User,
    endpoint_id: int,
    url: str,
    description: str,
    events: Iterable[str],
    branch_ids: Iterable[int] = (),
    is_active: bool = True,
) -> Endpoint:
    """Change what an endpoint hears and where; the trail keeps what changed."""
    url, description, events, branches = _clean(actor, url, description, events, branch_ids)
    with transaction.atomic():
        endpoint = _locked(actor, endpoint_id)
        before = _endpoint_data(endpoint, list(endpoint.branches.all()))
        endpoint.url, endpoint.description, endpoint.events = url, description, events
        endpoint.is_active = is_active
        after = _endpoint_data(endpoint, branches)
        changes = {k: [before[k], after[k]] for k in after if before[k] != after[k]}
        if not changes:
            return endpoint
        endpoint.save(update_fields=["url", "description", "events", "is_active"])
        endpoint.branches.set(branches)
        _audit(actor, WebhookAction.ENDPOINT_CHANGED, endpoint, {"changes": changes})
    return endpoint


def endpoint_rotate_secret(*, actor: User, endpoint_id: int) -> Endpoint:
    """A new secret for the endpoint (the old one stops signing at once); shown once."""
    with transaction.atomic():
        endpoint = _locked(actor, endpoint_id)
        endpoint.secret = new_secret()
        endpoint.save(update_fields=["secret"])
        _audit(actor, WebhookAction.SECRET_ROTATED, endpoint, {})
    return endpoint


def delivery_replay(*, actor: User, delivery_id: int) -> Delivery:
    """Send a delivery's payload again, as a new delivery to the same endpoint (same event id,
    so a receiver that keeps event ids sees it is the same event)."""
    org_id = _check_manager(actor)
    with transaction.atomic():
        try:
            original = Delivery.objects.select_related("endpoint").get(
                pk=delivery_id, organisation_id=org_id
            )
        except (Delivery.DoesNotExist, ValueError, TypeError):
            raise NotFound() from None
        now = timezone.now()
        replay = Delivery.objects.create(
            organisation_id=original.organisation_id,
            endpoint=original.endpoint,
            branch_id=original.branch_id,
            event_id=original.event_id,
            event=original.event,
            payload=original.payload,
            body=sent_body(original).decode("utf-8"),
            next_attempt_at=now,
            created_at=now,
            replay_of=original,
        )
        _audit(
            actor,
            WebhookAction.DELIVERY_REPLAYED,
            replay,
            {"replay_of": original.pk, "event": original.event, "event_id": original.event_id},
        )
    return replay


# ---- Sending -----------------------------------------------------------------------------------


def signature(secret: str, timestamp: int, body: bytes) -> str:
    """HMAC-SHA256 of "{timestamp}.{body}" with the endpoint's secret, in hex."""
    message = str(timestamp).encode("ascii") + b"." + body
    return hmac.new(secret.encode("utf-8"), message, hashlib.sha256).hexdigest()


def body_of(payload: dict) -> bytes:
    return json.dumps(payload, ensure_ascii=False, separators=(",", ":")).encode("utf-8")


def sent_body(delivery: Delivery) -> bytes:
    """The bytes a delivery sends and signs: its stored body (older deliveries: their payload
    written out as it was then)."""
    return delivery.body.encode("utf-8") if delivery.body else body_of(delivery.payload)


def retry_delay(attempts: int) -> timedelta | None:
    """The wait after the `attempts`-th failed try; None: that was the last."""
    return RETRY_DELAYS[attempts - 1] if attempts < MAX_ATTEMPTS else None


@dataclass
class Outcome:
    ok: bool
    status_code: int | None
    excerpt: str
    duration_ms: int


def _post(delivery: Delivery) -> Outcome:
    endpoint = delivery.endpoint
    if not endpoint.is_active:
        return Outcome(False, None, "not sent: the endpoint is switched off", 0)
    body = sent_body(delivery)
    timestamp = int(time.time())
    headers = {
        "Content-Type": "application/json; charset=utf-8",
        "User-Agent": USER_AGENT,
        "X-Kesu-Event": delivery.event,
        "X-Kesu-Event-Id": delivery.event_id,
        "X-Kesu-Delivery": str(delivery.pk),
        "X-Kesu-Timestamp": str(timestamp),
        SIGNATURE_HEADER: f"t={timestamp},v1={signature(endpoint.secret, timestamp, body)}",
    }
    started = time.monotonic()
    try:
        response = destinations.post(
            endpoint.url,
            data=body,
            headers=headers,
            timeout=settings.KESU_OUTGOING_WEBHOOK_TIMEOUT,
            allow_redirects=False,
        )
    except destinations.RefusedAddress as refused:
        duration = int((time.monotonic() - started) * 1000)
        return Outcome(False, None, refused.excerpt[:EXCERPT_LENGTH], duration)
    except requests.RequestException as exc:
        duration = int((time.monotonic() - started) * 1000)
        return Outcome(False, None, f"{type(exc).__name__}: {exc}"[:EXCERPT_LENGTH], duration)
    duration = int((time.monotonic() - started) * 1000)
    excerpt = response.text[:EXCERPT_LENGTH]
    return Outcome(200 <= response.status_code < 300, response.status_code, excerpt, duration)


def _claim(worker_id: str, batch_size: int, now: datetime) -> list[Delivery]:
    """Take up to `batch_size` due deliveries for this worker; no other worker gets them while
    the claim holds (a claim that ran out — a worker that died — is due again)."""
    due = Q(status=Status.PENDING, next_attempt_at__lte=now) | Q(
        status=Status.SENDING, locked_until__lt=now
    )
    with transaction.atomic():
        qs = Delivery.objects.filter(due).order_by("next_attempt_at", "id")
        if connection.features.has_select_for_update_skip_locked:
            qs = qs.select_for_update(skip_locked=True)
        ids = list(qs.values_list("id", flat=True)[:batch_size])
        if not ids:
            return []
        locked_until = now + LEASE
        # The UPDATE checks again that each row is due: on SQLite a row goes to one claim only.
        Delivery.objects.filter(due, id__in=ids).update(
            status=Status.SENDING,
            locked_by=worker_id,
            locked_until=locked_until,
            attempts=F("attempts") + 1,
        )
        return list(
            Delivery.objects.filter(
                id__in=ids, status=Status.SENDING, locked_by=worker_id, locked_until=locked_until
            )
            .select_related("endpoint")
            .order_by("id")
        )


def _finish(delivery: Delivery, outcome: Outcome, *, worker_id: str, at: datetime) -> None:
    """Log the try and move the delivery to delivered, back to pending (later), or failed."""
    if outcome.ok:
        changes = {"status": Status.DELIVERED, "delivered_at": at, "next_attempt_at": None}
    else:
        delay = retry_delay(delivery.attempts) if delivery.endpoint.is_active else None
        if delay is None:
            changes = {"status": Status.FAILED, "next_attempt_at": None}
        else:
            changes = {"status": Status.PENDING, "next_attempt_at": at + delay}
    with transaction.atomic():
        Attempt.objects.create(
            delivery=delivery,
            at=at,
            worker_id=worker_id,
            status_code=outcome.status_code,
            duration_ms=outcome.duration_ms,
            ok=outcome.ok,
            excerpt=outcome.excerpt,
        )
        # Only while the claim is still this worker's.
        Delivery.objects.filter(pk=delivery.pk, status=Status.SENDING, locked_by=worker_id).update(
            locked_until=None, locked_by="", **changes
        )


def _release(rows: list[Delivery], worker_id: str) -> None:
    """Give back claimed rows untried (their try is not counted)."""
    Delivery.objects.filter(
        id__in=[d.pk for d in rows], status=Status.SENDING, locked_by=worker_id
    ).update(status=Status.PENDING, locked_until=None, locked_by="", attempts=F("attempts") - 1)


def deliver_due(*, worker_id: str, batch_size: int = 20, now: datetime | None = None) -> int:
    """Claim up to `batch_size` due deliveries and send them; returns how many were claimed.

    `now` fixes the clock (tests); by default each step uses the current time.
    """
    clock: Callable[[], datetime] = (lambda: now) if now is not None else timezone.now
    claimed = _claim(worker_id, batch_size, clock())
    started = time.monotonic()
    for index, delivery in enumerate(claimed):
        # Stop well before the claim runs out, so no other worker takes these over meanwhile.
        if time.monotonic() - started >= LEASE.total_seconds() / 2:
            _release(claimed[index:], worker_id)
            break
        outcome = _post(delivery)
        if not outcome.ok:
            logger.warning(
                "webhook delivery %s (%s) not delivered: %s %s",
                delivery.pk,
                delivery.event,
                outcome.status_code,
                outcome.excerpt[:100],
            )
        _finish(delivery, outcome, worker_id=worker_id, at=clock())
    return len(claimed)


def deliver_all_due(
    worker_id: str,
    should_stop: Callable[[], bool] = lambda: False,
    *,
    batch_size: int = 20,
    now: datetime | None = None,
) -> int:
    """Batch after batch until nothing is due (or `should_stop` says so): run_worker's every
    pass (kesu/notifications/hooks.py every_pass) and the beat's task."""
    total = 0
    while not should_stop():
        count = deliver_due(worker_id=worker_id, batch_size=batch_size, now=now)
        total += count
        if count < batch_size:
            break
    return total
