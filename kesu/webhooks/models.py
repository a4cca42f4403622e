"""Outgoing webhooks: an organisation's endpoints, the outbox of deliveries, the attempts log.

A delivery is written in the transaction of the change it reports (kesu/webhooks/events.py),
so a change that rolls back leaves none and one that commits is never lost; a worker sends it
later (services.deliver_due) and logs every attempt.
"""

import secrets
import uuid

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from kesu.organisation.models import Branch, Organisation
from kesu.webhooks.choices import Event, Status


def new_secret() -> str:
    """A signing secret: 32 random bytes, URL-safe, with a prefix that says what it is."""
    return "whsec_" + secrets.token_urlsafe(32)


def new_event_id() -> str:
    return "evt_" + uuid.uuid4().hex


class Endpoint(models.Model):
    """A system of the organisation's (CRM, DMS, the manufacturer's) that hears its events."""

    organisation = models.ForeignKey(
        Organisation,
        on_delete=models.CASCADE,
        related_name="webhook_endpoints",
        verbose_name=_("organisation"),
    )
    url = models.URLField(_("address"), max_length=500)
    description = models.CharField(_("description"), max_length=200)
    # Shown once, when it is made; needed in clear to sign, so it is stored as it is.
    secret = models.CharField(_("signing secret"), max_length=100, default=new_secret)
    events = models.JSONField(_("events"), default=list)
    branches = models.ManyToManyField(
        Branch,
        blank=True,
        related_name="webhook_endpoints",
        verbose_name=_("branches"),
        help_text=_("None: the events of every branch."),
    )
    is_active = models.BooleanField(_("active"), default=True)
    created_at = models.DateTimeField(_("created at"), default=timezone.now)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("created by"),
    )

    class Meta:
        verbose_name = _("webhook endpoint")
        verbose_name_plural = _("webhook endpoints")
        indexes = [models.Index(fields=["organisation", "is_active"], name="webhook_ep_org_idx")]

    def __str__(self) -> str:
        return self.description or self.url

    def event_labels(self) -> list[str]:
        labels = dict(Event.choices)
        return [str(labels.get(code, code)) for code in self.events]


class Delivery(models.Model):
    """One event for one endpoint: the body to send and where its sending stands."""

    organisation = models.ForeignKey(
        Organisation,
        on_delete=models.CASCADE,
        related_name="webhook_deliveries",
        verbose_name=_("organisation"),
    )
    endpoint = models.ForeignKey(
        Endpoint, on_delete=models.CASCADE, related_name="deliveries", verbose_name=_("endpoint")
    )
    branch = models.ForeignKey(
        Branch,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("branch"),
    )
    event_id = models.CharField(_("event id"), max_length=40)
    event = models.CharField(_("event"), max_length=40, choices=Event.choices)
    payload = models.JSONField(_("content"))
    # The exact text sent and signed (UTF-8), fixed when the delivery is made: the stored JSON
    # (jsonb) need not keep its keys' order or spacing, a receiver checking a signature needs
    # every byte. Empty on deliveries made before it was kept: body_of(payload) then.
    body = models.TextField(_("body as sent"), blank=True, default="")
    status = models.CharField(
        _("status"), max_length=10, choices=Status.choices, default=Status.PENDING
    )
    attempts = models.PositiveSmallIntegerField(_("attempts"), default=0)
    next_attempt_at = models.DateTimeField(_("next attempt"), null=True, blank=True)
    locked_until = models.DateTimeField(_("claimed until"), null=True, blank=True)
    locked_by = models.CharField(_("claimed by"), max_length=100, blank=True)
    delivered_at = models.DateTimeField(_("delivered at"), null=True, blank=True)
    created_at = models.DateTimeField(_("created at"), default=timezone.now)
    replay_of = models.ForeignKey(
        "self",
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="replays",
        verbose_name=_("sent again from"),
    )

    class Meta:
        verbose_name = _("webhook delivery")
        verbose_name_plural = _("webhook deliveries")
        indexes = [
            # The worker's two range scans (services._claim).
            models.Index(
                fields=["next_attempt_at", "id"],
                condition=Q(status=Status.PENDING),
                name="webhook_dl_due_idx",
            ),
            models.Index(
                fields=["locked_until", "id"],
                condition=Q(status=Status.SENDING),
                name="webhook_dl_claimed_idx",
            ),
            # The log: newest first, per organisation, and per endpoint / event / status.
            models.Index(fields=["organisation", "-id"], name="webhook_dl_org_idx"),
            models.Index(fields=["endpoint", "-id"], name="webhook_dl_endpoint_idx"),
            models.Index(fields=["organisation", "event", "-id"], name="webhook_dl_event_idx"),
            models.Index(fields=["organisation", "status", "-id"], name="webhook_dl_status_idx"),
        ]

    def __str__(self) -> str:
        return f"{self.event} → {self.endpoint_id} ({self.event_id})"


class Attempt(models.Model):
    """One try at sending a delivery: when, the answer's status code, how long, what came back."""

    delivery = models.ForeignKey(
        Delivery, on_delete=models.CASCADE, related_name="attempt_log", verbose_name=_("delivery")
    )
    at = models.DateTimeField(_("at"))
    worker_id = models.CharField(_("worker"), max_length=100, blank=True)
    status_code = models.PositiveSmallIntegerField(_("status code"), null=True, blank=True)
    duration_ms = models.PositiveIntegerField(_("duration (ms)"), default=0)
    ok = models.BooleanField(_("delivered"), default=False)
    excerpt = models.TextField(_("answer or error"), blank=True)

    class Meta:
        verbose_name = _("webhook attempt")
        verbose_name_plural = _("webhook attempts")
        ordering = ["id"]

    def __str__(self) -> str:
        return f"{self.delivery_id} @ {self.at:%Y-%m-%d %H:%M:%S} ({self.status_code or '-'})"
