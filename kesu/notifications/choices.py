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
    """The kinds of notification (events.py says who gets each, rendering.py its text)."""

    MILESTONE_REMINDER = DeadlineNotice.REMINDER
    MILESTONE_BREACHED = DeadlineNotice.BREACHED
    ESCALATION = "escalation"
    CRISIS = "crisis"
    NEW_COMPLAINT = "new_complaint"
    ROUTED = "routed"
    URGENT_DEMAND = "urgent_demand"
    FROM_CALLBACK = "from_callback"
    HANDED_OVER = "handed_over"
    APPROVAL_NEEDED = "approval_needed"
    COMPENSATION_APPROVED = "compensation_approved"
    COMPENSATION_REJECTED = "compensation_rejected"
    REOPENED = "reopened"
    TAKEN_OVER = "taken_over"
    SENT_BACK = "sent_back"
    TEAM_ADDED = "team_added"
    # The customer added information or photos on the customer portal (kesu/portal).
    CUSTOMER_ADDED = "customer_added"
    # The customer answered by e-mail on a complaint (kesu/mailboxes).
    CUSTOMER_REPLIED = "customer_replied"
    # A mail to a branch's mailbox could not be processed (kesu/mailboxes).
    MAIL_FAILED = "mail_failed"
    # Improvement actions and preventive actions (kesu/improvements/reminders.py).
    IMPROVEMENT_ASSIGNED = "improvement_assigned"
    IMPROVEMENT_DUE = "improvement_due"
    IMPROVEMENT_REVIEW = "improvement_review"
    PREVENTION_VERIFY = "prevention_verify"
    # Crisis handling (kesu/crises): the internal notice naming the spokesperson, and the steps
    # of its action plan.
    CRISIS_NOTICE = "crisis_notice"
    CRISIS_STEP_ASSIGNED = "crisis_step_assigned"
    CRISIS_STEP_DUE = "crisis_step_due"
    CRISIS_STEP_OVERDUE = "crisis_step_overdue"
    # Many similar complaints about one product model and defect (kesu/emerging).
    EMERGING_ISSUE = "emerging_issue"
    LESSONS_DIGEST = "lessons_digest"
    MONTHLY_REPORT = "monthly_report"
