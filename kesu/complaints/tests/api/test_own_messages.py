"""API refusals are Kesu's own words in the request's language, never Python's or DRF's raw text.

The Chinese checks look for English words (two ASCII letters or more): whatever raw framework
or interpreter text slips through next, it is English, and it shows up here.
"""

import re

import pytest
from rest_framework.test import APIClient

from kesu.complaints.tests.api.helpers import complaint_url, error_of
from kesu.customers.tests.factories import CustomerFactory
from kesu.organisation.choices import Role

# Technical names a Chinese message may keep.
TERMS = {"JSON", "NUL"}
# Interpreter and framework wording that must never reach a client.
RAW = ("Expecting", "char ", "sys.", "digits)", "compliant", "Invalid pk", "Incorrect type", "CSRF")


def english_words(text: str, allowed=()) -> list[str]:
    return [w for w in re.findall(r"[A-Za-z]{2,}", text) if w not in TERMS | set(allowed)]


def all_messages(error: dict) -> list[str]:
    return [error["message"], *(m for ms in error["fields"].values() for m in ms)]


def assert_own_words(error: dict, language: str, allowed=()) -> None:
    for message in all_messages(error):
        assert not any(raw in message for raw in RAW), message
        if language == "zh-hans":
            assert not english_words(message, allowed), message


BAD_BODIES = {
    "syntax": b"{x: 1}",
    "unfinished": b'{"title": ',
    "huge_integer": b'{"title": "t", "customer": ' + b"7" * 5000 + b"}",
    "nan": b'{"title": NaN}',
    "infinity": b'{"title": -Infinity}',
}


@pytest.mark.parametrize("language", ["en", "zh-hans"])
@pytest.mark.parametrize("body", BAD_BODIES.values(), ids=BAD_BODIES.keys())
def test_unreadable_json_is_refused_in_kesus_words(world, api, language, body):
    response = api(language=language).generic(
        "POST", "/api/v1/complaints/", body, content_type="application/json"
    )
    assert response.status_code == 400
    error = error_of(response)
    assert error["code"] == "parse_error"
    assert_own_words(error, language)


@pytest.mark.parametrize(
    ("language", "where"), [("en", "line 1, column 2"), ("zh-hans", "第 1 行，第 2 列")]
)
def test_bad_json_says_where(world, api, language, where):
    response = api(language=language).generic(
        "POST", "/api/v1/complaints/", b"{x: 1}", content_type="application/json"
    )
    assert where in error_of(response)["message"]


@pytest.mark.parametrize("language", ["en", "zh-hans"])
def test_a_nul_character_in_a_json_string(world, api, language):
    customer = CustomerFactory(organisation=world.org)
    body = {"customer": customer.pk, "channel": "phone", "title": "a\x00b", "account": "a"}
    response = api(language=language).post("/api/v1/complaints/", body, format="json")
    assert response.status_code == 400
    error = error_of(response)
    assert_own_words(error, language)
    expected = {"en": "Null characters are not allowed.", "zh-hans": "不允许包含空字符（NUL）。"}
    assert error["fields"]["title"] == [expected[language]]


@pytest.mark.parametrize("language", ["en", "zh-hans"])
def test_a_failed_csrf_check_of_a_session_call(world, language):
    client = APIClient(enforce_csrf_checks=True, HTTP_ACCEPT_LANGUAGE=language)
    client.force_login(world.user(Role.FRONTLINE))
    assert client.get("/api/v1/me/").status_code == 200  # reading needs no CSRF token
    response = client.post("/api/v1/complaints/", {"title": "t"}, format="json")
    assert response.status_code == 403
    error = error_of(response)
    assert error["code"] == "csrf_failed"
    assert_own_words(error, language)


REFERENCES = [
    ("customer", "abc", "Give the id as a whole number."),
    ("customer", 1.5, "Give the id as a whole number."),
    ("customer", 999_999, "Choose from the list: no such item is available to you."),
    ("customer", 10**30, "Choose from the list: no such item is available to you."),
    ("category", 999_999, "Choose from the list: no such item is available to you."),
]


