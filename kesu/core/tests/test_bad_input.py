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


@pytest.mark.parametrize(
    ("language", "words"), [("zh-hans", "无法接受的字符"), ("en", "cannot be accepted")]
)
def test_nul_in_a_form_field_marks_the_field_keeps_the_text_and_saves_nothing(
    staff, world, language, words
):
    complaint = world.complaint()
    entries = AuditEntry.objects.filter(complaint_id=complaint.pk)
    before = entries.count()
    response = staff.post(
        f"/complaints/{complaint.pk}/notes/",
        {"text": "先生\x00您好，车已修好"},
        HTTP_ACCEPT_LANGUAGE=language,
    )
    assert response.status_code == 400
    page = response.content.decode()
    assert words in page and "先生您好，车已修好" in page and "\x00" not in page
    assert entries.count() == before
    # Sent again as it came back, it is saved.
    response = staff.post(f"/complaints/{complaint.pk}/notes/", {"text": "先生您好，车已修好"})
    assert response.status_code == 302 and entries.count() == before + 1


@pytest.mark.parametrize("character", ["\x00", "\x08", "\x1b", "\ufffe"])
def test_every_refused_character_is_taken_out_and_named(rf, character):
    from django.http import HttpResponse

    from kesu.core.middleware import RefuseNullCharactersMiddleware

    seen = {}

    def view(request):
        seen["post"] = request.POST
        return HttpResponse("ok")

    request = rf.post("/x/", {"title": f"a{character}b", "kept": "tab\tand\nline"})
    assert RefuseNullCharactersMiddleware(view)(request).status_code == 200
    post = seen["post"]
    assert post["title"] == "ab" and post["kept"] == "tab\tand\nline"
    assert post.refused_characters == {"title"} and post.copy().refused_characters == {"title"}


def test_nul_in_a_fields_name_or_an_api_form_is_still_refused(staff, world):
    complaint = world.complaint()
    response = staff.post(f"/complaints/{complaint.pk}/notes/", {"te\x00xt": "x"})
    assert response.status_code == 400 and "NUL" in response.content.decode()
    response = staff.post("/api/v1/complaints/", {"title": "a\x00b"})
    assert response.status_code == 400
    assert response.json()["error"]["code"] == "bad_request"


def test_the_intake_form_keeps_what_was_typed(staff, world):
    from kesu.complaints.models import Complaint
    from kesu.complaints.tests.pages.helpers import NEW_CALL

    response = staff.post(
        "/complaints/new/",
        {**NEW_CALL, "account": "夏天开空调\x00一直吹热风。"},
        HTTP_ACCEPT_LANGUAGE="en",
    )
    assert response.status_code == 400
    page = response.content.decode()
    assert "cannot be accepted" in page and "夏天开空调一直吹热风。" in page
    assert NEW_CALL["title"] in page and "赵六" in page
    assert not Complaint.objects.exists()


def test_a_move_keeps_what_was_typed(world):
    from kesu.complaints.choices import State
    from kesu.complaints.models import Complaint

    complaint = world.complaint()
    Complaint.objects.filter(pk=complaint.pk).update(state=State.IN_PROGRESS)
    client = Client(raise_request_exception=False)
    client.force_login(world.user(Role.HANDLER))
    response = client.post(
        f"/complaints/{complaint.pk}/moves/resolve/",
        {"result": "已更换\x00传感器"},
        HTTP_ACCEPT_LANGUAGE="en",
    )
    assert response.status_code == 400
    page = response.content.decode()
    assert "cannot be accepted" in page and "已更换传感器" in page
    complaint.refresh_from_db()
    assert complaint.state == State.IN_PROGRESS


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
