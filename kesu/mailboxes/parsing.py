"""Reading a raw mail: its sender, subject, text, files, and whether a machine sent it."""

import contextlib
import hashlib
import re
from dataclasses import dataclass, field
from email import message_from_bytes
from email.message import EmailMessage
from email.policy import default as default_policy
from email.utils import getaddresses, parsedate_to_datetime
from html.parser import HTMLParser

from django.utils.translation import gettext as _

from kesu.mailboxes.choices import IgnoreReason

# The header Kesu puts on every mail it sends, so a copy that comes back is never a complaint.
LOOP_HEADER = "X-Kesu-Loop"
MACHINE_SENDERS = re.compile(r"^(mailer-daemon|postmaster|no-?reply|do-?not-?reply)@", re.I)
BULK_PRECEDENCE = {"bulk", "junk", "list", "auto_reply"}


@dataclass
class File:
    name: str
    content_type: str
    content: bytes


@dataclass
class Mail:
    message_id: str
    sender: str
    sender_name: str
    subject: str
    text: str
    files: list[File] = field(default_factory=list)
    date: object = None  # an aware datetime, or None
    headers: EmailMessage | None = None


class BrokenMail(ValueError):
    """The mail cannot be read (its encoding, its structure): kept as failed with the reason."""


def message_id_of(raw: bytes) -> str:
    """The Message-ID as written, or one made from the content (the same mail, the same id)."""
    head = raw.split(b"\r\n\r\n", 1)[0].split(b"\n\n", 1)[0]
    found = re.search(rb"^message-id:\s*(<[^>\r\n]{1,290}>)", head, re.I | re.M)
    if found:
        return found.group(1).decode("ascii", "replace")
    return f"<sha256-{hashlib.sha256(raw).hexdigest()}@kesu>"


def parse(raw: bytes) -> Mail:
    try:
        msg = message_from_bytes(raw, policy=default_policy)
        assert isinstance(msg, EmailMessage)
        sender_name, sender = _sender(msg)
        subject = " ".join(str(msg.get("Subject", "")).split())
        text = _text(msg)
        files = _files(msg)
        date = None
        if msg.get("Date"):
            try:
                date = parsedate_to_datetime(str(msg["Date"]))
                if date.tzinfo is None:
                    date = None
            except (TypeError, ValueError):
                date = None
    except BrokenMail:
        raise
    except LookupError as exc:
        raise BrokenMail(
            _("It is written in a character set Kesu does not know (%(detail)s).") % {"detail": exc}
        ) from exc
    except UnicodeError as exc:
        raise BrokenMail(_("Its text cannot be decoded (%(detail)s).") % {"detail": exc}) from exc
    except (ValueError, TypeError, AttributeError) as exc:
        raise BrokenMail(
            _("Its structure cannot be read (%(detail)s: %(error)s).")
            % {"detail": type(exc).__name__, "error": exc}
        ) from exc
    return Mail(
        message_id=message_id_of(raw),
        sender=sender,
        sender_name=sender_name,
        subject=subject,
        text=text,
        files=files,
        date=date,
        headers=msg,
    )


ADDRESS = re.compile(r"[^@\s<>()\[\]\\,;:\"]+@[^@\s<>()\[\]\\,;:\"]+\.[^@\s<>()\[\]\\,;:\"]+")


def normal_address(address: str) -> str:
    """An e-mail address as Kesu compares it: without spaces or angle brackets, in lower case."""
    return address.strip().strip("<>").strip().lower()


def _readable(text: str) -> str:
    """A header's text with raw UTF-8 bytes (RFC 6532, kept as surrogates) decoded."""
    return text.encode("utf-8", "surrogateescape").decode("utf-8", "replace")


def address_of(header) -> tuple[str, str]:
    """(display name, normalised address) of the first usable address of a header; ("", "")
    when it has none. Tries the parsed addresses (encoded words, RFC 6532 raw UTF-8), then the
    decoded text, for senders whose program encoded "Name <address>" as one encoded word."""
    if header is None:
        return "", ""
    for found in getattr(header, "addresses", ()):
        address = _readable(found.addr_spec or "")
        if found.username and found.domain and ADDRESS.fullmatch(address):
            return " ".join(_readable(found.display_name or "").split()), normal_address(address)
    text = _readable(str(header))
    for name, address in getaddresses([text]):
        if ADDRESS.fullmatch(address.strip()):
            return " ".join(name.split()), normal_address(address)
    inside = re.search(r"<\s*(" + ADDRESS.pattern + r")\s*>", text)
    if inside:
        name = text[: inside.start()].strip().strip('"').strip()
        return " ".join(name.split()), normal_address(inside.group(1))
    return "", ""


