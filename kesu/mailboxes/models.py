from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import models
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from kesu.complaints.models import Complaint
from kesu.customers.models import Customer
from kesu.mailboxes.choices import (
    InboundStatus,
    MessageChannel,
    MessageKind,
    MessageLanguage,
    MessageStatus,
    Security,
)
from kesu.organisation.models import Branch, Organisation


class Mailbox(models.Model):
    """A branch's customer mailbox: the worker reads its unseen mail over IMAP and replies
    from its address. The password is kept as given (the worker must log in with it): whoever
    may open this admin page or read the database can read it."""

    organisation = models.ForeignKey(
        Organisation, on_delete=models.CASCADE, related_name="mailboxes"
    )
    branch = models.ForeignKey(
        Branch, on_delete=models.CASCADE, related_name="mailboxes", verbose_name=_("branch")
    )
    address = models.EmailField(
        _("address"), help_text=_("Customers write to it; replies go out from it.")
    )
    host = models.CharField(_("IMAP server"), max_length=200)
    port = models.PositiveIntegerField(_("port"), default=993)
    security = models.CharField(
        _("security"), max_length=10, choices=Security.choices, default=Security.SSL
    )
    username = models.CharField(_("user name"), max_length=200)
    password = models.CharField(
        _("password"),
        max_length=200,
        help_text=_("Readable by whoever may change mailboxes here and by the database's admins."),
    )
    folder = models.CharField(_("folder"), max_length=200, default="INBOX")
    intake_user = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        related_name="+",
        verbose_name=_("registered by"),
        help_text=_(
            "The staff member of the branch in whose name mail is registered (first-contact "
            "owner unless the routing rules name another)."
        ),
    )
    is_active = models.BooleanField(_("active"), default=True)
    last_checked_at = models.DateTimeField(_("last checked"), null=True, blank=True)
    last_error = models.CharField(_("last error"), max_length=500, blank=True)

    class Meta:
        verbose_name = _("mailbox")
        verbose_name_plural = _("mailboxes")
        constraints = [
            models.UniqueConstraint(fields=["branch", "address"], name="mailbox_branch_address")
        ]

    def __str__(self) -> str:
        return self.address

    def clean(self):
        errors = {}
        if (
            self.branch_id
            and self.organisation_id
            and self.branch.organisation_id != self.organisation_id
        ):
            errors["branch"] = _("Choose a branch of the mailbox's organisation.")
        user = self.intake_user if self.intake_user_id else None
        if user is not None and self.branch_id:
            from kesu.complaints.services import may_register

            if user.organisation_id != self.branch.organisation_id or not may_register(user):
                errors["intake_user"] = _(
                    "Choose a staff member of this organisation who may register complaints."
                )
            elif not user.sees_whole_organisation and user.branch_id != self.branch_id:
                errors["intake_user"] = _("Choose a staff member of this branch.")
        if errors:
            raise ValidationError(errors)


class InboundMail(models.Model):
    """One fetched mail and what became of it; its Message-ID is taken once per mailbox, so a
    mail is processed once even when two workers fetch it or a worker dies halfway."""

    mailbox = models.ForeignKey(Mailbox, on_delete=models.CASCADE, related_name="mails")
    message_id = models.CharField(_("Message-ID"), max_length=300)
    sender = models.CharField(pgettext_lazy("e-mail", "from"), max_length=320, blank=True)
    subject = models.CharField(_("subject"), max_length=300, blank=True)
    status = models.CharField(
        _("status"), max_length=12, choices=InboundStatus.choices, default=InboundStatus.PROCESSING
    )
    reason = models.CharField(_("reason"), max_length=500, blank=True)
    complaint = models.ForeignKey(
        Complaint, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    received_at = models.DateTimeField(_("fetched at"), auto_now_add=True)

    class Meta:
        verbose_name = _("received e-mail")
        verbose_name_plural = _("received e-mails")
        constraints = [
            models.UniqueConstraint(fields=["mailbox", "message_id"], name="inbound_mail_once")
        ]
        indexes = [
            models.Index(fields=["mailbox", "sender", "received_at"], name="inbound_sender_idx")
        ]

    def __str__(self) -> str:
        return self.subject or self.message_id


class MessageTemplate(models.Model):
    """The text of one kind of message to customers, per organisation, channel and language.
    Placeholders are written {name}; messaging.PLACEHOLDERS lists those each kind offers."""

    organisation = models.ForeignKey(
        Organisation, on_delete=models.CASCADE, related_name="message_templates"
    )
    kind = models.CharField(
        pgettext_lazy("customer message", "message"), max_length=20, choices=MessageKind.choices
    )
    channel = models.CharField(_("channel"), max_length=10, choices=MessageChannel.choices)
    language = models.CharField(_("language"), max_length=10, choices=MessageLanguage.choices)
    subject = models.CharField(
        _("subject"), max_length=200, blank=True, help_text=_("E-mail only.")
    )
    body = models.TextField(_("text"), max_length=4000)

    class Meta:
        verbose_name = _("message template")
        verbose_name_plural = _("message templates")
        constraints = [
            models.UniqueConstraint(
                fields=["organisation", "kind", "channel", "language"],
                name="message_template_once",
            )
        ]

    def __str__(self) -> str:
        return f"{self.get_kind_display()} · {self.get_channel_display()} · {self.language}"

    def clean(self):
        from kesu.mailboxes.rendering import template_errors

        errors = template_errors(self.kind, {"subject": self.subject, "body": self.body})
        if errors:
            raise ValidationError(errors)


class CustomerMessage(models.Model):
    """Every message sent to a customer: who was told what, when, by which channel."""

    organisation = models.ForeignKey(Organisation, on_delete=models.CASCADE, related_name="+")
    complaint = models.ForeignKey(
        Complaint, on_delete=models.CASCADE, null=True, blank=True, related_name="+"
    )
    customer = models.ForeignKey(Customer, on_delete=models.PROTECT, related_name="+")
    kind = models.CharField(
        pgettext_lazy("customer message", "message"), max_length=20, choices=MessageKind.choices
    )
    channel = models.CharField(_("channel"), max_length=10, choices=MessageChannel.choices)
    to = models.CharField(_("to"), max_length=320, blank=True)
    subject = models.CharField(_("subject"), max_length=300, blank=True)
    body = models.TextField(_("text"))
    in_reply_to = models.CharField(_("in reply to"), max_length=300, blank=True)
    from_address = models.CharField(pgettext_lazy("e-mail", "from"), max_length=320, blank=True)
    status = models.CharField(
        _("status"), max_length=12, choices=MessageStatus.choices, default=MessageStatus.PENDING
    )
    attempts = models.PositiveSmallIntegerField(default=0)
    last_error = models.CharField(max_length=500, blank=True)
    created_at = models.DateTimeField(_("created at"), auto_now_add=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    sent_at = models.DateTimeField(_("sent at"), null=True, blank=True)

    class Meta:
        verbose_name = _("message to a customer")
        verbose_name_plural = _("messages to customers")
        indexes = [models.Index(fields=["status", "id"], name="customer_message_due_idx")]

    def __str__(self) -> str:
        return f"{self.get_kind_display()} → {self.to}"
