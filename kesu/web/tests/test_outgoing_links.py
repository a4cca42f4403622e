"""Every link that leaves Kesu starts with KESU_PUBLIC_URL (kesu/core/links.py), whatever
address the request that caused it came in on: the trial saw http://127.0.0.1:8000/... in
production because links were made from the host. Here every request comes in on
127.0.0.1:8000, and every outgoing kind is read: webhook bodies, the customers' e-mails and
text messages, the staff's notification e-mails, the printed notice's QR code."""

import re

import pytest
from django.core import mail

from kesu.callbacks.models import SmsMessage
from kesu.callbacks.sms import render_sms
from kesu.callbacks.tests.conftest import resolve
from kesu.complaints.choices import State
from kesu.complaints.models import Complaint
from kesu.complaints.tests.helpers import tick_required
from kesu.customers.tests.factories import CustomerFactory
from kesu.mailboxes.models import CustomerMessage
from kesu.notifications.services import deliver_due
from kesu.organisation.choices import Role
from kesu.webhooks.models import Delivery
from kesu.webhooks.services import body_of, endpoint_create

PUBLIC = "https://kesu.example.com"
HOST = {"HTTP_HOST": "127.0.0.1:8000"}
URL = re.compile(r"""https?://[^\s"'<>）]+""")


def links_in(texts) -> set[str]:
    return {url for text in texts for url in URL.findall(text)}


def outgoing_texts() -> list[str]:
    """What went out or waits to: webhook bodies, customer messages, texts, e-mails."""
    texts = [body_of(d.payload).decode() for d in Delivery.objects.all()]
    texts += [m.subject + "\n" + m.body for m in CustomerMessage.objects.all()]
    texts += [render_sms(m) for m in SmsMessage.objects.all()]
    texts += [m.subject + "\n" + m.body for m in mail.outbox]
    return texts


@pytest.fixture
def public(settings, world):
    """The public address set, and calls and texts allowed at any hour."""
    from datetime import time

    from kesu.callbacks.models import CallbackSettings

    settings.KESU_PUBLIC_URL = PUBLIC
    settings.ALLOWED_HOSTS = ["127.0.0.1", "testserver"]
    CallbackSettings.objects.filter(organisation=world.org).update(
        call_from=time(0, 0),
        call_until=time(23, 59),
        rest_from=None,
        rest_until=None,
        working_days_only=False,
    )


def test_every_outgoing_link_starts_with_the_public_address(client, world, public):
    endpoint_create(
        actor=world.user(Role.ADMIN),
        url="https://crm.example.cn/kesu",
        description="CRM",
        events=["complaint.created", "complaint.state_changed"],
    )
    director = world.user(Role.DIRECTOR)
    director.email = "director@example.test"
    director.save()
    # A customer reached by text message and one by e-mail, each with a resolved complaint
    # whose questionnaire link is sent from the page (a request on 127.0.0.1:8000).
    by_sms = resolve(world, world.complaint())
    by_email = resolve(
        world,
        world.complaint(
            customer=CustomerFactory(
                organisation=world.org, email="li@example.test", preferred_channel="email"
            )
        ),
    )
    client.force_login(director)
    for complaint in (by_sms, by_email):
        task = complaint.callback_tasks.get()
        response = client.post(f"/callbacks/tasks/{task.pk}/survey-link/", **HOST)
        assert response.status_code == 302
    notice = client.get(f"/complaints/{by_sms.pk}/print/notice/", **HOST).content.decode()
    # The closing messages, by text and by e-mail, closed on the page.
    for customer in (by_sms.customer, by_email.customer):
        closed = world.complaint(customer=customer)
        Complaint.objects.filter(pk=closed.pk).update(state=State.VERIFIED)
        tick_required(closed, "close", director)
        response = client.post(
            f"/complaints/{closed.pk}/moves/close/",
            {"version": Complaint.objects.get(pk=closed.pk).version, "summary": "已更换。"},
            **HOST,
        )
        assert response.status_code == 302, response.content.decode()[:2000]
    deliver_due(worker_id="links")  # the staff's notification e-mails

    texts = outgoing_texts()
    links = links_in([*texts, notice])
    assert links, "nothing with a link went out"
    assert {link for link in links if not link.startswith(PUBLIC + "/")} == set()
    # Each kind is among them (so the test cannot pass by reading nothing).
    assert any(
        f"/complaints/{by_sms.pk}/" in body_of(d.payload).decode() for d in Delivery.objects.all()
    )
    assert any("/callbacks/s/" in render_sms(m) for m in SmsMessage.objects.all())
    assert CustomerMessage.objects.filter(kind="survey", body__contains=PUBLIC + "/callbacks/s/")
    assert any(PUBLIC + "/complaints/" in m.body for m in mail.outbox)
    assert f"{PUBLIC}/portal/track/?number={by_sms.number}" in notice
    closures = CustomerMessage.objects.filter(kind="closure")
    assert {m.channel for m in closures} == {"sms", "email"}
    assert all(PUBLIC + "/portal/track/?number=" in m.body for m in closures)
