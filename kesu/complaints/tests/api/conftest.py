"""API test helpers on top of the shared `world` fixture (kesu/conftest.py)."""

import pytest
from rest_framework.test import APIClient

from kesu.organisation.choices import Role


@pytest.fixture
def api(world):
    """api(role) or api(user=...) → an APIClient signed in as that user, speaking English."""

    def client_for(role: str = Role.FRONTLINE, *, user=None, language: str = "en") -> APIClient:
        client = APIClient(HTTP_ACCEPT_LANGUAGE=language)
        client.default_format = "json"
        client.force_authenticate(user or world.user(role))
        return client

    return client_for
