"""kesu/api/urls.py: bounded object ids, and JSON 404s for unknown or unslashed addresses."""

import pytest
from django.urls import resolve, reverse

from kesu.api.urls import ObjectIdConverter
from kesu.complaints.tests.api.helpers import error_of

pytestmark = pytest.mark.django_db


def test_object_ids_are_one_to_eighteen_digits():
    converter = ObjectIdConverter()
    assert converter.to_python("42") == 42
    assert converter.to_url(42) == "42"
    assert resolve("/api/v1/complaints/1/").kwargs == {"pk": 1}
    assert resolve(f"/api/v1/complaints/{'9' * 18}/").kwargs == {"pk": int("9" * 18)}
    assert resolve(f"/api/v1/complaints/{'9' * 19}/").url_name == "not-found"
    assert resolve("/api/v1/complaints/abc/").url_name == "not-found"


def test_an_unknown_v1_address_is_the_json_404_for_every_method(world, api):
    client = api()
    for method in ("get", "post", "put", "patch", "delete", "options"):
        response = getattr(client, method)("/api/v1/no-such-thing/")
        assert response.status_code == 404, method
        assert error_of(response)["code"] == "not_found"
    # OPTIONS was answered 200 with the catch-all's metadata; HEAD 405. No method is allowed.
    assert "Allow" not in client.options("/api/v1/no-such-thing/")
    assert "Allow" not in client.get("/api/v1/complaints")
    assert client.head("/api/v1/complaints/abc/").status_code == 404
    assert client.generic("TRACE", "/api/v1/no-such-thing/").status_code == 404


def test_an_unknown_address_still_asks_for_a_sign_in_first(db, client):
    response = client.options("/api/v1/no-such-thing/")
    assert response.status_code == 401


def test_an_address_without_its_slash_names_the_one_to_use(world, api):
    client = api()
    for method in ("get", "post", "options", "head"):
        response = getattr(client, method)("/api/v1/complaints")
        assert response.status_code == 404, method
    body = error_of(client.post("/api/v1/complaints", {"title": "x"}))
    assert body["message"] == "API addresses end with a slash: use /api/v1/complaints/"


def test_an_unslashed_address_that_would_not_exist_slashed_is_just_not_found(world, api):
    body = error_of(api().get("/api/v1/no-such-thing"))
    assert body["message"] == "Not found."


def test_the_missing_slash_answer_needs_no_sign_in(db, client):
    response = client.get("/api/v1/complaints")
    assert response.status_code == 404
    assert "end with a slash" in error_of(response)["message"]


def test_the_schema_and_documentation_addresses(db):
    assert reverse("schema") == "/api/schema/"
    assert reverse("api-docs") == "/api/docs/"
    assert reverse("api-redoc") == "/api/redoc/"
    assert reverse("api:token") == "/api/v1/auth/token/"
