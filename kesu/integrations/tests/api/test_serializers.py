import base64

from kesu.integrations.api.serializers import (
    INBOUND_CHANNELS,
    CallReportSerializer,
    InboundCustomerSerializer,
    InboundPhotoSerializer,
)


def test_the_phone_is_stored_in_its_normal_form():
    serializer = InboundCustomerSerializer(data={"phone": "138 1234 5678"})
    assert serializer.is_valid(), serializer.errors
    assert serializer.validated_data["phone"] == "+8613812345678"


def test_a_photo_becomes_an_upload():
    data = base64.b64encode(b"\x89PNG\r\n\x1a\nxx").decode()
    serializer = InboundPhotoSerializer(data={"file_name": "a/b/car.png", "data": data})
    assert serializer.is_valid(), serializer.errors
    upload = serializer.validated_data
    assert (upload.name, upload.content_type, upload.size) == ("car.png", "image/png", 10)


def test_unknown_fields_are_refused():
    serializer = InboundPhotoSerializer(data={"file_name": "a.png", "data": "eA==", "x": 1})
    assert not serializer.is_valid()
    assert "x" in serializer.errors


def test_the_caller_keeps_its_digits():
    serializer = CallReportSerializer(data={"caller": "+86 138-1234-5678", "extension": "8012"})
    assert serializer.is_valid(), serializer.errors
    assert serializer.validated_data["caller"] == "+8613812345678"


def test_walk_ins_do_not_come_through_an_integration():
    codes = {code for code, _label in INBOUND_CHANNELS}
    assert "wechat" in codes and "walk_in" not in codes
