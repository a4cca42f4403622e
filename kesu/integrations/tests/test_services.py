from datetime import timedelta

import pytest
from django.core.exceptions import ValidationError
from django.utils import timezone

from kesu.integrations.models import Integration
from kesu.integrations.services import (
    TokenRefused,
    acting_branches,
    call_dismiss,
    call_report,
    integration_create,
    integration_for_key,
    integration_prepare,
    integration_saved,
    secret_hash,
)
from kesu.organisation.choices import Role
from kesu.organisation.tests.factories import BranchFactory

pytestmark = pytest.mark.django_db


def test_the_key_is_kept_hashed_and_shown_by_its_first_characters(world):
    integration, key = integration_create(organisation=world.org, name="CRM", all_branches=True)
    assert key.startswith("kesu_") and len(key) > 40
    assert integration.secret_hash == secret_hash(key) != key
    assert integration.masked_key == key[:12] + "…"
    assert integration_for_key(key) == integration


def test_a_new_key_replaces_the_old_one(world):
    integration, old = integration_create(organisation=world.org, name="CRM", all_branches=True)
    new = integration_prepare(integration)
    assert integration_for_key(new) == integration
    with pytest.raises(TokenRefused):
        integration_for_key(old)
    assert Integration.objects.get().service_user == integration.service_user


def test_expiry_and_revocation(world):
    integration, key = integration_create(
        organisation=world.org,
        name="CRM",
        all_branches=True,
        expires_at=timezone.now() + timedelta(hours=1),
    )
    with pytest.raises(TokenRefused) as refused:
        integration_for_key(key, now=timezone.now() + timedelta(hours=2))
    assert refused.value.code == "token_expired"
    integration.revoked = True
    integration.save()
    integration_saved(integration)
    assert integration.revoked_at is not None
    with pytest.raises(TokenRefused) as refused:
        integration_for_key(key)
    assert refused.value.code == "token_revoked"


def test_branches_of_another_organisation_are_refused(world):
    with pytest.raises(ValidationError):
        integration_create(
            organisation=world.org, name="CRM", all_branches=False, branches=[BranchFactory()]
        )


@pytest.mark.parametrize("both", [True, False])
def test_an_integration_is_in_all_branches_or_in_those_given(world, both):
    """Both would silently reach every branch; neither, none."""
    with pytest.raises(ValidationError) as refused:
        integration_create(
            organisation=world.org,
            name="CRM",
            all_branches=both,
            branches=[world.other_branch] if both else [],
        )
    assert "branches" in refused.value.message_dict
    assert not Integration.objects.exists()


def test_acting_branches(world):
    everywhere, _ = integration_create(organisation=world.org, name="A", all_branches=True)
    east, _ = integration_create(
        organisation=world.org, name="B", all_branches=False, branches=[world.branch]
    )
    assert acting_branches(everywhere) is None
    assert acting_branches(east) == frozenset({world.branch.pk})


def test_a_renamed_integration_renames_its_service_user(world):
    integration, _ = integration_create(organisation=world.org, name="CRM", all_branches=True)
    integration.name = "厂家CRM"
    integration.save()
    integration_saved(integration)
    integration.service_user.refresh_from_db()
    assert str(integration.service_user) == "厂家CRM"


def test_a_call_and_its_dismissal(world):
    agent = world.user(Role.FRONTLINE)
    agent.extension = "8012"
    agent.save()
    integration, _ = integration_create(organisation=world.org, name="PBX", all_branches=True)
    call = call_report(integration=integration, caller="13812345678", extension="8012")
    assert call.expires_at - call.received_at == timedelta(minutes=1)
    assert call_dismiss(user=agent, call_id=call.pk).dismissed_at is not None
