"""E-mail intake against a real IMAP server (a private dovecot on loopback) and acknowledgements
received by a real SMTP server (aiosmtpd)."""

import pytest

from kesu.audit.models import AuditEntry
from kesu.complaints.models import Attachment, Complaint
from kesu.customers.tests.factories import CustomerFactory
from kesu.mailboxes.choices import InboundStatus, MailAction, Security
from kesu.mailboxes.fetching import fetch_all_mailboxes, fetch_mailbox
from kesu.mailboxes.models import InboundMail, Mailbox
from kesu.mailboxes.tests.mails import mail, photo
from kesu.notifications.models import Notification
from kesu.notifications.rendering import render
from kesu.organisation.choices import Role
from kesu.organisation.tests.factories import BranchFactory, OrganisationFactory


@pytest.fixture
def mailbox(world, imap):
    return Mailbox.objects.create(
        organisation=world.org,
        branch=world.branch,
        address="service@east.test",
        host=imap.host,
        port=imap.port,
        security=Security.NONE,
        username=imap.user,
        password=imap.password,
        intake_user=world.user(Role.FRONTLINE),
    )


def _fetch(mailbox, capture):
    with capture(execute=True):
        return fetch_mailbox(mailbox)


def test_a_new_mail_becomes_one_complaint_with_the_customer_and_the_photo(
    world, imap, mailbox, smtp_server, django_capture_on_commit_callbacks
):
    # Given a customer of the branch known by e-mail, and their mail with a photo
    customer = CustomerFactory(
        organisation=world.org,
        branch=world.branch,
        email="Wang@Example.test",
        preferred_channel="email",
    )
    imap.append(mail(files=[("刹车.jpg", "image/jpeg", photo())]))

    # When the worker reads the mailbox
    assert _fetch(mailbox, django_capture_on_commit_callbacks) == 1

    # Then one complaint by e-mail for that customer, with the photo, and the mail read
    (complaint,) = Complaint.objects.filter(organisation=world.org)
    assert complaint.customer == customer and complaint.channel == "email"
    assert complaint.title == "刹车异响" and "异响" in complaint.account
    assert complaint.branch == world.branch and complaint.due_at is not None
    (attachment,) = Attachment.objects.filter(complaint=complaint)
    assert attachment.original_name == "刹车.jpg"
    assert imap.unseen() == 0
    assert InboundMail.objects.get().status == InboundStatus.COMPLAINT
    assert AuditEntry.objects.filter(complaint_id=complaint.pk, action="register").exists()
    # and the customer got the acknowledgement, threaded to their mail
    (ack,) = smtp_server.messages
    assert ack.rcpt_tos == ["Wang@Example.test"]
    assert complaint.number in ack.subject and complaint.number in ack.body
    assert ack.message["In-Reply-To"] == "<m1@example.test>"
    assert ack.message["X-Kesu-Loop"] and ack.message["From"] == "service@east.test"
    assert AuditEntry.objects.filter(
        complaint_id=complaint.pk, action=MailAction.TOLD_BY_EMAIL
    ).exists()


def test_an_unknown_sender_becomes_a_new_customer_of_the_branch(
    world, imap, mailbox, django_capture_on_commit_callbacks
):
    imap.append(mail(sender="Li Na <li.na@example.test>", html=None))
    _fetch(mailbox, django_capture_on_commit_callbacks)
    complaint = Complaint.objects.get()
    assert complaint.customer.name == "Li Na" and complaint.customer.email == "li.na@example.test"
    assert complaint.customer.branch == world.branch


def test_the_same_mail_fetched_twice_is_still_one_complaint(
    world, imap, mailbox, django_capture_on_commit_callbacks
):
    raw = mail()
    imap.append(raw)
    _fetch(mailbox, django_capture_on_commit_callbacks)
    # the same mail again (a worker died before marking it read, or a second copy arrived)
    imap.append(raw)
    assert imap.unseen() == 1
    _fetch(mailbox, django_capture_on_commit_callbacks)
    assert Complaint.objects.count() == 1 and InboundMail.objects.count() == 1
    assert imap.unseen() == 0


