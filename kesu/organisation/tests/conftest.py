import pytest

from kesu.organisation.choices import Role


@pytest.fixture
def admin_client_(client, world):
    """The test client signed in as the organisation's administrator, a superuser."""
    admin = world.user(Role.ADMIN)
    admin.is_staff = admin.is_superuser = True
    admin.save()
    client.force_login(admin)
    return client
