"""kesu/webhooks/admin.py: the log in the Django admin, its "send again" action."""

from django.urls import reverse

from kesu.webhooks.models import Delivery


def test_the_admin_lists_deliveries_and_sends_them_again(client, world, endpoint, admin_user):
    admin_user.is_staff = admin_user.is_superuser = True
    admin_user.save()
    client.force_login(admin_user)
    world.complaint()
    delivery = Delivery.objects.get()
    changelist = reverse("admin:webhooks_delivery_changelist")
    assert client.get(changelist).status_code == 200
    page = client.get(reverse("admin:webhooks_delivery_change", args=[delivery.pk]))
    assert page.status_code == 200
    ep_page = client.get(reverse("admin:webhooks_endpoint_change", args=[endpoint.pk]))
    assert ep_page.status_code == 200 and endpoint.secret not in ep_page.content.decode()

    response = client.post(
        changelist, {"action": "replay", "_selected_action": [delivery.pk]}, follow=True
    )
    assert response.status_code == 200
    assert Delivery.objects.filter(replay_of=delivery).count() == 1
