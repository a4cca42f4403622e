"""kesu/core/admin.py: ReadOnlyAdmin shows rows and refuses to add, change or delete them."""

import pytest
from django.contrib import admin
from django.test import RequestFactory
from django.urls import reverse

from kesu.core.admin import ReadOnlyAdmin
from kesu.core.models import WorkerHeartbeat
from kesu.organisation.choices import Role

pytestmark = pytest.mark.django_db


@pytest.fixture
def superuser_request(world):
    user = world.user(Role.ADMIN)
    user.is_staff = user.is_superuser = True
    user.save()
    request = RequestFactory().get("/admin/")
    request.user = user
    return request


def test_even_a_superuser_may_only_view(superuser_request):
    model_admin = ReadOnlyAdmin(WorkerHeartbeat, admin.site)
    row = WorkerHeartbeat.objects.create(worker_id="w1")
    assert not model_admin.has_add_permission(superuser_request)
    assert not model_admin.has_change_permission(superuser_request)
    assert not model_admin.has_change_permission(superuser_request, row)
    assert not model_admin.has_delete_permission(superuser_request, row)
    assert model_admin.has_view_permission(superuser_request, row)


def test_a_read_only_admin_registered_in_the_project_serves_its_list(client, world):
    user = world.user(Role.ADMIN)
    user.is_staff = user.is_superuser = True
    user.save()
    client.force_login(user)
    response = client.get(reverse("admin:customers_customer_changelist"))
    assert response.status_code == 200
    assert not response.context["has_add_permission"]
