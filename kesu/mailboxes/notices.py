"""Telling staff about mail: the owner of a complaint the customer wrote about again."""

from kesu.complaints.models import Complaint
from kesu.mailboxes.models import InboundMail
from kesu.notifications.alerts import event_item
from kesu.notifications.choices import Kind
from kesu.notifications.services import notify_many


def tell_owner_of_reply(complaint: Complaint, inbound: InboundMail) -> int:
    """One notification (inbox and e-mail) to the owner, inside the intake's transaction."""
    item = event_item(complaint, Kind.CUSTOMER_REPLIED, f"mail{inbound.pk}", actor=None)
    return notify_many([item]) if item else 0
