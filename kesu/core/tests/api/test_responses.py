"""kesu/core/api/responses.py: the documented error shape matches what the API sends."""

from kesu.core.api.responses import BAD_REQUEST, ErrorSerializer, error


def test_the_error_serializer_accepts_the_api_error_shape():
    body = {"error": {"code": "invalid", "message": "Some fields", "fields": {"title": ["x"]}}}
    serializer = ErrorSerializer(data=body)
    assert serializer.is_valid(), serializer.errors
    assert serializer.validated_data["error"]["fields"] == {"title": ["x"]}


def test_the_error_serializer_refuses_a_body_without_the_envelope():
    assert not ErrorSerializer(data={"code": "x", "message": "y", "fields": {}}).is_valid()


def test_an_error_response_documents_the_error_serializer():
    response = error("Gone.")
    assert response.response is ErrorSerializer
    assert response.description == "Gone."
    assert BAD_REQUEST.response is ErrorSerializer
