"""The notifications admin: robots are configured there; the outbox and its log are read-only."""

import pytest

from kesu.notifications.models import DeliveryAttempt, Notification, WebhookEndpoint
from kesu.notifications.tests.factories import NotificationFactory, WebhookEndpointFactory
from kesu.organisation.choices import Role
from kesu.organisation.tests.factories import UserFactory


@pytest.fixture
def admin_client(client, world):
    admin = UserFactory(
        role=Role.ADMIN, is_staff=True, is_superuser=True, branch=None, organisation=world.org
    )
    client.force_login(admin)
    return client


@pytest.fixture
def logged(world):
    n = NotificationFactory(recipient=world.user(Role.HANDLER), kind="crisis")
    DeliveryAttempt.objects.create(notification=n, worker_id="w-17", ok=False, error="refused")
    return n


def test_the_pages_load(admin_client, world, logged):
    robot = WebhookEndpointFactory(branch=world.branch, name="售后群")
    for path in [
        "/admin/notifications/webhookendpoint/",
        f"/admin/notifications/webhookendpoint/{robot.pk}/change/",
        "/admin/notifications/webhookendpoint/add/",
        "/admin/notifications/notification/",
        f"/admin/notifications/notification/{logged.pk}/change/",
        "/admin/notifications/deliveryattempt/",
        "/admin/notifications/notificationsetting/",
        "/admin/notifications/notificationsetting/add/",
    ]:
        assert admin_client.get(path).status_code == 200, path


def test_a_robot_is_added_and_found_by_name(admin_client, world):
    response = admin_client.post(
        "/admin/notifications/webhookendpoint/add/",
        {
            "branch": world.branch.pk,
            "name": "投诉处理群",
            "kind": "wecom",
            "url": "https://qyapi.weixin.qq.com/cgi-bin/webhook/send?key=abc",
            "secret": "",
            "is_active": "on",
        },
    )
    assert response.status_code == 302
    assert WebhookEndpoint.objects.get().name == "投诉处理群"
    found = admin_client.get("/admin/notifications/webhookendpoint/?q=投诉")
    assert "投诉处理群" in found.content.decode()


def test_the_outbox_shows_its_attempts_and_cannot_be_written(admin_client, logged):
    page = admin_client.get(f"/admin/notifications/notification/{logged.pk}/change/")
    content = page.content.decode()
    assert "w-17" in content and "refused" in content
    assert 'name="_save"' not in content and 'name="kind"' not in content
    assert admin_client.get("/admin/notifications/notification/add/").status_code == 403
    assert admin_client.get("/admin/notifications/deliveryattempt/add/").status_code == 403
    response = admin_client.post(
        f"/admin/notifications/notification/{logged.pk}/delete/", {"post": "yes"}
    )
    assert response.status_code == 403 and Notification.objects.filter(pk=logged.pk).exists()
    response = admin_client.post(
        f"/admin/notifications/notification/{logged.pk}/change/", {"kind": "changed"}
    )
    assert response.status_code == 403
    assert Notification.objects.get(pk=logged.pk).kind == "crisis"


def test_the_log_is_searched_by_worker(admin_client, logged):
    DeliveryAttempt.objects.create(notification=logged, worker_id="w-99", ok=True)
    found = admin_client.get("/admin/notifications/deliveryattempt/?q=w-17").content.decode()
    assert "w-17" in found and "w-99" not in found
