import re
from io import BytesIO

import pytest
from django.core.cache import cache
from django.core.files.uploadedfile import SimpleUploadedFile

from kesu.callbacks.sms import MemoryBackend

PHONE = "+8613800138000"
OTHER_PHONE = "+8613900139000"


@pytest.fixture(autouse=True)
def texts(settings):
    """Codes go to the test SMS provider (the only fake: a paid service); counters start at 0."""
    settings.KESU_SMS_BACKEND = "kesu.callbacks.sms.MemoryBackend"
    settings.KESU_PORTAL_ORGANISATION = ""
    MemoryBackend.sent = []
    cache.clear()
    yield MemoryBackend.sent
    cache.clear()


def last_code(phone: str = PHONE) -> str:
    for to, text in reversed(MemoryBackend.sent):
        if to == phone:
            found = re.search(r"\b(\d{6})\b", text)
            if found:
                return found.group(1)
    raise AssertionError(f"no code texted to {phone}: {MemoryBackend.sent}")


def jpeg(name: str = "photo.jpg") -> SimpleUploadedFile:
    from PIL import Image

    out = BytesIO()
    Image.new("RGB", (60, 40), (30, 120, 200)).save(out, "JPEG")
    return SimpleUploadedFile(name, out.getvalue(), content_type="image/jpeg")
