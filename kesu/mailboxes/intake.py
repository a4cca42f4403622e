"""What a fetched mail becomes: a complaint, a note on one, or an ignored or failed record.

`intake_mail` handles one raw mail in one transaction that starts by taking its Message-ID
for the mailbox (a unique row): a second worker with the same mail, or the same worker after
a crash, finds the row taken (or the whole attempt rolled back) and does nothing twice.
"""

import logging
import re
from datetime import timedelta

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import IntegrityError, transaction
from django.db.models import Case, When
from django.utils import timezone
from django.utils.translation import gettext as _

from kesu.audit.models import AuditEntry
from kesu.audit.services import audit_record
from kesu.complaints import limits
from kesu.complaints.choices import Channel
from kesu.complaints.models import Complaint
from kesu.complaints.services import attachment_store, complaint_register, validate_upload
from kesu.customers.choices import ContactChannel, CustomerAction
from kesu.customers.models import Customer
from kesu.customers.services import customer_update
from kesu.mailboxes.choices import (
    IgnoreReason,
    InboundStatus,
    MailAction,
    MessageKind,
    NotANoteReason,
)
from kesu.mailboxes.models import InboundMail, Mailbox
from kesu.mailboxes.parsing import (
    BrokenMail,
    Mail,
    headline,
    ignore_reason,
    language_of,
    message_id_of,
    normal_address,
    parse,
)
from kesu.organisation.choices import StandIn
from kesu.organisation.models import User
from kesu.organisation.services import stand_in_user

logger = logging.getLogger(__name__)

MAIL_USERNAME = "mail-{org}-{branch}"


def burst_limit() -> tuple[int, timedelta]:
    """At most this many mails from one sender to one mailbox in this time; more are ignored."""
    return (
        getattr(settings, "KESU_MAIL_BURST_LIMIT", 10),
        timedelta(minutes=getattr(settings, "KESU_MAIL_BURST_MINUTES", 60)),
    )


def number_pattern(prefix: str) -> re.Pattern:
    return re.compile(rf"(?<![\w-]){re.escape(prefix)}-(\d{{4}})-(\d{{6}})(?!\d)", re.I)


def intake_mail(mailbox: Mailbox, raw: bytes) -> InboundMail | None:
    """Handle one raw mail; None when it was handled before (by this or another worker)."""
    message_id = message_id_of(raw)
    try:
        with transaction.atomic():
            try:
                with transaction.atomic():
                    inbound = InboundMail.objects.create(mailbox=mailbox, message_id=message_id)
            except IntegrityError:
                return None
            mail = parse(raw)
            inbound.sender = mail.sender[:320]
            inbound.subject = mail.subject[:300]
            _handle(mailbox, inbound, mail)
            inbound.save()
            return inbound
    except (BrokenMail, ValidationError) as exc:
        reason = _reason(exc)
        logger.warning("mail %s of mailbox %s failed: %s", message_id, mailbox.pk, reason)
        sender, subject = headline(raw)
        with transaction.atomic():
            inbound, created = InboundMail.objects.get_or_create(
                mailbox=mailbox,
                message_id=message_id,
                defaults={
                    "status": InboundStatus.FAILED,
                    "reason": reason[:500],
                    "sender": sender[:320],
                    "subject": subject[:300],
                },
            )
            if created:
                from kesu.mailboxes.notices import tell_of_failed_mail

                tell_of_failed_mail(inbound)
        return inbound if created else None


def _reason(exc: Exception) -> str:
    if isinstance(exc, ValidationError):
        if hasattr(exc, "message_dict"):
            return "; ".join(f"{k}: {' '.join(v)}" for k, v in exc.message_dict.items())
        return " ".join(exc.messages)
    return str(exc)


def _handle(mailbox: Mailbox, inbound: InboundMail, mail: Mail) -> None:
    reason = ignore_reason(mail, mailbox.address) or _burst(mailbox, mail.sender)
    if reason:
        inbound.status, inbound.reason = InboundStatus.IGNORED, reason
        return
    complaint = _replied_to(mailbox, mail.subject)
    if complaint is None:
        _register(mailbox, inbound, mail)
        return
    problem = _not_a_note(mailbox, complaint, mail.sender)
    if problem is None:
        _add_reply(mailbox, complaint, inbound, mail)
        return
    # Not the customer's word on that complaint: the sender's own new complaint, and a line on
    # the quoted one (who wrote, where it went, no text or files) for its staff to review.
    _register(mailbox, inbound, mail)
    inbound.reason = problem
    assert inbound.complaint is not None
    audit_record(
        organisation_id=complaint.organisation_id,
        actor=None,
        action=MailAction.EMAIL_NOT_FROM_CUSTOMER
        if problem == NotANoteReason.SENDER_MISMATCH
        else MailAction.EMAIL_TO_OTHER_BRANCH,
        obj=complaint,
        complaint_id=complaint.pk,
        data={
            "sender": mail.sender,
            "subject": mail.subject[:300],
            "mailbox": mailbox.address,
            "registered_as": inbound.complaint.number,
            "registered_as_id": inbound.complaint.pk,
            "mail": inbound.message_id,
        },
        visibility=AuditEntry.Visibility.INTERNAL,
    )


def _not_a_note(mailbox: Mailbox, complaint: Complaint, sender: str) -> str | None:
    """Why a mail quoting `complaint`'s number may not go on it as the customer's; None: it may
    (the complaint is the mailbox branch's, and the sender is its customer or a key person)."""
    if complaint.branch_id != mailbox.branch_id:
        return NotANoteReason.OTHER_BRANCH
    if sender not in customer_addresses(complaint.customer):
        return NotANoteReason.SENDER_MISMATCH
    return None