def headline(raw: bytes) -> tuple[str, str]:
    """(sender, subject) of a mail that cannot be read as a whole, as far as they can be read."""
    try:
        msg = message_from_bytes(raw, policy=default_policy)
    except (LookupError, UnicodeError, ValueError, TypeError, AttributeError, IndexError):
        return "", ""
    sender = subject = ""
    with contextlib.suppress(LookupError, UnicodeError, ValueError, TypeError, AttributeError):
        sender = _sender(msg)[1]  # type: ignore[arg-type]
    with contextlib.suppress(LookupError, UnicodeError, ValueError, TypeError, AttributeError):
        subject = " ".join(_readable(str(msg.get("Subject", ""))).split())
    return sender, subject


def _sender(msg: EmailMessage) -> tuple[str, str]:
    for name in ("Reply-To", "From"):
        found = address_of(msg.get(name))
        if found[1]:
            return found
    return "", ""


CJK = re.compile(r"[\u3400-\u4dbf\u4e00-\u9fff\uf900-\ufaff]")
LATIN_WORD = re.compile(r"[A-Za-z]{2,}")


def language_of(mail: Mail) -> str:
    """ "zh-hans" when the subject or text has Chinese characters, "en" when they are only
    Latin words (at least five), else "" (not sure: nothing is decided)."""
    words = f"{mail.subject}\n{mail.text}"
    if CJK.search(words):
        return "zh-hans"
    if len(LATIN_WORD.findall(words)) >= 5:
        return "en"
    return ""


def ignore_reason(mail: Mail, own_address: str) -> str | None:
    """Why this mail is not a customer writing to us, or None if it is one."""
    h = mail.headers
    assert h is not None
    if h.get(LOOP_HEADER) is not None or (mail.sender and mail.sender == own_address.lower()):
        return IgnoreReason.OUR_OWN
    auto = str(h.get("Auto-Submitted", "")).strip().lower()
    if auto and auto != "no":
        return IgnoreReason.AUTO_SUBMITTED
    if str(h.get("Precedence", "")).strip().lower() in BULK_PRECEDENCE:
        return IgnoreReason.PRECEDENCE
    if any(
        h.get(name) is not None
        for name in ("X-Autoreply", "X-Autorespond", "X-Auto-Response-Suppress")
    ):
        return IgnoreReason.AUTOREPLY_HEADER
    if h.get("List-Id") is not None or h.get("List-Unsubscribe") is not None:
        return IgnoreReason.MAILING_LIST
    if not mail.sender:
        return IgnoreReason.NO_SENDER
    if MACHINE_SENDERS.match(mail.sender) or str(h.get("Return-Path", "")).strip() == "<>":
        return IgnoreReason.MAILER_DAEMON
    return None


def _text(msg: EmailMessage) -> str:
    body = msg.get_body(preferencelist=("plain", "html"))
    if body is None:
        return ""
    content = body.get_content()
    if not isinstance(content, str):
        return ""
    if body.get_content_subtype() == "html":
        content = html_to_text(content)
    return normalise(content)


def normalise(text: str) -> str:
    lines = [line.rstrip() for line in text.replace("\r\n", "\n").replace("\r", "\n").split("\n")]
    text = "\n".join(lines).strip()
    return re.sub(r"\n{3,}", "\n\n", text)


class _TextOfHtml(HTMLParser):
    BLOCKS = {
        "p",
        "div",
        "br",
        "li",
        "tr",
        "h1",
        "h2",
        "h3",
        "h4",
        "h5",
        "h6",
        "table",
        "blockquote",
    }
    HIDDEN = {"script", "style", "head", "title", "template"}

    def __init__(self):
        super().__init__(convert_charrefs=True)
        self.parts: list[str] = []
        self.hidden = 0

    def handle_starttag(self, tag, attrs):
        if tag in self.HIDDEN:
            self.hidden += 1
        elif tag in self.BLOCKS:
            self.parts.append("\n")

    def handle_endtag(self, tag):
        if tag in self.HIDDEN:
            self.hidden = max(0, self.hidden - 1)
        elif tag in self.BLOCKS:
            self.parts.append("\n")

    def handle_data(self, data):
        if not self.hidden:
            self.parts.append(" ".join(data.split()) if data.strip() else (" " if data else ""))


def html_to_text(html: str) -> str:
    """The words of an HTML mail, without its markup, scripts or styles (shown escaped later)."""
    parser = _TextOfHtml()
    parser.feed(html)
    parser.close()
    return normalise("".join(parser.parts))


EXTENSIONS = {"image/jpeg": "jpg", "image/png": "png", "image/gif": "gif", "image/webp": "webp"}


def _files(msg: EmailMessage) -> list[File]:
    body = msg.get_body(preferencelist=("plain", "html"))
    files = []
    for part in msg.walk():
        if part.is_multipart() or part is body:
            continue
        name = part.get_filename()
        ctype = part.get_content_type()
        if not name:
            if not ctype.startswith("image/") and part.get_content_disposition() != "attachment":
                continue
            name = f"file-{len(files) + 1}.{EXTENSIONS.get(ctype, 'bin')}"
        content = part.get_payload(decode=True)
        if isinstance(content, bytes):
            files.append(
                File(
                    name=name.replace("/", "_").replace("\\", "_")[:200],
                    content_type=ctype,
                    content=content,
                )
            )
    return files
