"""Telling staff about mail: the owner of a complaint the customer wrote about again, and the
branch's customer director (else the mailbox's registering user) of a mail that failed."""

from kesu.complaints.models import Complaint
from kesu.mailboxes.models import InboundMail
from kesu.notifications.alerts import event_item
from kesu.notifications.choices import Channel, Kind
from kesu.notifications.services import notify_many
from kesu.organisation.choices import Role
from kesu.organisation.models import User


def tell_owner_of_reply(complaint: Complaint, inbound: InboundMail) -> int:
    """One notification (inbox and e-mail) to the owner, inside the intake's transaction."""
    item = event_item(complaint, Kind.CUSTOMER_REPLIED, f"mail{inbound.pk}", actor=None)
    return notify_many([item]) if item else 0


def mailbox_keepers(inbound: InboundMail) -> list[User]:
    mailbox = inbound.mailbox
    directors = list(
        User.objects.filter(branch_id=mailbox.branch_id, role=Role.DIRECTOR, is_active=True)
    )
    if directors:
        return directors
    return [mailbox.intake_user] if mailbox.intake_user.is_active else []


def tell_of_failed_mail(inbound: InboundMail) -> int:
    """One notification (inbox and e-mail) per keeper of the mailbox, in the caller's
    transaction: the mail is to be read by a person."""
    mailbox = inbound.mailbox
    return notify_many(
        [
            {
                "organisation_id": mailbox.organisation_id,
                "branch_id": mailbox.branch_id,
                "recipients": mailbox_keepers(inbound),
                "kind": Kind.MAIL_FAILED,
                "payload": {
                    "mailbox": mailbox.address,
                    "sender": inbound.sender,
                    "subject": inbound.subject,
                    "reason": inbound.reason,
                },
                "dedupe_key": f"mailfailed{inbound.pk}",
                "channels": (Channel.INBOX, Channel.EMAIL),
                "webhooks": False,
            }
        ]
    )
