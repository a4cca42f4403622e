"""docs/integrations.md is what integrators build on: its table of refusals, the caller forms
it lists and what it says /api/v1/me/ answers are checked against the API itself."""

import re
from pathlib import Path

import pytest
from django.conf import settings
from rest_framework.test import APIClient

from kesu.integrations.models import IncomingCall, Integration
from kesu.organisation.choices import Role

pytestmark = pytest.mark.django_db

DOC = (Path(settings.BASE_DIR) / "docs" / "integrations.md").read_text(encoding="utf-8")


def _documented_codes() -> dict[str, set[str]]:
    """The table "case | answer": each case (split at commas) → the codes its answer names."""
    codes: dict[str, set[str]] = {}
    for case, answer in re.findall(r"^\| ([^|]+) \| (\d{3}[^|]*) \|$", DOC, re.MULTILINE):
        for part in case.split(","):
            codes[part.strip()] = set(re.findall(r"`([a-z_]+)`", answer))
    return codes


def _code(response) -> str:
    return response.json()["error"]["code"]


def test_the_table_of_refusals_is_what_the_api_answers(world, make_integration):
    integration, key = make_integration()
    documented = _documented_codes()

    def answer(authorization: str | None) -> str:
        client = APIClient(HTTP_ACCEPT_LANGUAGE="en")
        if authorization is not None:
            client.credentials(HTTP_AUTHORIZATION=authorization)
        response = client.post("/api/v1/telephony/calls/", {"caller": "1", "extension": "1"})
        assert response.status_code == 401
        return _code(response)

    cases = {
        "no key (no `Authorization` header)": answer(None),
        "unknown key": answer("Bearer kesu_not-a-key"),
        "`Bearer` without a key": answer("Bearer"),
    }
    Integration.objects.filter(pk=integration.pk).update(revoked=True)
    cases["revoked"] = answer(f"Bearer {key}")
    for case, code in cases.items():
        assert documented[case] == {code}, case


# The forms docs/integrations.md lists for a caller: accepted (kept as) and refused.
ACCEPTED = {
    "13812345678": "13812345678",
    "+86 138-1234-5678": "+8613812345678",
    "010-6552 2100": "01065522100",
    "0086 13812345678": "008613812345678",
}
REFUSED = ["(010) 6552 2100", "138.1234.5678", "abc"]


def test_the_caller_forms_the_docs_list_are_the_ones_accepted(world, make_integration, bearer):
    agent = world.users[Role.FRONTLINE]
    agent.extension = "8012"
    agent.save(update_fields=["extension"])
    _integration, key = make_integration()
    client = bearer(key)
    for written, kept in ACCEPTED.items():
        assert f"`{written}`" in DOC and f"`{kept}`" in DOC
        response = client.post("/api/v1/telephony/calls/", {"caller": written, "extension": "8012"})
        assert response.status_code == 201, (written, response.json())
        assert response.json()["caller"] == kept
        assert IncomingCall.objects.get(pk=response.json()["id"]).caller == kept
    for written in REFUSED:
        assert f"`{written}`" in DOC
        response = client.post("/api/v1/telephony/calls/", {"caller": written, "extension": "8012"})
        assert response.status_code == 400, written
        assert "caller" in response.json()["error"]["fields"]


def test_the_schema_describes_the_caller_forms(world, api):
    schema = api(Role.DIRECTOR).get("/api/schema/?format=json").json()
    caller = schema["components"]["schemas"]["CallReportRequest"]["properties"]["caller"]
    assert "+86 138-1234-5678" in caller["description"]
    assert re.fullmatch(caller["pattern"], "+86 138-1234-5678")
