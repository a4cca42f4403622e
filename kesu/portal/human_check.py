"""The human check: a small sum drawn as a picture with Pillow, answered in the form.

Asked after repeated failures (kesu/portal/codes.py `needs_human_check`). The answer is kept in
the visitor's session, keyed, and works once; the picture is an inline PNG (data: URL, which
the Content-Security-Policy allows for images), so no extra request and no script.
"""

import base64
import hashlib
import hmac
import secrets
from io import BytesIO

from django.conf import settings
from PIL import Image, ImageDraw, ImageFont

SESSION_KEY = "portal_check"
WIDTH, HEIGHT = 180, 60


def _digest(answer: str) -> str:
    return hmac.new(
        settings.SECRET_KEY.encode(), f"portal-check:{answer}".encode(), hashlib.sha256
    ).hexdigest()


def _picture(text: str) -> str:
    rng = secrets.SystemRandom()
    image = Image.new("RGB", (WIDTH, HEIGHT), (246, 248, 250))
    draw = ImageDraw.Draw(image)
    for _i in range(6):
        draw.line(
            [(rng.randint(0, WIDTH), rng.randint(0, HEIGHT)) for _j in range(2)],
            fill=(rng.randint(150, 210), rng.randint(150, 210), rng.randint(150, 210)),
            width=2,
        )
    font = ImageFont.load_default(size=34)
    x = 14
    for char in text:
        y = rng.randint(4, 16)
        draw.text((x, y), char, font=font, fill=(rng.randint(20, 80), 40, rng.randint(60, 120)))
        x += 26 if char != " " else 10
    out = BytesIO()
    image.save(out, "PNG")
    return "data:image/png;base64," + base64.b64encode(out.getvalue()).decode()


def new_challenge(session) -> str:
    """A new sum for this session; returns the picture as a data: URL."""
    rng = secrets.SystemRandom()
    a, b = rng.randint(2, 9), rng.randint(2, 9)
    session[SESSION_KEY] = _digest(str(a + b))
    return _picture(f"{a} + {b} =")


def check_answer(session, answer: str) -> bool:
    """Whether `answer` is the sum last shown; each sum is answered once, right or wrong."""
    expected = session.pop(SESSION_KEY, None)
    given = "".join((answer or "").split())
    if not expected or not given.isdigit():
        return False
    return hmac.compare_digest(_digest(str(int(given))), expected)
