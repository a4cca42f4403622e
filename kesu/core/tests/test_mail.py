"""kesu/core/mail.py: a Chinese subject reads back exactly as written, for every sender."""

import email
from email import policy

import pytest

from kesu.core.mail import SubjectSafeEmail

SUBJECTS = [
    "您的投诉 KS-2026-000041 已结案",
    "新投诉：刹车异响（东城店）" * 4,
    "Plain ASCII subject",
]


@pytest.mark.parametrize("subject", SUBJECTS)
def test_the_subject_parses_back_as_written(subject):
    raw = SubjectSafeEmail(subject=subject, body="正文", to=["li@example.cn"]).message().as_bytes()
    parsed = email.message_from_bytes(raw, policy=policy.default)
    assert parsed["Subject"] == subject


def test_every_sender_of_mail_uses_it():
    from pathlib import Path

    kesu = Path(__file__).resolve().parents[2]
    plain = [
        str(path.relative_to(kesu))
        for path in kesu.rglob("*.py")
        if "tests" not in path.parts
        and "EmailMessage(" in path.read_text(encoding="utf-8")
        and path.name != "mail.py"
    ]
    assert plain == [], f"send mail through kesu.core.mail.SubjectSafeEmail: {plain}"
