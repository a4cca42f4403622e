from django.db import models
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy


class Security(models.TextChoices):
    """How the worker talks to the IMAP server."""

    SSL = "ssl", _("SSL/TLS (port 993)")
    STARTTLS = "starttls", _("STARTTLS (port 143)")
    NONE = "none", _("None (only for a server on this machine)")


class InboundStatus(models.TextChoices):
    """What became of a fetched mail."""

    PROCESSING = "processing", _("Being processed")
    COMPLAINT = "complaint", _("New complaint")
    NOTE = "note", _("Note on a complaint")
    IGNORED = "ignored", _("Ignored")
    FAILED = "failed", pgettext_lazy("received e-mail", "Failed")


class IgnoreReason(models.TextChoices):
    """Why a mail was not turned into anything (recorded with it)."""

    AUTO_SUBMITTED = "auto_submitted", _("Auto-Submitted header (an automatic reply)")
    PRECEDENCE = "precedence", _("Precedence bulk, junk or list")
    AUTOREPLY_HEADER = (
        "autoreply_header",
        _("X-Autoreply, X-Autorespond or X-Auto-Response-Suppress"),
    )
    MAILING_LIST = "mailing_list", _("Sent to a mailing list (List-Id)")
    MAILER_DAEMON = "mailer_daemon", _("Sent by a mail server (mailer-daemon, postmaster)")
    OUR_OWN = "our_own", _("Kesu's own outgoing mail")
    NO_SENDER = "no_sender", _("No sender address")
    BURST = "burst", _("Too many mails from this sender in a short time")


class NotANoteReason(models.TextChoices):
    """Why a mail quoting a complaint's number did not go on that complaint as the customer's
    word (it became a new complaint of its sender instead)."""

    SENDER_MISMATCH = "sender_mismatch", _("The sender does not match the complaint's customer")
    OTHER_BRANCH = "other_branch", _("The complaint is another branch's")


def reason_label(code: str) -> str:
    """The words for a recorded reason code; a failure's own text as it is."""
    for choices in (IgnoreReason, NotANoteReason):
        if code in choices.values:
            return str(choices(code).label)
    return code


class MessageKind(models.TextChoices):
    """The messages Kesu sends to customers (each has an editable template)."""

    ACKNOWLEDGEMENT = "acknowledgement", _("Acknowledgement with the complaint number")
    PROGRESS = "progress", _("Progress shared with the customer")
    CLOSURE = "closure", _("Closure, with where else to turn")
    SURVEY = "survey", _("Satisfaction survey link")


class MessageChannel(models.TextChoices):
    EMAIL = "email", _("E-mail")
    SMS = "sms", _("Text message")


class MessageLanguage(models.TextChoices):
    ZH_HANS = "zh-hans", _("Chinese")
    EN = "en", _("English")


class MessageStatus(models.TextChoices):
    PENDING = "pending", _("Waiting to be sent")
    SENT = "sent", _("Sent")
    QUEUED_SMS = "queued_sms", _("In the text-message outbox")
    FAILED = "failed", _("Failed")
    UNREACHABLE = "unreachable", _("Not sent: no e-mail address or mobile number")


class MailAction(models.TextChoices):
    """Audit actions of this app (shown on the complaint's timeline)."""

    EMAIL_RECEIVED = "email_received", _("E-mail from the customer")
    EMAIL_NOT_FROM_CUSTOMER = (
        "email_not_from_customer",
        _("E-mail quoting this number from another sender (not added as the customer's)"),
    )
    EMAIL_TO_OTHER_BRANCH = (
        "email_to_other_branch",
        _("E-mail quoting this number sent to another branch's mailbox (not added here)"),
    )
    EMAIL_FILES_REFUSED = "email_files_refused", _("Files of an e-mail not kept")
    # Told: written when the message went out (the e-mail handed to the mail server, the text
    # to the SMS provider), never when it was only written or queued.
    TOLD_BY_EMAIL = "told_by_email", _("Customer told by e-mail")
    TOLD_BY_SMS = "told_by_sms", _("Customer told by text message")
    MESSAGE_WAITING = (
        "customer_message_waiting",
        _("Text message to the customer queued, not sent yet"),
    )
    MESSAGE_NOT_SENT = "customer_message_not_sent", _("Message to the customer could not be sent")
    MESSAGE_KEPT = (
        "customer_message_kept",
        _("Text message to the customer not sent: kept in the outbox (no SMS provider)"),
    )
    NOT_TOLD = "customer_not_told", _("Customer could not be told (no address or mobile)")