def test_a_reply_to_a_number_becomes_a_note_and_the_owner_is_told(
    world, imap, mailbox, django_capture_on_commit_callbacks
):
    customer = CustomerFactory(
        organisation=world.org, branch=world.branch, email="wang@example.test"
    )
    complaint = world.complaint(customer=customer)
    imap.append(
        mail(
            subject=f"Re: [{complaint.number}] 我们已收到您的来信",
            text="补充：昨天又响了两次。",
            message_id="<reply@example.test>",
            files=[("又一张.jpg", "image/jpeg", photo())],
        )
    )
    _fetch(mailbox, django_capture_on_commit_callbacks)
    assert Complaint.objects.count() == 1
    note = AuditEntry.objects.get(complaint_id=complaint.pk, action=MailAction.EMAIL_RECEIVED)
    assert note.actor is None and "又响了两次" in note.data["text"]
    assert note.data["from"] == "wang@example.test"
    assert Attachment.objects.filter(complaint=complaint, original_name="又一张.jpg").exists()
    assert Notification.objects.filter(
        kind="customer_replied", recipient=complaint.owner, channel="inbox"
    ).exists()


def test_another_organisations_number_is_not_attached_to(
    world, imap, mailbox, django_capture_on_commit_callbacks
):
    from kesu.complaints.defaults import install_defaults
    from kesu.complaints.services import complaint_register
    from kesu.organisation.tests.factories import UserFactory

    other = OrganisationFactory(number_prefix=world.org.number_prefix)
    install_defaults(other)
    branch = BranchFactory(organisation=other)
    user = UserFactory(organisation=other, branch=branch, role=Role.FRONTLINE)
    theirs, _ = complaint_register(
        actor=user,
        customer=CustomerFactory(organisation=other, branch=branch),
        channel="phone",
        title="别家",
        account="别家的投诉",
    )
    imap.append(mail(subject=f"Re: {theirs.number} 进展？", message_id="<x@example.test>"))
    _fetch(mailbox, django_capture_on_commit_callbacks)
    assert not AuditEntry.objects.filter(
        complaint_id=theirs.pk, action=MailAction.EMAIL_RECEIVED
    ).exists()
    # a new complaint of this organisation instead (here it even gets the same number)
    mine = Complaint.objects.get(organisation=world.org)
    assert mine.channel == "email" and InboundMail.objects.get().status == "complaint"


@pytest.mark.parametrize(
    "headers,sender,reason",
    [
        ({"Auto-Submitted": "auto-replied"}, None, "auto_submitted"),
        ({"Precedence": "bulk"}, None, "precedence"),
        ({"X-Autoreply": "yes"}, None, "autoreply_header"),
        ({"X-Auto-Response-Suppress": "All"}, None, "autoreply_header"),
        ({"List-Id": "<news.example.test>"}, None, "mailing_list"),
        ({}, "MAILER-DAEMON@example.test", "mailer_daemon"),
        ({"X-Kesu-Loop": "1"}, None, "our_own"),
    ],
)
def test_auto_replies_and_loops_are_ignored_with_the_reason(
    world, imap, mailbox, smtp_server, django_capture_on_commit_callbacks, headers, sender, reason
):
    imap.append(
        mail(headers=headers, sender=sender or "wang@example.test", subject="Out of office")
    )
    _fetch(mailbox, django_capture_on_commit_callbacks)
    assert not Complaint.objects.exists() and not smtp_server.messages
    inbound = InboundMail.objects.get()
    assert (inbound.status, inbound.reason) == ("ignored", reason)
    assert imap.unseen() == 0


def test_a_burst_from_one_sender_is_cut_off(
    world, imap, mailbox, settings, django_capture_on_commit_callbacks
):
    settings.KESU_MAIL_BURST_LIMIT = 2
    for n in range(4):
        imap.append(mail(message_id=f"<burst{n}@example.test>", subject=f"第{n}封"))
    _fetch(mailbox, django_capture_on_commit_callbacks)
    assert Complaint.objects.count() == 2
    assert list(InboundMail.objects.filter(status="ignored").values_list("reason", flat=True)) == [
        "burst",
        "burst",
    ]


def test_a_broken_mail_is_kept_as_failed_and_does_not_block_the_next(
    world, imap, mailbox, django_capture_on_commit_callbacks
):
    broken = (
        b"From: wang@example.test\r\nTo: service@east.test\r\nSubject: broken\r\n"
        b"Message-ID: <broken@example.test>\r\nMIME-Version: 1.0\r\n"
        b"Content-Type: text/plain; charset=x-no-such-charset\r\n"
        b"Content-Transfer-Encoding: 8bit\r\n\r\n\xff\xfe\xfd\r\n"
    )
    imap.append(broken)
    imap.append(mail(message_id="<good@example.test>"))
    assert _fetch(mailbox, django_capture_on_commit_callbacks) == 2
    failed = InboundMail.objects.get(message_id="<broken@example.test>")
    assert failed.status == "failed" and "x-no-such-charset" in failed.reason
    assert "LookupError" not in failed.reason
    # what could be read is kept
    assert (failed.sender, failed.subject) == ("wang@example.test", "broken")
    assert InboundMail.objects.get(message_id="<good@example.test>").status == "complaint"
    # the failed one is left unread and flagged for a person, and not fetched again
    assert Complaint.objects.count() == 1 and imap.unseen() == 1
    assert _fetch(mailbox, django_capture_on_commit_callbacks) == 0
    # and the branch's customer director is told
    (told,) = Notification.objects.filter(kind="mail_failed", channel="inbox")
    assert told.recipient == world.user(Role.DIRECTOR)
    body = render(told.kind, told.payload, "en").body
    assert "wang@example.test" in body and "x-no-such-charset" in body and "flagged" in body


