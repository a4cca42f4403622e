"""Bad input is always a structured JSON 4xx in the request's language, never a 500."""

import pytest
from django.core.exceptions import ValidationError as DjangoValidationError
from rest_framework.exceptions import ValidationError
from rest_framework.test import APIClient

from kesu.complaints.tests.api.helpers import complaint_url, error_of
from kesu.core.api.errors import exception_handler
from kesu.core.errors import InvalidState
from kesu.customers.tests.factories import CustomerFactory
from kesu.organisation.choices import Role


@pytest.mark.parametrize(
    "path",
    [
        "/api/v1/complaints/abc/",
        "/api/v1/complaints/-1/",
        "/api/v1/complaints/0/",
        f"/api/v1/complaints/{10**30}/",
        "/api/v1/complaints/１２/",
        "/api/v1/complaints/1/transitions/",
        "/api/v1/complaints/abc/timeline/",
        "/api/v1/customers/1e5/",
        "/api/v1/customers/99999/purchases/",
        "/api/v1/nothing-here/",
        "/api/v1/",
    ],
)
def test_unknown_or_malformed_paths_are_json_404(world, api, path):
    response = api().get(path)
    assert response.status_code == 404, (path, response.status_code)
    assert error_of(response)["code"] == "not_found"


def test_not_found_message_is_translated(world, api):
    english = error_of(api().get("/api/v1/complaints/424242/"))
    chinese = error_of(api(language="zh-hans").get("/api/v1/complaints/424242/"))
    assert english["message"] == "Not found."
    assert chinese["message"] != english["message"]


def test_unauthenticated_is_401_json(world):
    response = APIClient().get("/api/v1/complaints/")
    assert response.status_code == 401
    assert error_of(response)["code"] == "not_authenticated"
    response = APIClient().get("/api/v1/nothing-here/")
    assert response.status_code == 401


def test_malformed_json_is_400(world, api):
    response = api().generic(
        "POST", "/api/v1/complaints/", b'{"title": ', content_type="application/json"
    )
    assert response.status_code == 400
    assert error_of(response)["code"] == "parse_error"


def test_non_object_json_is_400(world, api):
    response = api().post("/api/v1/complaints/", ["a", "list"], format="json")
    assert response.status_code == 400
    error_of(response)


def test_method_not_allowed_is_405_json(world, api):
    complaint = world.complaint()
    response = api().delete(complaint_url(complaint))
    assert response.status_code == 405
    assert error_of(response)["code"] == "method_not_allowed"
    assert api().put(complaint_url(complaint), {}).status_code == 405


@pytest.mark.parametrize(
    ("field", "value"),
    [
        ("customer", "abc"),
        ("customer", 10**30),
        ("customer", True),
        ("customer", 1.5),
        ("category", -3),
        ("received_at", "2026-02-30T10:00"),
        ("received_at", "0001-01-01T00:00:00Z"),
        ("upset_level", "very"),
        ("title", "字" * 201),
        ("kind", ["complaint"]),
    ],
)
def test_bad_values_on_create_are_400(world, api, field, value):
    customer = CustomerFactory(organisation=world.org)
    body = {"customer": customer.pk, "channel": "phone", "title": "t", "account": "a"}
    body[field] = value
    response = api().post("/api/v1/complaints/", body, format="json")
    assert response.status_code == 400, (field, value, response.content)
    assert field in error_of(response)["fields"]


@pytest.mark.parametrize(
    ("move", "body", "field"),
    [
        (
            "propose_solution",
            {"solution": "s", "compensation_amount": "abc"},
            "compensation_amount",
        ),
        (
            "propose_solution",
            {"solution": "s", "compensation_amount": "Infinity"},
            "compensation_amount",
        ),
        (
            "propose_solution",
            {"solution": "s", "compensation_amount": "1" * 20},
            "compensation_amount",
        ),
        ("set_deadline", {"due_at": "9999-12-31T23:59:59Z", "reason": "r"}, "due_at"),
        ("set_deadline", {"due_at": "soon", "reason": "r"}, "due_at"),
        ("park", {"reason": "r", "follow_up_on": "31/12/2026"}, "follow_up_on"),
        ("escalate", {"level": "high", "reason": "r"}, "level"),
        ("merge", {"into": 10**25}, "into"),
        ("hand_over", {"to_user": "me"}, "to_user"),
    ],
)
def test_bad_values_on_moves_are_400(world, api, move, body, field):
    complaint = world.complaint()
    response = api(Role.DIRECTOR).post(complaint_url(complaint, f"transitions/{move}/"), body)
    assert response.status_code == 400, (move, response.content)
    assert field in error_of(response)["fields"]


def test_unknown_body_field_on_a_move_is_400(world, api):
    complaint = world.complaint()
    response = api().post(
        complaint_url(complaint, "transitions/confirm/"), {"method": "signature", "state": "closed"}
    )
    assert response.status_code == 400
    assert "state" in error_of(response)["fields"]


def test_options_and_head_do_not_fail(world, api):
    complaint = world.complaint()
    client = api()
    for url in [
        "/api/v1/complaints/",
        complaint_url(complaint),
        complaint_url(complaint, "transitions/confirm/"),
        complaint_url(complaint, "attachments/"),
        "/api/v1/customers/",
        "/api/v1/users/",
    ]:
        assert client.options(url).status_code == 200, url
        assert client.head(url).status_code in (200, 405), url


def test_form_posts_may_carry_the_csrf_token(world, api):
    complaint = world.complaint()
    response = api().post(
        complaint_url(complaint, "notes/"),
        {"text": "表单提交", "csrfmiddlewaretoken": "x"},
        format="multipart",
    )
    assert response.status_code == 201, response.content


def test_a_domain_error_keeps_its_code_status_and_the_fields_to_fix():
    exc = InvalidState("Tick %(n)s items first.", params={"n": 2})
    exc.fields = {"checklist": ["item one", "item two"]}
    response = exception_handler(exc, {})
    assert response.status_code == 409
    assert response.data == {
        "error": {
            "code": "invalid_state",
            "message": "Tick 2 items first.",
            "fields": {"checklist": ["item one", "item two"]},
        }
    }


def test_a_django_validation_error_is_400_by_field_or_as_non_field_errors():
    by_field = exception_handler(DjangoValidationError({"title": ["Too long."]}), {})
    assert by_field.status_code == 400
    assert by_field.data["error"]["fields"] == {"title": ["Too long."]}
    plain = exception_handler(DjangoValidationError("Not like this."), {})
    assert plain.data["error"]["fields"] == {"non_field_errors": ["Not like this."]}
    assert plain.data["error"]["code"] == "invalid"


def test_nested_drf_validation_errors_are_flattened_to_strings():
    response = exception_handler(
        ValidationError({"purchase": {"vin": ["Bad VIN."]}, "tags": [["a"], "b"]}), {}
    )
    assert response.data["error"]["fields"] == {"purchase": ["vin: Bad VIN."], "tags": ["a", "b"]}
    listed = exception_handler(ValidationError(["One.", "Two."]), {})
    assert listed.data["error"]["fields"] == {"non_field_errors": ["One.", "Two."]}


def test_an_exception_drf_does_not_handle_is_left_to_django():
    assert exception_handler(RuntimeError("a bug"), {}) is None
