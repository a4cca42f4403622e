"""The notification outbox, its delivery log and the branches' group-robot webhooks.

Rows are written in the same transaction as the change that causes them (services.notify) and
sent later by a worker (services.deliver_due); they hold codes and values, and are rendered
into sentences in a language only when sent or shown.
"""

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from kesu.notifications.choices import Channel, EndpointKind, Status
from kesu.notifications.events import KIND_CHOICES
from kesu.organisation.models import Branch, Organisation


class WebhookEndpoint(models.Model):
    """A WeCom or DingTalk group robot that receives a branch's notifications."""

    branch = models.ForeignKey(
        Branch, on_delete=models.CASCADE, related_name="webhooks", verbose_name=_("branch")
    )
    name = models.CharField(_("name"), max_length=100)
    kind = models.CharField(_("kind"), max_length=10, choices=EndpointKind.choices)
    url = models.URLField(
        _("webhook address"),
        max_length=500,
        help_text=_("The robot's address, including its access token."),
    )
    secret = models.CharField(
        _("signing secret"),
        max_length=200,
        blank=True,
        help_text=_("DingTalk only: the secret of a robot that requires signed messages."),
    )
    is_active = models.BooleanField(_("active"), default=True)

    class Meta:
        verbose_name = _("webhook")
        verbose_name_plural = _("webhooks")

    def __str__(self) -> str:
        return f"{self.name} ({self.get_kind_display()})"


class Notification(models.Model):
    organisation = models.ForeignKey(
        Organisation,
        on_delete=models.CASCADE,
        related_name="notifications",
        verbose_name=_("organisation"),
    )
    branch = models.ForeignKey(
        Branch,
        on_delete=models.CASCADE,
        null=True,
        blank=True,
        related_name="notifications",
        verbose_name=_("branch"),
    )
    recipient = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.CASCADE,
        null=True,
        blank=True,
        related_name="notifications",
        verbose_name=_("recipient"),
    )
    endpoint = models.ForeignKey(
        WebhookEndpoint,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="notifications",
        verbose_name=_("webhook"),
    )
    channel = models.CharField(_("channel"), max_length=10, choices=Channel.choices)
    kind = models.CharField(_("kind"), max_length=40)
    payload = models.JSONField(_("content"), default=dict, blank=True)
    dedupe_key = models.CharField(_("event key"), max_length=200)
    status = models.CharField(
        _("status"), max_length=10, choices=Status.choices, default=Status.PENDING
    )
    attempts = models.PositiveSmallIntegerField(_("attempts"), default=0)
    next_attempt_at = models.DateTimeField(_("next attempt"), default=timezone.now)
    locked_until = models.DateTimeField(_("claimed until"), null=True, blank=True)
    locked_by = models.CharField(_("claimed by"), max_length=100, blank=True)
    last_error = models.TextField(_("last error"), blank=True)
    sent_at = models.DateTimeField(_("sent at"), null=True, blank=True)
    read_at = models.DateTimeField(_("read at"), null=True, blank=True)
    created_at = models.DateTimeField(_("created at"), default=timezone.now)

    class Meta:
        verbose_name = _("notification")
        verbose_name_plural = _("notifications")
        constraints = [
            # One row per event, channel and addressee: notifying twice creates nothing new.
            models.UniqueConstraint(
                fields=["dedupe_key", "channel", "recipient"],
                condition=Q(recipient__isnull=False),
                name="notification_once_per_recipient",
            ),
            models.UniqueConstraint(
                fields=["dedupe_key", "channel", "endpoint"],
                condition=Q(endpoint__isnull=False),
                name="notification_once_per_endpoint",
            ),
        ]
        indexes = [
            # The worker: what is due, and what a crashed worker left claimed.
            models.Index(
                fields=["next_attempt_at", "id"],
                condition=Q(status="pending"),
                name="notification_due_idx",
            ),
            models.Index(
                fields=["locked_until", "id"],
                condition=Q(status="sending"),
                name="notification_claimed_idx",
            ),
            # A user's inbox, newest first, and its unread count.
            models.Index(fields=["recipient", "channel", "id"], name="notification_inbox_idx"),
            models.Index(
                fields=["recipient", "id"],
                condition=Q(channel="inbox", read_at__isnull=True),
                name="notification_unread_idx",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.kind} → {self.recipient or self.endpoint} ({self.channel}, {self.status})"


class DeliveryAttempt(models.Model):
    """One try at sending a notification, kept whatever its outcome."""

    notification = models.ForeignKey(
        Notification,
        on_delete=models.CASCADE,
        related_name="delivery_attempts",
        verbose_name=_("notification"),
    )
    at = models.DateTimeField(_("at"), default=timezone.now)
    worker_id = models.CharField(_("worker"), max_length=100)
    ok = models.BooleanField(_("succeeded"))
    error = models.TextField(_("error"), blank=True)
    duration_ms = models.PositiveIntegerField(_("duration (ms)"), default=0)

    class Meta:
        verbose_name = _("delivery attempt")
        verbose_name_plural = _("delivery attempts")
        ordering = ["-id"]

    def __str__(self) -> str:
        return (
            f"{self.notification_id} @ {self.at:%Y-%m-%d %H:%M:%S} {'ok' if self.ok else 'error'}"
        )


class NotificationSetting(models.Model):
    """A kind of notification switched off (or back on) for an organisation or for one user.

    Without a row a kind is on. A row without a user is the organisation's choice, for
    everyone in it; a row with a user is that user's own. A notification goes to a user only if
    both leave it on.
    """

    organisation = models.ForeignKey(
        Organisation,
        on_delete=models.CASCADE,
        related_name="notification_settings",
        verbose_name=_("organisation"),
    )
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.CASCADE,
        null=True,
        blank=True,
        related_name="notification_settings",
        verbose_name=_("user"),
        help_text=_("Leave empty to decide for the whole organisation."),
    )
    kind = models.CharField(_("notification"), max_length=40, choices=KIND_CHOICES)
    enabled = models.BooleanField(_("on"), default=True)

    class Meta:
        verbose_name = _("notification setting")
        verbose_name_plural = _("notification settings")
        constraints = [
            models.UniqueConstraint(
                fields=["organisation", "kind"],
                condition=Q(user__isnull=True),
                name="notification_setting_once_per_organisation",
            ),
            models.UniqueConstraint(
                fields=["user", "kind"],
                condition=Q(user__isnull=False),
                name="notification_setting_once_per_user",
            ),
        ]

    def __str__(self) -> str:
        who = self.user or self.organisation
        return f"{self.get_kind_display()} · {who}: {'on' if self.enabled else 'off'}"