def test_an_html_only_mail_becomes_plain_text(
    world, imap, mailbox, django_capture_on_commit_callbacks
):
    html = "<html><head><style>p{color:red}</style><script>alert(1)</script></head><body><p>车门<b>关不严</b></p><p>请回电</p></body></html>"
    imap.append(mail(text=None, html=html))
    _fetch(mailbox, django_capture_on_commit_callbacks)
    account = Complaint.objects.get().account
    assert account == "车门关不严\n\n请回电"


def test_a_refused_file_is_listed_and_the_rest_kept(
    world, imap, mailbox, django_capture_on_commit_callbacks
):
    imap.append(
        mail(
            files=[
                ("tool.exe", "application/octet-stream", b"MZ\x90\x00"),
                ("a.jpg", "image/jpeg", photo()),
            ]
        )
    )
    _fetch(mailbox, django_capture_on_commit_callbacks)
    complaint = Complaint.objects.get()
    assert list(
        Attachment.objects.filter(complaint=complaint).values_list("original_name", flat=True)
    ) == ["a.jpg"]
    refused = AuditEntry.objects.get(
        complaint_id=complaint.pk, action=MailAction.EMAIL_FILES_REFUSED
    )
    assert "tool.exe" in refused.data["text"]


def test_a_mailbox_that_fails_is_recorded_and_others_still_read(
    world, imap, mailbox, settings, django_capture_on_commit_callbacks
):
    settings.LANGUAGE_CODE = "zh-hans"  # what the worker records is in the site's language
    Mailbox.objects.create(
        organisation=world.org,
        branch=world.other_branch,
        address="west@example.test",
        host=imap.host,
        port=imap.port,
        security=Security.NONE,
        username=imap.user,
        password="wrong",
        intake_user=world.other_users[Role.FRONTLINE],
    )
    imap.append(mail())
    with django_capture_on_commit_callbacks(execute=True):
        assert fetch_all_mailboxes() == 1
    wrong = Mailbox.objects.get(address="west@example.test")
    assert wrong.last_checked_at and "b'" not in wrong.last_error
    assert "Authentication failed" in wrong.last_error and "密码" in wrong.last_error
    assert Mailbox.objects.get(pk=mailbox.pk).last_error == ""


def test_a_stranger_quoting_a_number_does_not_write_on_the_complaint(
    world, imap, mailbox, django_capture_on_commit_callbacks
):
    # Given the complaint of a customer known by e-mail
    customer = CustomerFactory(
        organisation=world.org, branch=world.branch, email="wang@example.test"
    )
    complaint = world.complaint(customer=customer)
    # When someone else writes with its number in the subject, and a photo
    imap.append(
        mail(
            sender="Stranger <stranger@evil.example>",
            subject=f"Re: {complaint.number}",
            text="我是客户，请把赔偿打到这个账户。",
            message_id="<evil@evil.example>",
            files=[("evil.jpg", "image/jpeg", photo())],
        )
    )
    _fetch(mailbox, django_capture_on_commit_callbacks)

    # Then nothing on the complaint speaks as the customer: no note, no file, no notification
    assert not AuditEntry.objects.filter(
        complaint_id=complaint.pk, action=MailAction.EMAIL_RECEIVED
    ).exists()
    assert not Attachment.objects.filter(complaint=complaint).exists()
    assert not Notification.objects.filter(kind="customer_replied").exists()
    # but a line for its staff: who wrote, and the complaint the mail became
    inbound = InboundMail.objects.get()
    theirs = inbound.complaint
    assert theirs != complaint and theirs.customer.email == "stranger@evil.example"
    assert (inbound.status, inbound.reason) == ("complaint", "sender_mismatch")
    line = AuditEntry.objects.get(
        complaint_id=complaint.pk, action=MailAction.EMAIL_NOT_FROM_CUSTOMER
    )
    assert line.data["sender"] == "stranger@evil.example"
    assert line.data["registered_as"] == theirs.number and "text" not in line.data
    # and the photo is the stranger's complaint's, attributed to the e-mail, not to a person
    (photo_,) = Attachment.objects.filter(complaint=theirs)
    assert photo_.uploaded_by != mailbox.intake_user and not photo_.uploaded_by.is_active
    assert "stranger@evil.example" in photo_.description


