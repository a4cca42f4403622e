from kesu.mailboxes.models import InboundMail, Mailbox
from kesu.mailboxes.notices import tell_owner_of_reply
from kesu.notifications.models import Notification
from kesu.notifications.rendering import render
from kesu.organisation.choices import Role


def test_the_owner_is_told_once_in_both_languages(world):
    complaint = world.complaint()
    mailbox = Mailbox.objects.create(
        organisation=world.org,
        branch=world.branch,
        address="s@east.test",
        host="h",
        username="u",
        password="p",
        intake_user=world.user(Role.FRONTLINE),
    )
    inbound = InboundMail.objects.create(mailbox=mailbox, message_id="<a@b>", complaint=complaint)
    assert tell_owner_of_reply(complaint, inbound) >= 1
    assert tell_owner_of_reply(complaint, inbound) == 0
    (row,) = Notification.objects.filter(kind="customer_replied", channel="inbox")
    assert row.recipient == complaint.owner
    assert complaint.number in render("customer_replied", row.payload, "en").subject
    assert complaint.number in render("customer_replied", row.payload, "zh-hans").subject
