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


def test_a_new_integration_is_not_in_all_branches_until_ticked(admin_client_):
    """Pre-ticked, "in all branches" overrode the branch the administrator did tick."""
    page = admin_client_.get("/admin/integrations/integration/add/").content.decode()
    (checkbox,) = re.findall(r'<input[^>]*name="all_branches"[^>]*>', page)
    assert "checked" not in checkbox
    assert Integration().all_branches is False


@pytest.mark.parametrize(
    ("language", "message"),
    [
        ("en", "Choose either “in all branches” or particular branches, not both"),
        ("zh-hans", "请只选“全部门店”或具体门店，不能同时选"),
    ],
)
def test_all_branches_and_a_branch_are_refused_together(world, admin_client_, language, message):
    response = admin_client_.post(
        "/admin/integrations/integration/add/",
        {
            "name": "西城只读写",
            "organisation": world.org.pk,
            "may_read": "on",
            "may_write": "on",
            "all_branches": "on",
            "branches": [world.other_branch.pk],
        },
        HTTP_ACCEPT_LANGUAGE=language,
    )
    assert response.status_code == 200
    assert message in response.content.decode()
    assert not Integration.objects.exists()


def test_an_integration_saved_with_both_must_choose_when_edited(world, admin_client_):
    integration, _key = integration_create(
        organisation=world.org, name="CRM", branches=[world.branch]
    )
    Integration.objects.filter(pk=integration.pk).update(all_branches=True)  # as saved before
    url = f"/admin/integrations/integration/{integration.pk}/change/"
    fields = {"name": "CRM", "organisation": world.org.pk, "may_read": "on"}
    both = admin_client_.post(url, {**fields, "all_branches": "on", "branches": [world.branch.pk]})
    assert both.status_code == 200 and "not both" in both.content.decode()
    assert admin_client_.post(url, {**fields, "branches": [world.branch.pk]}).status_code == 302
    integration.refresh_from_db()
    assert not integration.all_branches
    assert list(integration.branches.all()) == [world.branch]


def test_all_branches_alone_is_every_branch(world, admin_client_):
    response = admin_client_.post(
        "/admin/integrations/integration/add/",
        {"name": "CRM", "organisation": world.org.pk, "may_read": "on", "all_branches": "on"},
    )
    assert response.status_code == 302
    integration = Integration.objects.get()
    assert integration.all_branches and not integration.branches.exists()


def test_revoking_is_audited(world, admin_client_):
    integration, _key = integration_create(organisation=world.org, name="CRM", all_branches=True)
    admin_client_.post(
        "/admin/integrations/integration/",
        {"action": "revoke", "_selected_action": [integration.pk]},
    )
    integration.refresh_from_db()
    assert integration.revoked and integration.revoked_at
    entry = AuditEntry.objects.get(action="admin_action", object_id=integration.pk)
    assert entry.data["changes"]["revoked"] == [False, True]
