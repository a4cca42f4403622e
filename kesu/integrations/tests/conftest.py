"""Integration tokens on top of the shared `world` fixture (kesu/conftest.py)."""

import base64
import uuid

import pytest
from rest_framework.test import APIClient

from kesu.integrations.services import integration_create

# A PNG's first bytes: enough for the upload check's signature test.
PNG = b"\x89PNG\r\n\x1a\n" + b"\x00" * 64


def png_b64() -> str:
    return base64.b64encode(PNG).decode()


@pytest.fixture
def make_integration(world):
    """make_integration(**fields) → (integration, key); all scopes, the east branch only."""

    def make(**fields):
        fields.setdefault("organisation", world.org)
        fields.setdefault("name", "微信公众号")
        fields.setdefault("may_read", True)
        fields.setdefault("may_write", True)
        fields.setdefault("may_register_inbound", True)
        fields.setdefault("may_report_calls", True)
        if "branches" not in fields and not fields.get("all_branches"):
            fields["all_branches"] = False
            fields["branches"] = [world.branch]
        return integration_create(**fields)

    return make


@pytest.fixture
def bearer():
    """bearer(key) → an API client that sends the integration's key, speaking English."""

    def client_for(key: str, language: str = "en") -> APIClient:
        client = APIClient(HTTP_ACCEPT_LANGUAGE=language, HTTP_AUTHORIZATION=f"Bearer {key}")
        client.default_format = "json"
        return client

    return client_for


def inbound_body(**overrides) -> dict:
    body = {
        "channel": "wechat",
        "external_reference": "wx-0001",
        "customer": {"phone": "13812345678", "name": "王先生", "email": "wang@example.com"},
        "title": "提车三天仪表盘报警",
        "account": "新车提车第三天仪表盘亮起发动机故障灯。",
    }
    body.update(overrides)
    return body


def post_inbound(client, body, key=None):
    return client.post(
        "/api/v1/inbound/complaints/",
        body,
        format="json",
        HTTP_IDEMPOTENCY_KEY=key or str(uuid.uuid4()),
    )


from kesu.complaints.tests.api.conftest import api  # noqa: E402, F401
