import pytest

from kesu.mailboxes.parsing import html_to_text, ignore_reason, message_id_of, parse
from kesu.mailboxes.tests.mails import mail, photo


def test_a_mail_without_message_id_gets_one_from_its_content():
    raw = b"From: a@example.test\r\nSubject: x\r\n\r\nhello\r\n"
    assert message_id_of(raw) == message_id_of(raw) and message_id_of(raw).startswith("<sha256-")


def test_sender_subject_text_and_files_are_read():
    parsed = parse(mail(files=[("p.jpg", "image/jpeg", photo())]))
    assert (parsed.sender, parsed.sender_name) == ("wang@example.test", "王建国")
    assert parsed.subject == "刹车异响" and "异响" in parsed.text
    assert [f.name for f in parsed.files] == ["p.jpg"] and parsed.date is not None


def test_html_keeps_the_words_only():
    assert html_to_text("<p>a &amp; b</p><script>x()</script><div>c</div>") == "a & b\n\nc"


def test_a_customer_mail_is_not_ignored_and_our_own_address_is():
    assert ignore_reason(parse(mail()), "service@east.test") is None
    assert ignore_reason(parse(mail(sender="service@east.test")), "service@east.test") == "our_own"
    assert ignore_reason(parse(mail(headers={"Auto-Submitted": "no"})), "s@x.test") is None


@pytest.mark.parametrize(
    "header",
    [
        "陈七 <chenqi@example.com>".encode(),  # raw UTF-8 (RFC 6532)
        b"=?utf-8?b?6ZmI5LiD?= <chenqi@example.com>",  # the name as an encoded word
        b"=?utf-8?b?6ZmI5LiDIDxjaGVucWlAZXhhbXBsZS5jb20+?=",  # name and address in one word
        b'"=?utf-8?b?6ZmI5LiD?=" <ChenQi@Example.COM >',
    ],
)
def test_a_non_ascii_sender_name_is_read_however_it_is_written(header):
    raw = b"From: " + header + b"\r\nSubject: x\r\nMessage-ID: <c@x>\r\n\r\nhello\r\n"
    parsed = parse(raw)
    assert (parsed.sender_name, parsed.sender) == ("陈七", "chenqi@example.com")


def test_a_header_without_an_address_gives_none():
    assert parse(b"From: nobody here\r\nSubject: x\r\n\r\nhi\r\n").sender == ""
