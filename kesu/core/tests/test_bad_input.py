"""Hostile or broken input gets a clear 400 in the user's language, never a 500.

Runs on SQLite and on PostgreSQL (which cannot store NUL characters in text at all).
"""

import json

import pytest
from django.test import Client
from rest_framework.authtoken.models import Token

from kesu.audit.models import AuditEntry
from kesu.organisation.choices import Role


@pytest.fixture
def staff(world):
    client = Client(raise_request_exception=False)
    client.force_login(world.user(Role.FRONTLINE))
    return client


@pytest.fixture
def api(world):
    client = Client(raise_request_exception=False)
    token = Token.objects.create(user=world.user(Role.FRONTLINE)).key
    client.defaults["HTTP_AUTHORIZATION"] = f"Token {token}"
    return client


@pytest.mark.parametrize(
    "path",
    [
        "/complaints/?q=ab%00cd",
        "/complaints/?state=%00",
        "/?x%00=1",
        "/customers/lookup/?phone=138%00",
    ],
)
@pytest.mark.parametrize(("language", "words"), [("zh-hans", "NUL 字符"), ("en", "NUL character")])
def test_nul_in_a_query_is_a_readable_400(staff, path, language, words):
    response = staff.get(path, HTTP_ACCEPT_LANGUAGE=language)
    assert response.status_code == 400
    assert words in response.content.decode()


def test_nul_in_a_form_field_is_a_400_and_saves_nothing(staff, world):
    complaint = world.complaint()
    entries = AuditEntry.objects.filter(complaint_id=complaint.pk)
    before = entries.count()
    response = staff.post(f"/complaints/{complaint.pk}/notes/", {"text": "先生\x00您好"})
    assert response.status_code == 400
    assert entries.count() == before


def test_nul_in_an_api_query_is_the_json_error_shape(api):
    response = api.get("/api/v1/complaints/?q=%00")
    assert response.status_code == 400
    assert response.json()["error"]["code"] == "bad_request"


def _post(api, body: str):
    return api.post("/api/v1/complaints/", body, content_type="application/json")


def test_json_nested_hundreds_of_levels(api):
    response = _post(api, "[" * 5000 + "]" * 5000)
    assert response.status_code == 400
    assert "nested too deeply" in response.json()["error"]["message"]


def test_brackets_inside_strings_do_not_count_as_nesting(api):
    response = _post(api, json.dumps({"title": "[" * 500, "account": "{" * 500}))
    assert response.status_code == 400
    assert response.json()["error"]["code"] == "invalid"  # reached the serializer


@pytest.mark.parametrize("number", ["1e400", "-1e400", "9" * 5000, "NaN", "Infinity"])
def test_numbers_beyond_range_are_refused(api, number):
    response = _post(api, '{"title": "x", "upset_level": ' + number + "}")
    assert response.status_code == 400
    assert response.json()["error"]["message"]


def test_nul_inside_a_json_string_is_a_field_error(api):
    response = _post(api, json.dumps({"title": "a\x00b"}))
    assert response.status_code == 400
    assert "title" in response.json()["error"]["fields"]


@pytest.mark.parametrize("value", ["1e400", "99999999999999999999999999", "-1", "%00"])
def test_list_filters_with_absurd_values_never_500(api, value):
    for name in ("upset_level", "severity", "customer", "owner", "received_after", "before"):
        response = api.get(f"/api/v1/complaints/?{name}={value}")
        assert response.status_code < 500, (name, value, response.content[:200])