def customer_addresses(customer: Customer) -> set[str]:
    """The normalised e-mail addresses of a customer and of its recorded key persons."""
    addresses = {customer.email, *customer.key_persons.values_list("email", flat=True)}
    return {normal_address(a) for a in addresses if a}


def _burst(mailbox: Mailbox, sender: str) -> str | None:
    limit, within = burst_limit()
    recent = InboundMail.objects.filter(
        mailbox=mailbox,
        sender=sender,
        received_at__gte=timezone.now() - within,
        status__in=[InboundStatus.COMPLAINT, InboundStatus.NOTE],
    ).count()
    return IgnoreReason.BURST if recent >= limit else None


def _replied_to(mailbox: Mailbox, subject: str) -> Complaint | None:
    """The complaint of this organisation whose number the subject carries, if any."""
    prefix = mailbox.organisation.number_prefix
    numbers = [f"{prefix}-{y}-{n}" for y, n in number_pattern(prefix).findall(subject)]
    if not numbers:
        return None
    return (
        Complaint.objects.filter(organisation_id=mailbox.organisation_id, number__in=numbers)
        .select_related("owner", "branch", "customer")
        .order_by(Case(When(branch_id=mailbox.branch_id, then=0), default=1), "id")
        .first()
    )


def _customer_for(mailbox: Mailbox, mail: Mail) -> Customer:
    customer = (
        Customer.objects.filter(
            organisation_id=mailbox.organisation_id,
            branch_id=mailbox.branch_id,
            email__iexact=normal_address(mail.sender),
        )
        .order_by("-id")
        .first()
    )
    language = language_of(mail)
    if customer is not None:
        if language and not customer.language:
            customer = customer_update(
                actor=mailbox.intake_user, customer=customer, language=language
            )
        return customer
    name = (mail.sender_name or mail.sender.split("@")[0])[:100]
    customer = Customer.objects.create(
        organisation_id=mailbox.organisation_id,
        branch_id=mailbox.branch_id,
        name=name,
        phone="",
        email=normal_address(mail.sender),
        preferred_channel=ContactChannel.EMAIL,
        language=language,
    )
    audit_record(
        organisation_id=customer.organisation_id,
        actor=mailbox.intake_user,
        action=CustomerAction.CUSTOMER_CREATE,
        obj=customer,
        data={
            "name": customer.name,
            "email": customer.email,
            "language": customer.language,
            "source": "email",
        },
    )
    return customer


def mail_actor(mailbox: Mailbox) -> User:
    """The branch's stand-in user for what arrives by e-mail (files of a mail): cannot sign
    in; the file's description names the sender's address."""
    branch = mailbox.branch
    return stand_in_user(
        branch,
        username=MAIL_USERNAME.format(org=mailbox.organisation.code, branch=branch.code),
        kind=StandIn.EMAIL,
    )


def _register(mailbox: Mailbox, inbound: InboundMail, mail: Mail) -> None:
    from kesu.mailboxes.messaging import send_to_customer

    customer = _customer_for(mailbox, mail)
    text = mail.text or mail.subject or _("(The e-mail has no text; see its files.)")
    title = mail.subject or text.split("\n", 1)[0]
    complaint, _created = complaint_register(
        actor=mailbox.intake_user,
        customer=customer,
        channel=Channel.EMAIL,
        title=title[: limits.TITLE],
        account=text[: limits.ACCOUNT],
        branch=mailbox.branch,
        channel_detail=mail.sender[: limits.CHANNEL_DETAIL],
        received_at=mail.date if mail.date and mail.date <= timezone.now() else None,
    )
    _keep_files(mailbox, complaint, mail)
    inbound.status, inbound.complaint = InboundStatus.COMPLAINT, complaint
    send_to_customer(
        complaint=complaint,
        kind=MessageKind.ACKNOWLEDGEMENT,
        by=mailbox.intake_user,
        in_reply_to=mail.message_id,
    )


def _add_reply(mailbox: Mailbox, complaint: Complaint, inbound: InboundMail, mail: Mail) -> None:
    from kesu.mailboxes.notices import tell_owner_of_reply

    audit_record(
        organisation_id=complaint.organisation_id,
        actor=None,
        action=MailAction.EMAIL_RECEIVED,
        obj=complaint,
        complaint_id=complaint.pk,
        data={
            "text": (mail.text or mail.subject)[: limits.NOTE],
            "from": mail.sender,
            "sender": mail.sender,
            "subject": mail.subject,
            "mail": inbound.message_id,
        },
        visibility=AuditEntry.Visibility.INTERNAL,
    )
    _keep_files(mailbox, complaint, mail)
    inbound.status, inbound.complaint = InboundStatus.NOTE, complaint
    tell_owner_of_reply(complaint, inbound)


def _keep_files(mailbox: Mailbox, complaint: Complaint, mail: Mail) -> None:
    """The mail's files as the complaint's, with the complaints' checks; those refused are
    listed on the timeline, the rest kept."""
    refused = []
    for file in mail.files:
        upload = SimpleUploadedFile(file.name, file.content, content_type=file.content_type)
        try:
            validate_upload(upload)
        except ValidationError as exc:
            refused.append(f"{file.name}: {' '.join(exc.messages)}")
            continue
        attachment_store(
            complaint=complaint,
            actor=mail_actor(mailbox),
            upload=upload,
            description=(_("From the e-mail of %(sender)s") % {"sender": mail.sender})[
                : limits.ATTACHMENT_DESCRIPTION
            ],
        )
    if refused:
        audit_record(
            organisation_id=complaint.organisation_id,
            actor=None,
            action=MailAction.EMAIL_FILES_REFUSED,
            obj=complaint,
            complaint_id=complaint.pk,
            data={"text": "\n".join(refused)[: limits.NOTE], "sender": mail.sender},
        )