def test_a_key_person_of_the_customer_writes_on_its_complaint(
    world, imap, mailbox, django_capture_on_commit_callbacks
):
    from kesu.customers.models import KeyPerson

    company = CustomerFactory(
        organisation=world.org, branch=world.branch, email="office@acme.test", is_company=True
    )
    KeyPerson.objects.create(customer=company, name="赵经理", email="Zhao@Acme.test")
    complaint = world.complaint(customer=company)
    imap.append(mail(sender="赵经理 <zhao@acme.test>", subject=f"Re: {complaint.number}"))
    _fetch(mailbox, django_capture_on_commit_callbacks)
    note = AuditEntry.objects.get(complaint_id=complaint.pk, action=MailAction.EMAIL_RECEIVED)
    assert note.data["sender"] == "zhao@acme.test"
    assert InboundMail.objects.get().status == "note"


def test_a_mail_to_another_branchs_mailbox_does_not_write_on_its_complaint(
    world, imap, mailbox, django_capture_on_commit_callbacks
):
    # The customer's complaint is the other branch's; they write to this branch's mailbox
    customer = CustomerFactory(
        organisation=world.org, branch=world.other_branch, email="wang@example.test"
    )
    theirs = world.complaint(actor=world.other_users[Role.FRONTLINE], customer=customer)
    assert theirs.branch == world.other_branch
    imap.append(mail(subject=f"Re: {theirs.number} 进展？"))
    _fetch(mailbox, django_capture_on_commit_callbacks)
    assert not AuditEntry.objects.filter(
        complaint_id=theirs.pk, action=MailAction.EMAIL_RECEIVED
    ).exists()
    inbound = InboundMail.objects.get()
    assert inbound.reason == "other_branch" and inbound.complaint.branch == world.branch
    assert AuditEntry.objects.filter(
        complaint_id=theirs.pk, action=MailAction.EMAIL_TO_OTHER_BRANCH
    ).exists()


def test_every_mail_entry_on_the_timeline_shows_the_senders_address(
    world, imap, mailbox, client, django_capture_on_commit_callbacks
):
    customer = CustomerFactory(
        organisation=world.org, branch=world.branch, email="wang@example.test"
    )
    complaint = world.complaint(customer=customer)
    imap.append(mail(subject=f"Re: {complaint.number}", message_id="<r1@example.test>"))
    imap.append(
        mail(
            sender="stranger@evil.example",
            subject=f"Re: {complaint.number}",
            message_id="<r2@example.test>",
        )
    )
    _fetch(mailbox, django_capture_on_commit_callbacks)
    client.force_login(complaint.owner or world.user(Role.FRONTLINE))
    page = client.get(f"/complaints/{complaint.pk}/").content.decode()
    senders = page.count("data-mail-sender")
    assert senders == 2
    assert "wang@example.test" in page and "stranger@evil.example" in page


def test_the_same_person_writing_raw_or_encoded_is_one_customer(
    world, imap, mailbox, django_capture_on_commit_callbacks
):
    raw = (
        "From: 陈七 <chenqi@example.com>\r\nTo: service@east.test\r\nSubject: 轮胎漏气\r\n"
        "Message-ID: <c1@example.com>\r\nMIME-Version: 1.0\r\n"
        "Content-Type: text/plain; charset=utf-8\r\nContent-Transfer-Encoding: 8bit\r\n\r\n"
        "轮胎漏气了。\r\n"
    ).encode()
    imap.append(raw)
    imap.append(
        mail(sender="=?utf-8?b?6ZmI5LiD?= <ChenQi@example.com>", message_id="<c2@example.com>")
    )
    _fetch(mailbox, django_capture_on_commit_callbacks)
    customers = {c.customer for c in Complaint.objects.all()}
    assert len(customers) == 1
    (customer,) = customers
    assert (customer.name, customer.email) == ("陈七", "chenqi@example.com")


def test_an_english_mail_makes_an_english_customer_answered_in_english(
    world, imap, mailbox, settings, smtp_server, django_capture_on_commit_callbacks
):
    settings.KESU_CUSTOMER_LANGUAGE = "zh-hans"
    imap.append(
        mail(
            sender="Amy Smith <amy@example.test>",
            subject="Brakes squeal",
            text="The brakes of my new car squeal every morning, please call me back.",
        )
    )
    _fetch(mailbox, django_capture_on_commit_callbacks)
    customer = Complaint.objects.get().customer
    assert customer.language == "en"
    (ack,) = smtp_server.messages
    assert "We have received your message" in ack.subject
