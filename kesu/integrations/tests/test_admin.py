"""Creating and revoking an integration in /admin/, both recorded in the audit trail."""

import re

import pytest

from kesu.audit.models import AuditEntry
from kesu.integrations.models import Integration
from kesu.integrations.services import integration_create, integration_for_key
from kesu.organisation.choices import Role

pytestmark = pytest.mark.django_db


@pytest.fixture
def admin_client_(client, world):
    admin = world.user(Role.ADMIN)
    admin.is_staff = admin.is_superuser = True
    admin.save()
    client.force_login(admin)
    return client


def test_the_key_is_shown_once_at_creation(world, admin_client_):
    response = admin_client_.post(
        "/admin/integrations/integration/add/",
        {
            "name": "微信公众号",
            "organisation": world.org.pk,
            "may_read": "on",
            "may_write": "on",
            "may_register_inbound": "on",
            "branches": [world.branch.pk],
        },
        follow=True,
    )
    page = response.content.decode()
    (key,) = re.findall(r"kesu_[A-Za-z0-9_\-]{40,}", page)
    integration = Integration.objects.get()
    assert integration_for_key(key) == integration
    assert integration.service_user.display_name == "微信公众号"
    assert not integration.all_branches
    # Afterwards only the first characters.
    listing = admin_client_.get("/admin/integrations/integration/").content.decode()
    assert key not in listing and integration.masked_key in listing
    entry = AuditEntry.objects.filter(action="admin_added", object_id=integration.pk).get()
    assert key not in str(entry.data) and integration.secret_hash not in str(entry.data)


def test_all_branches_or_some(world, admin_client_):
    response = admin_client_.post(
        "/admin/integrations/integration/add/",
        {"name": "CRM", "organisation": world.org.pk},
    )
    assert response.status_code == 200  # the form again, with the error
    assert not Integration.objects.exists()


def test_revoking_is_audited(world, admin_client_):
    integration, _key = integration_create(organisation=world.org, name="CRM")
    admin_client_.post(
        "/admin/integrations/integration/",
        {"action": "revoke", "_selected_action": [integration.pk]},
    )
    integration.refresh_from_db()
    assert integration.revoked and integration.revoked_at
    entry = AuditEntry.objects.get(action="admin_action", object_id=integration.pk)
    assert entry.data["changes"]["revoked"] == [False, True]
