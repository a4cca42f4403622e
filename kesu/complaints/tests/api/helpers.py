"""Small helpers shared by the API tests."""


def complaint_url(complaint_or_id, suffix: str = "") -> str:
    pk = getattr(complaint_or_id, "pk", complaint_or_id)
    return f"/api/v1/complaints/{pk}/{suffix}"


def error_of(response) -> dict:
    """The structured error body every 4xx carries; fails the test if the shape is wrong."""
    assert response["Content-Type"].startswith("application/json"), response["Content-Type"]
    body = response.json()
    assert set(body) == {"error"}, body
    assert set(body["error"]) == {"code", "message", "fields"}, body
    assert body["error"]["message"], body
    return body["error"]
