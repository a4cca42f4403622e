from django.utils import timezone

from kesu.portal.models import PhoneCode


def test_a_code_row_names_its_phone_and_purpose(world):
    row = PhoneCode(
        organisation=world.org,
        phone="+8613800138000",
        purpose="file",
        subject="east",
        code_hash="x",
        salt="y",
        created_at=timezone.now(),
        expires_at=timezone.now(),
    )
    assert str(row) == "+8613800138000 · file"
