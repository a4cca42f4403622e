"""kesu/webhooks/views.py: the pages through real HTTP (the test client), in both languages."""

import pytest
from django.urls import reverse

from kesu.audit.models import AuditEntry
from kesu.organisation.choices import Role
from kesu.webhooks.choices import Event, Status, WebhookAction
from kesu.webhooks.models import Delivery, Endpoint
from kesu.webhooks.services import deliver_all_due, endpoint_create
from kesu.webhooks.tests.test_services import _other_organisation


@pytest.fixture
def admin_client(client, admin_user):
    client.force_login(admin_user)
    return client


def test_an_administrator_creates_an_endpoint_and_sees_its_secret_once(
    admin_client, world, receiver
):
    new = reverse("webhooks:endpoint-new")
    assert admin_client.get(new).status_code == 200
    response = admin_client.post(
        new,
        {
            "url": receiver.url,
            "description": "经销商管理系统",
            "events": [Event.COMPLAINT_CREATED, Event.COMPLAINT_OVERDUE],
            "branches": [world.branch.pk],
            "is_active": "on",
        },
    )
    assert response.status_code == 200
    endpoint = Endpoint.objects.get()
    assert endpoint.secret in response.content.decode()
    assert response["Cache-Control"] == "no-store"
    assert list(endpoint.branches.all()) == [world.branch]
    # Never again: not on its page, nor in the list.
    page = admin_client.get(reverse("webhooks:endpoint", args=[endpoint.pk])).content.decode()
    assert endpoint.secret not in page and "经销商管理系统" in page
    assert endpoint.secret not in admin_client.get(reverse("webhooks:endpoints")).content.decode()
    # A new secret replaces it and is shown once.
    rotated = admin_client.post(reverse("webhooks:endpoint-secret", args=[endpoint.pk]))
    endpoint.refresh_from_db()
    assert endpoint.secret in rotated.content.decode()


@pytest.mark.parametrize("language", ["zh-hans", "en"])
def test_bad_input_is_refused_in_the_users_language(admin_client, language):
    admin_client.cookies["django_language"] = language
    response = admin_client.post(
        reverse("webhooks:endpoint-new"),
        {"url": "ftp://x", "description": "", "events": ["complaint.deleted"]},
        HTTP_ACCEPT_LANGUAGE=language,
    )
    assert response.status_code == 400
    text = response.content.decode()
    if language == "en":
        assert "Enter an http:// or https:// address." in text
        assert "Say what the endpoint is" in text
    else:
        assert "请输入以 http:// 或 https:// 开头的地址。" in text
    assert not Endpoint.objects.exists()


def test_changing_an_endpoint_is_saved_and_audited(admin_client, endpoint):
    url = reverse("webhooks:endpoint", args=[endpoint.pk])
    response = admin_client.post(
        url, {"url": endpoint.url, "description": "CRM 新", "events": [Event.COMPLAINT_CRISIS]}
    )
    assert response.status_code == 302
    endpoint.refresh_from_db()
    assert endpoint.events == [Event.COMPLAINT_CRISIS] and endpoint.is_active is False
    assert AuditEntry.objects.filter(action=WebhookAction.ENDPOINT_CHANGED).count() == 1


def test_the_log_filters_shows_attempts_and_replays(admin_client, world, endpoint, receiver):
    receiver.status, receiver.answer = 500, "服务器忙".encode()
    complaint = world.complaint()
    deliver_all_due("w")
    delivery = Delivery.objects.get()

    log = reverse("webhooks:deliveries")
    assert complaint.number in admin_client.get(log).content.decode()
    filtered = admin_client.get(log, {"status": Status.DELIVERED}).content.decode()
    assert complaint.number not in filtered
    by_event = admin_client.get(log, {"event": Event.COMPLAINT_CREATED, "endpoint": endpoint.pk})
    assert complaint.number in by_event.content.decode()
    bad = admin_client.get(log, {"endpoint": "abc", "status": "lost"})
    assert bad.status_code == 200

    page = admin_client.get(reverse("webhooks:delivery", args=[delivery.pk])).content.decode()
    assert "500" in page and "服务器忙" in page and delivery.event_id in page

    response = admin_client.post(reverse("webhooks:delivery-replay", args=[delivery.pk]))
    replay = Delivery.objects.exclude(pk=delivery.pk).get()
    assert response.status_code == 302
    assert response["Location"] == reverse("webhooks:delivery", args=[replay.pk])
    receiver.status = 200
    deliver_all_due("w")
    replay.refresh_from_db()
    assert replay.status == Status.DELIVERED


def test_others_are_refused_and_another_organisations_objects_are_not_found(
    client, world, endpoint, receiver
):
    world.complaint()
    delivery = Delivery.objects.get()
    pages = [
        reverse("webhooks:endpoints"),
        reverse("webhooks:deliveries"),
        reverse("webhooks:endpoint", args=[endpoint.pk]),
        reverse("webhooks:delivery", args=[delivery.pk]),
    ]
    for role in (Role.GROUP, Role.DIRECTOR, Role.FRONTLINE):
        client.force_login(world.user(role))
        assert {client.get(p).status_code for p in pages} == {403}
        replay = reverse("webhooks:delivery-replay", args=[delivery.pk])
        assert client.post(replay).status_code == 403
    _org, their_admin = _other_organisation()
    endpoint_create(actor=their_admin, url=receiver.url, description="他们的", events=Event.values)
    client.force_login(their_admin)
    assert client.get(pages[2]).status_code == 404
    assert client.get(pages[3]).status_code == 404
    assert client.post(reverse("webhooks:delivery-replay", args=[delivery.pk])).status_code == 404
    assert client.post(reverse("webhooks:endpoint-secret", args=[endpoint.pk])).status_code == 404
    listed = client.get(pages[0]).content.decode()
    ours = reverse("webhooks:endpoint", args=[endpoint.pk])
    assert "他们的" in listed and f'href="{ours}"' not in listed
    assert Delivery.objects.count() == 1


def test_the_delivery_page_shows_the_exact_body_that_was_sent(
    admin_client, world, endpoint, receiver
):
    from django.utils.html import escape

    world.complaint(title="刹车 <异响> & “抖动”")
    delivery = Delivery.objects.get()
    # the stored body is what goes out, byte for byte, even where a fresh dump would differ
    sent = delivery.body.replace('{"id":', '{ "id" :', 1)
    Delivery.objects.filter(pk=delivery.pk).update(body=sent)
    deliver_all_due("w")
    (got,) = receiver.received
    assert got.body == sent.encode("utf-8")
    page = admin_client.get(reverse("webhooks:delivery", args=[delivery.pk])).content.decode()
    assert f'<pre class="payload" translate="no" data-webhook-body>{escape(sent)}</pre>' in page
    assert '"id": ' in page.replace("&quot;", '"')  # and the laid-out view beside it
