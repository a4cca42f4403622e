"""Reads of this app: the messages a complaint's customer was sent, for the complaint page."""

from dataclasses import dataclass

from kesu.complaints.models import Complaint
from kesu.core.phones import display_phone
from kesu.customers.selectors import contact_as_seen
from kesu.mailboxes.choices import MessageChannel, MessageStatus
from kesu.mailboxes.models import CustomerMessage


@dataclass(frozen=True)
class SentMessage:
    message: CustomerMessage
    to: str  # masked for roles that do not call customers, as on the rest of the page
    status: str  # the delivery status in words: the e-mail's, or its text message's
    failed: bool
    at: object  # when it went out, else when it was written


def messages_to_customer(user, complaint: Complaint) -> list[SentMessage]:
    """Every message the complaint's customer was sent about it, newest first (two queries):
    the text messages' delivery status is read from the callbacks' outbox."""
    from kesu.callbacks.choices import SmsStatus
    from kesu.callbacks.models import SmsMessage

    rows = list(
        CustomerMessage.objects.filter(
            organisation_id=complaint.organisation_id, complaint_id=complaint.pk
        )
        .select_related("created_by")
        .order_by("-created_at", "-id")
    )
    keys = {f"message:{m.pk}": m.pk for m in rows if m.channel == MessageChannel.SMS}
    texts = {
        keys[s.key]: s
        for s in SmsMessage.objects.filter(
            organisation_id=complaint.organisation_id, key__in=list(keys)
        )
    }
    out = []
    for m in rows:
        sms = texts.get(m.pk)
        if sms is not None:
            status, failed = sms.get_status_display(), sms.status == SmsStatus.FAILED
            at = sms.sent_at or m.created_at
        else:
            status, failed = m.get_status_display(), m.status == MessageStatus.FAILED
            at = m.sent_at or m.created_at
        if m.channel == MessageChannel.EMAIL:
            to = contact_as_seen(user, m.to, "email")
        else:
            to = display_phone(contact_as_seen(user, m.to, "phone"))
        out.append(SentMessage(message=m, to=to, status=str(status), failed=failed, at=at))
    return out
