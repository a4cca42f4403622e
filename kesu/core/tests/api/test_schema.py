"""The generic corrections of the schema (kesu/core/api/schema.py)."""

from drf_spectacular.generators import SchemaGenerator

from kesu.core.api.schema import _statuses_of


def _schema():
    return SchemaGenerator().get_schema(request=None, public=True)


def test_every_operation_documents_the_errors_it_can_answer():
    schema = _schema()
    for path, item in schema["paths"].items():
        for method, operation in item.items():
            responses = operation["responses"]
            assert {"406", "429", "503"} <= set(responses), (method, path)
            if "{" in path:
                assert "404" in responses, (method, path)
            for status, response in responses.items():
                if status >= "400":
                    ref = response["content"]["application/json"]["schema"]["$ref"]
                    assert ref == "#/components/schemas/Error", (method, path, status)
    token = schema["paths"]["/api/v1/auth/token/"]["post"]["responses"]
    assert "401" not in token  # signing in needs no token
    detail = schema["paths"]["/api/v1/complaints/{id}/"]["patch"]["responses"]
    assert {"400", "401", "403", "404", "409", "412", "415", "428"} <= set(detail)
    assert "Retry-After" in detail["503"]["headers"]


def test_statuses_follow_what_the_operation_takes():
    bare = _statuses_of({"security": [{}]})
    assert set(bare) == {"406", "429", "503"}
    full = _statuses_of(
        {
            "security": [{"tokenAuth": []}],
            "parameters": [{"in": "path", "name": "id"}, {"in": "header", "name": "If-Match"}],
            "requestBody": {},
        }
    )
    assert set(full) == {"400", "401", "403", "404", "406", "412", "415", "429", "503"}


def test_read_only_blank_columns_and_nullable_relations_are_documented():
    schemas = _schema()["components"]["schemas"]
    cause = schemas["ComplaintDetail"]["properties"]["cause"]
    assert {"$ref": "#/components/schemas/BlankEnum"} in cause["oneOf"]
    department = schemas["Me"]["properties"]["department"]
    assert department.get("nullable") is True
    email = schemas["Me"]["properties"]["email"]
    assert {"type": "string", "maxLength": 0} in email["oneOf"]


def test_bodies_are_json_and_strict_ones_refuse_unknown_fields():
    schema = _schema()
    body = schema["paths"]["/api/v1/complaints/{id}/transitions/take_on/"]["post"]["requestBody"]
    assert list(body["content"]) == ["application/json"]
    upload = schema["paths"]["/api/v1/complaints/{id}/attachments/"]["post"]["requestBody"]
    assert "multipart/form-data" in upload["content"]
    assert schema["components"]["schemas"]["TakeOnInputRequest"]["additionalProperties"] is False


def test_bounded_dates_and_decimals_carry_their_pattern():
    schemas = _schema()["components"]["schemas"]
    due = schemas["SetDeadlineInputRequest"]["properties"]["due_at"]
    assert due["pattern"] == r"^(20[0-9]{2}|2100)-"
    amount = schemas["ProposeSolutionInputRequest"]["properties"]["compensation_amount"]
    assert not amount["pattern"].startswith("^-")