@pytest.mark.parametrize(("field", "value", "english"), REFERENCES)
@pytest.mark.parametrize("language", ["en", "zh-hans"])
def test_references_are_refused_in_kesus_words(world, api, field, value, english, language):
    customer = CustomerFactory(organisation=world.org)
    body = {"customer": customer.pk, "channel": "phone", "title": "t", "account": "a"}
    body[field] = value
    response = api(language=language).post("/api/v1/complaints/", body, format="json")
    assert response.status_code == 400
    error = error_of(response)
    assert_own_words(error, language)
    messages = error["fields"][field]
    assert (messages == [english]) == (language == "en"), messages


def test_a_reference_to_another_organisations_object_reads_as_not_available(world, api):
    other = CustomerFactory()  # its own organisation
    body = {"customer": other.pk, "channel": "phone", "title": "t", "account": "a"}
    response = api().post("/api/v1/complaints/", body, format="json")
    assert error_of(response)["fields"]["customer"] == [
        "Choose from the list: no such item is available to you."
    ]


@pytest.mark.parametrize("value", ["abc", "999999"])
@pytest.mark.parametrize("language", ["en", "zh-hans"])
def test_a_move_reference_refused_via_the_api(world, api, value, language):
    complaint = world.complaint()
    response = api(Role.DIRECTOR, language=language).post(
        complaint_url(complaint, "transitions/hand_over/"), {"to_user": value}
    )
    assert response.status_code == 400
    error = error_of(response)
    assert "to_user" in error["fields"]
    assert_own_words(error, language)


@pytest.mark.parametrize(
    ("value", "english", "chinese"),
    [
        ("abc", "Give the id as a whole number.", "编号请填写整数。"),
        ("999999", "Choose from the list: no such item is available to you.", "请从列表中选择"),
    ],
)
def test_the_hand_over_form_shows_kesus_words(client, world, value, english, chinese):
    complaint = world.complaint()
    client.force_login(world.user(Role.DIRECTOR))
    url = f"/complaints/{complaint.pk}/moves/hand_over/"
    response = client.post(url, {"to_user": value})
    assert response.status_code == 400
    page = response.content.decode()
    assert english in page
    assert "does not exist" not in page and "Incorrect type" not in page
    response = client.post(url, {"to_user": value}, HTTP_ACCEPT_LANGUAGE="zh-hans")
    page = response.content.decode()
    assert chinese in page
    assert "对象不存在" not in page and "Incorrect type" not in page


@pytest.mark.parametrize("method", ["get", "post", "put", "patch", "delete", "options", "head"])
def test_an_api_address_without_its_slash_is_a_json_404_not_a_redirect(world, api, method):
    response = getattr(api(), method)("/api/v1/complaints", {"title": "t"})
    assert response.status_code == 404, response.status_code
    if method != "head":
        error = error_of(response)
        assert error["code"] == "not_found"
        assert "/api/v1/complaints/" in error["message"]


@pytest.mark.parametrize(
    "path",
    [
        "/api/v1/complaints/7/transitions/hand_over",
        "/api/v1/auth/token",
        "/api/docs",
        "/api/v1/nothing-here",
    ],
)
def test_every_slashless_api_address_is_json_even_signed_out(world, path):
    response = APIClient(HTTP_ACCEPT_LANGUAGE="zh-hans").post(path, {"a": 1}, format="json")
    assert response.status_code == 404
    error = error_of(response)
    # The address to use is quoted as it is; the words around it are Chinese.
    assert_own_words({**error, "message": error["message"].replace(f"{path}/", "")}, "zh-hans")


def test_the_hint_is_only_given_where_the_slashed_address_exists(world, api):
    assert "/" not in error_of(api().get("/api/v1/nothing-here"))["message"]
    assert "/api/v1/auth/token/" in error_of(api().get("/api/v1/auth/token"))["message"]


def test_pages_outside_the_api_keep_the_slash_redirect(world, client):
    client.force_login(world.user(Role.FRONTLINE))
    response = client.get("/complaints")
    assert response.status_code == 301
    assert response["Location"] == "/complaints/"
