from django.db import models
from django.utils.translation import gettext_lazy as _

from kesu.sla.choices import DeadlineNotice


class Channel(models.TextChoices):
    INBOX = "inbox", _("In-app inbox")
    EMAIL = "email", _("E-mail")
    WECOM = "wecom", _("WeCom group robot")
    DINGTALK = "dingtalk", _("DingTalk group robot")


# Channels a notification is addressed to a person on; the others go to a branch's webhooks.
PERSONAL_CHANNELS = frozenset({Channel.INBOX, Channel.EMAIL})
WEBHOOK_CHANNELS = frozenset({Channel.WECOM, Channel.DINGTALK})


class Status(models.TextChoices):
    PENDING = "pending", _("Waiting to be sent")
    SENDING = "sending", _("Being sent")
    SENT = "sent", _("Sent")
    FAILED = "failed", _("Failed")


class EndpointKind(models.TextChoices):
    WECOM = Channel.WECOM.value, Channel.WECOM.label
    DINGTALK = Channel.DINGTALK.value, Channel.DINGTALK.label


class Kind:
    """The kinds of notification that have a text of their own (rendering.py); others are generic."""

    MILESTONE_REMINDER = DeadlineNotice.REMINDER
    MILESTONE_BREACHED = DeadlineNotice.BREACHED
    ESCALATION = "escalation"
    CRISIS = "crisis"
