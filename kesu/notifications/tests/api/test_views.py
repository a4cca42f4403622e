from datetime import timedelta

import pytest
from django.utils import timezone
from rest_framework.test import APIClient

from kesu.notifications.choices import Channel
from kesu.notifications.models import Notification
from kesu.notifications.tests.factories import REMINDER_PAYLOAD, NotificationFactory
from kesu.organisation.choices import Role

INBOX = "/api/v1/inbox/"


@pytest.fixture
def client_for(world):
    def make(user, language="en") -> APIClient:
        client = APIClient(HTTP_ACCEPT_LANGUAGE=language)
        client.default_format = "json"
        client.force_authenticate(user)
        return client

    return make


@pytest.fixture
def inboxes(world):
    """Three items for the handler (one read, one e-mail that is not an inbox item), one for another."""
    me = world.user(Role.HANDLER)
    other = world.other_users[Role.HANDLER]
    now = timezone.now()
    mine = [
        NotificationFactory(recipient=me, kind="milestone_reminder"),
        NotificationFactory(recipient=me, kind="crisis", read_at=now - timedelta(hours=1)),
        NotificationFactory(
            recipient=me, kind="escalation", payload={**REMINDER_PAYLOAD, "level": 2}
        ),
    ]
    NotificationFactory(recipient=me, channel=Channel.EMAIL)
    theirs = NotificationFactory(recipient=other)
    return me, other, mine, theirs


def test_inbox_lists_only_my_items_newest_first_rendered(world, client_for, inboxes):
    me, _, mine, _ = inboxes
    response = client_for(me).get(INBOX)
    assert response.status_code == 200
    results = response.json()["results"]
    assert [r["id"] for r in results] == [n.pk for n in reversed(mine)]
    escalation = results[0]
    assert escalation["kind"] == "escalation"
    assert escalation["subject"] == "Escalated: KS-2026-000123"
    assert "Customer director" in escalation["body"]
    assert escalation["complaint_id"] == 123
    assert escalation["is_read"] is False
    assert results[1]["is_read"] is True


def test_inbox_speaks_the_request_language(world, client_for, inboxes):
    me = inboxes[0]
    body = client_for(me, language="zh-hans").get(INBOX).json()["results"][-1]["body"]
    assert "03月10日 12:00" in body
    body = client_for(me, language="en").get(INBOX).json()["results"][-1]["body"]
    assert "March 10 12:00" in body


def test_inbox_unread_filter_and_cursor_pagination(world, client_for, inboxes):
    me, _, mine, _ = inboxes
    client = client_for(me)
    unread = client.get(INBOX, {"unread": "true"}).json()["results"]
    assert [r["id"] for r in unread] == [mine[2].pk, mine[0].pk]
    read = client.get(INBOX, {"unread": "false"}).json()["results"]
    assert [r["id"] for r in read] == [mine[1].pk]

    first = client.get(INBOX, {"page_size": 2}).json()
    assert [r["id"] for r in first["results"]] == [mine[2].pk, mine[1].pk]
    second = client.get(first["next"]).json()
    assert [r["id"] for r in second["results"]] == [mine[0].pk]
    assert second["next"] is None


def test_marking_read_and_the_unread_count(world, client_for, inboxes):
    me, _, mine, _ = inboxes
    client = client_for(me)
    assert client.get(f"{INBOX}unread-count/").json() == {"unread": 2}

    response = client.post(f"{INBOX}{mine[0].pk}/read/")
    assert response.status_code == 200
    assert response.json()["is_read"] is True
    first_read_at = Notification.objects.get(pk=mine[0].pk).read_at
    assert first_read_at is not None
    # Again is harmless and keeps the first time.
    assert client.post(f"{INBOX}{mine[0].pk}/read/").status_code == 200
    assert Notification.objects.get(pk=mine[0].pk).read_at == first_read_at
    assert client.get(f"{INBOX}unread-count/").json() == {"unread": 1}

    assert client.post(f"{INBOX}read-all/").json() == {"marked": 1}
    assert client.get(f"{INBOX}unread-count/").json() == {"unread": 0}


def test_nobody_sees_or_marks_anyone_elses_items(world, client_for, inboxes):
    me, other, mine, theirs = inboxes
    client = client_for(me)
    response = client.post(f"{INBOX}{theirs.pk}/read/")
    assert response.status_code == 404
    assert response.json()["error"]["code"] == "not_found"
    email = Notification.objects.get(channel=Channel.EMAIL)
    assert client.post(f"{INBOX}{email.pk}/read/").status_code == 404

    client.post(f"{INBOX}read-all/")
    assert Notification.objects.get(pk=theirs.pk).read_at is None

    their_client = client_for(other)
    assert [r["id"] for r in their_client.get(INBOX).json()["results"]] == [theirs.pk]
    assert their_client.get(f"{INBOX}unread-count/").json() == {"unread": 1}
    # A director of my branch does not see my inbox either.
    assert client_for(world.user(Role.DIRECTOR)).get(INBOX).json()["results"] == []


def test_the_inbox_needs_a_signed_in_user(world):
    assert APIClient().get(INBOX).status_code in (401, 403)
    assert APIClient().post(f"{INBOX}read-all/").status_code in (401, 403)
