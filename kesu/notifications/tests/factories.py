import factory

from kesu.notifications.choices import Channel, EndpointKind
from kesu.notifications.models import Notification, WebhookEndpoint
from kesu.organisation.tests.factories import BranchFactory

# A deadline payload as the sweep writes it: codes and values only.
REMINDER_PAYLOAD = {
    "complaint_id": 123,
    "complaint_number": "KS-2026-000123",
    "title": "保养后异响",
    "milestone": "first_contact",
    "due_at": "2026-03-10T04:00:00+00:00",  # 12:00 in Shanghai
}


class WebhookEndpointFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = WebhookEndpoint

    branch = factory.SubFactory(BranchFactory)
    name = factory.Sequence(lambda n: f"售后群{n}")
    kind = EndpointKind.WECOM
    url = "http://127.0.0.1:9/robot/send?key=abc"


class NotificationFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Notification

    organisation = factory.SelfAttribute("recipient.organisation")
    branch = factory.SelfAttribute("recipient.branch")
    recipient = None
    channel = Channel.INBOX
    kind = "milestone_reminder"
    payload = factory.LazyFunction(lambda: dict(REMINDER_PAYLOAD))
    dedupe_key = factory.Sequence(lambda n: f"test:{n}")
