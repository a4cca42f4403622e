"""The webhooks' code lists: the events an endpoint may subscribe to, a delivery's status, the
audit actions. Codes are stored; labels are translated on display."""

from datetime import timedelta

from django.db import models
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy


class Event(models.TextChoices):
    COMPLAINT_CREATED = "complaint.created", _("A complaint is registered")
    COMPLAINT_STATE_CHANGED = "complaint.state_changed", _("A complaint changes state")
    COMPLAINT_ESCALATED = "complaint.escalated", _("A complaint is escalated")
    COMPLAINT_CRISIS = "complaint.crisis", _("A complaint becomes a crisis")
    COMPLAINT_OVERDUE = "complaint.overdue", _("A deadline of a complaint passes")
    CALLBACK_OUTCOME = "callback.outcome", _("A callback's result is recorded")


class Status(models.TextChoices):
    PENDING = "pending", _("Waiting to be sent")
    SENDING = "sending", _("Being sent")
    DELIVERED = "delivered", pgettext_lazy("webhook delivery", "Delivered")
    FAILED = "failed", _("Failed")


class WebhookAction(models.TextChoices):
    """Audit actions of the webhooks (kesu/audit/actions.py)."""

    ENDPOINT_CREATED = "webhook_endpoint_created", _("Webhook endpoint created")
    ENDPOINT_CHANGED = "webhook_endpoint_changed", _("Webhook endpoint changed")
    SECRET_ROTATED = "webhook_secret_rotated", _("Webhook signing secret replaced")
    DELIVERY_REPLAYED = "webhook_delivery_replayed", _("Webhook delivery sent again")


# After the n-th failed try the next waits RETRY_DELAYS[n - 1]; after the last, the delivery fails.
RETRY_DELAYS = (
    timedelta(minutes=1),
    timedelta(minutes=5),
    timedelta(minutes=30),
    timedelta(hours=2),
    timedelta(hours=12),
)
MAX_ATTEMPTS = len(RETRY_DELAYS) + 1
EXCERPT_LENGTH = 300  # characters of the receiver's answer (or the error) kept per attempt
