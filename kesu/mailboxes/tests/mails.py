"""Mails as customers' programs write them, for the tests."""

from email.message import EmailMessage
from io import BytesIO

from PIL import Image


def photo() -> bytes:
    out = BytesIO()
    Image.new("RGB", (40, 30), (200, 10, 10)).save(out, "JPEG")
    return out.getvalue()


def mail(
    *,
    sender="王建国 <wang@example.test>",
    to="service@east.test",
    subject="刹车异响",
    text="新车刹车时有异响，请尽快处理。",
    html=None,
    message_id="<m1@example.test>",
    files=(),
    headers=None,
) -> bytes:
    msg = EmailMessage()
    msg["From"] = sender
    msg["To"] = to
    msg["Subject"] = subject
    msg["Message-ID"] = message_id
    msg["Date"] = "Thu, 03 Dec 2026 09:00:00 +0800"
    for name, value in (headers or {}).items():
        msg[name] = value
    if html is not None and text is None:
        msg.set_content(html, subtype="html")
    else:
        msg.set_content(text or "")
        if html is not None:
            msg.add_alternative(html, subtype="html")
    for name, ctype, content in files:
        maintype, subtype = ctype.split("/")
        msg.add_attachment(content, maintype=maintype, subtype=subtype, filename=name)
    return msg.as_bytes()
