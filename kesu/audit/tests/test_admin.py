"""kesu/audit/admin.py: the audit trail in /admin/, readable and never editable."""

import pytest
from django.contrib import admin
from django.urls import reverse

from kesu.audit.admin import AuditEntryAdmin
from kesu.audit.models import AuditEntry
from kesu.organisation.choices import Role

pytestmark = pytest.mark.django_db


@pytest.fixture
def superuser_client(client, world):
    user = world.user(Role.ADMIN)
    user.is_staff = user.is_superuser = True
    user.save()
    client.force_login(user)
    return client


def test_the_changelist_and_an_entry_load_for_a_superuser(superuser_client, world):
    complaint = world.complaint()
    entry = AuditEntry.objects.filter(complaint_id=complaint.pk).first()
    changelist = superuser_client.get(reverse("admin:audit_auditentry_changelist"))
    assert changelist.status_code == 200
    assert entry.action in changelist.content.decode()
    page = superuser_client.get(reverse("admin:audit_auditentry_change", args=[entry.pk]))
    assert page.status_code == 200


def test_the_search_finds_a_complaints_entries_exactly(superuser_client, world):
    first, second = world.complaint(), world.complaint()
    url = reverse("admin:audit_auditentry_changelist")
    response = superuser_client.get(url, {"q": str(first.pk)})
    shown = {entry.complaint_id for entry in response.context["cl"].result_list}
    assert shown == {first.pk}
    assert second.pk not in shown


def test_entries_cannot_be_added_changed_or_deleted(superuser_client, world):
    complaint = world.complaint()
    entry = AuditEntry.objects.filter(complaint_id=complaint.pk).first()
    assert superuser_client.get(reverse("admin:audit_auditentry_add")).status_code == 403
    delete = reverse("admin:audit_auditentry_delete", args=[entry.pk])
    assert superuser_client.post(delete, {"post": "yes"}).status_code == 403
    assert AuditEntry.objects.filter(pk=entry.pk).exists()


def _changed_fields(data):
    return AuditEntryAdmin(AuditEntry, admin.site).changed_fields(AuditEntry(data=data))


def test_changed_fields_lists_the_changes_then_the_secrets():
    data = {"changes": {"name": ["a", "b"], "code": ["x", "y"]}, "secrets_changed": ["password"]}
    assert _changed_fields(data) == "name, code, password"


@pytest.mark.parametrize("data", [{}, [], None, {"changes": ["not", "a", "dict"]}])
def test_changed_fields_of_entries_without_changes_is_empty(data):
    assert _changed_fields(data) == ""
