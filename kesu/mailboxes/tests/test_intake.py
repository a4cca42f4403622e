"""intake_mail without a server: the Message-ID row makes a second handling do nothing."""

from kesu.complaints.models import Complaint
from kesu.mailboxes.intake import intake_mail, number_pattern
from kesu.mailboxes.models import Mailbox
from kesu.mailboxes.tests.mails import mail
from kesu.organisation.choices import Role


def test_a_mail_handled_twice_makes_one_complaint(world):
    mailbox = Mailbox.objects.create(
        organisation=world.org,
        branch=world.branch,
        address="s@east.test",
        host="h",
        username="u",
        password="p",
        intake_user=world.user(Role.FRONTLINE),
    )
    assert intake_mail(mailbox, mail()).status == "complaint"
    assert intake_mail(mailbox, mail()) is None
    assert Complaint.objects.count() == 1


def test_the_number_pattern_needs_the_whole_number():
    pattern = number_pattern("KS")
    assert pattern.findall("Re: [KS-2026-000123] x") == [("2026", "000123")]
    assert pattern.findall("XKS-2026-000123 KS-2026-0001234 KS-26-000123") == []
