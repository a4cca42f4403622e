import pytest
from django.db import IntegrityError

from kesu.integrations.services import integration_create
from kesu.organisation.choices import Role

pytestmark = pytest.mark.django_db


def test_names_and_expiry(world):
    integration, _key = integration_create(
        organisation=world.org, name="微信公众号", all_branches=True
    )
    assert str(integration) == "微信公众号"
    assert not integration.is_expired()


def test_an_extension_belongs_to_one_user_of_an_organisation(world):
    first, second = world.user(Role.FRONTLINE), world.user(Role.CALLBACK)
    first.extension = second.extension = "8012"
    first.save()
    with pytest.raises(IntegrityError):
        second.save()
