"""The complaint page's "Messages to the customer" (kesu/mailboxes/panels.py): every message
sent about the complaint, what, to whom (masked as the rest of the page), by which channel,
when and its delivery status, in both languages; each also on the timeline."""

import pytest

from kesu.callbacks.models import SmsMessage
from kesu.callbacks.sms import MemoryBackend, deliver_due_sms
from kesu.complaints.tests.helpers import closed_complaint
from kesu.core.phones import display_phone
from kesu.customers.tests.factories import CustomerFactory
from kesu.mailboxes.messaging import deliver_pending_messages
from kesu.mailboxes.models import CustomerMessage
from kesu.organisation.choices import Role


def _page(client, user, complaint, language):
    client.force_login(user)
    response = client.get(f"/complaints/{complaint.pk}/", HTTP_ACCEPT_LANGUAGE=language)
    assert response.status_code == 200
    return response.content.decode()


@pytest.mark.parametrize(
    "language,heading,kind,status",
    [
        ("en", "Messages to the customer", "Closure, with where else to turn", "Sent"),
        ("zh-hans", "发给客户的消息", None, None),
    ],
)
def test_the_closing_text_is_listed_with_its_status_and_on_the_timeline(
    client, world, settings, language, heading, kind, status
):
    settings.KESU_PUBLIC_URL = "https://kesu.example.com"
    customer = CustomerFactory(organisation=world.org, branch=world.branch)
    complaint = closed_complaint(world, customer=customer)
    (message,) = CustomerMessage.objects.filter(complaint=complaint)
    page = _page(client, world.user(Role.DIRECTOR), complaint, language)
    assert heading in page and f'data-message="{message.pk}"' in page
    # The director calls customers: the number in full, as the page writes numbers.
    assert display_phone(customer.phone) in page[page.index("data-customer-messages") :]
    sms = SmsMessage.objects.get(key=f"message:{message.pk}")
    assert deliver_due_sms(backend=MemoryBackend(), now=sms.not_before) == 1
    page = _page(client, world.user(Role.DIRECTOR), complaint, language)
    section = page[page.index("data-customer-messages") :]
    if kind:
        assert kind in section and "Text message" in section
        assert "Customer told by text message" in page  # the timeline's entry
    else:
        assert "短信" in section and "已发送" in section
    # The text itself, with the tracking link, is there to read.
    assert "https://kesu.example.com/portal/track/" in section


def test_the_delivery_status_and_a_masked_address_for_roles_that_do_not_call(
    client, world, settings
):
    customer = CustomerFactory(
        organisation=world.org,
        branch=world.branch,
        email="li.ming@example.test",
        preferred_channel="email",
    )
    complaint = closed_complaint(world, customer=customer)
    deliver_pending_messages()
    manager = world.user(Role.GROUP)
    assert not manager.sees_contact_data
    page = _page(client, manager, complaint, "en")
    section = page[page.index("data-customer-messages") :]
    assert "li.ming@example.test" not in section and "l*****g@example.test" in section
    assert "E-mail" in section
    assert ">Sent<" in section


def test_a_complaint_nobody_wrote_to_says_so(client, world):
    complaint = world.complaint(
        customer=CustomerFactory(organisation=world.org, phone="", email="")
    )
    page = _page(client, world.user(Role.DIRECTOR), complaint, "zh-hans")
    assert "尚未就此投诉向客户发送任何消息。" in page


def test_another_complaints_messages_are_not_listed(client, world):
    mine, other = closed_complaint(world), closed_complaint(world)
    (theirs,) = CustomerMessage.objects.filter(complaint=other)
    page = _page(client, world.user(Role.DIRECTOR), mine, "en")
    assert f'data-message="{theirs.pk}"' not in page
