"""Turning a notification's codes into sentences, and into the bodies the group robots accept.

Nothing here touches the database: a notification is rendered from its kind and payload in
the language of whoever reads it (the request's language for the inbox, the site's default
for e-mail and robots).
"""

import base64
import hashlib
import hmac
import time
from dataclasses import dataclass
from datetime import datetime
from urllib.parse import quote_plus, urlsplit, urlunsplit

from django.conf import settings
from django.utils import timezone, translation
from django.utils.formats import date_format
from django.utils.translation import gettext as _

from kesu.complaints.choices import EscalationLevel
from kesu.notifications.choices import Kind
from kesu.sla.choices import MilestoneKind

MISSING = "—"


@dataclass(frozen=True)
class Message:
    subject: str
    body: str

    @property
    def text(self) -> str:
        """Subject and body as one text, for channels without a subject line."""
        return f"{self.subject}\n{self.body}"


def _when(value) -> str:
    """An ISO timestamp as a short local date and time: “March 10 12:00”, “03月10日 12:00”."""
    if not value:
        return MISSING
    try:
        moment = datetime.fromisoformat(str(value))
    except ValueError:
        return str(value)
    if timezone.is_naive(moment):
        moment = timezone.make_aware(moment)
    local = timezone.localtime(moment)
    return f"{date_format(local, 'MONTH_DAY_FORMAT')} {local:%H:%M}"


def _milestone(code) -> str:
    labels = dict(MilestoneKind.choices)
    return str(labels.get(code, code or MISSING))


def _level(value) -> str:
    try:
        return str(EscalationLevel(int(value)).label)
    except (TypeError, ValueError):
        return str(value or MISSING)


def _values(payload: dict) -> dict:
    return {
        "number": payload.get("complaint_number") or MISSING,
        "title": payload.get("title") or MISSING,
        "milestone": _milestone(payload.get("milestone")),
        "due": _when(payload.get("due_at")),
        "level": _level(payload.get("level")),
    }


def _milestone_reminder(v: dict) -> Message:
    return Message(
        _("Deadline reminder: %(number)s") % v,
        _("Complaint %(number)s “%(title)s”: %(milestone)s is due by %(due)s.") % v,
    )


def _milestone_breached(v: dict) -> Message:
    return Message(
        _("Overdue: %(number)s") % v,
        _("Complaint %(number)s “%(title)s”: %(milestone)s was due by %(due)s and is overdue.") % v,
    )


def _escalation(v: dict, payload: dict) -> Message:
    body = _("Complaint %(number)s “%(title)s” has been escalated to: %(level)s.") % v
    if payload.get("milestone"):
        body += " " + _("%(milestone)s was due by %(due)s.") % v
    return Message(_("Escalated: %(number)s") % v, body)


def _crisis(v: dict) -> Message:
    return Message(
        _("Crisis: %(number)s") % v,
        _(
            "Complaint %(number)s “%(title)s” is a crisis: name one spokesperson and start "
            "the action plan now."
        )
        % v,
    )


def _generic(v: dict, payload: dict) -> Message:
    if payload.get("complaint_number"):
        return Message(
            _("News about complaint %(number)s") % v,
            _("There is news about complaint %(number)s “%(title)s”. Open it in Kesu.") % v,
        )
    return Message(_("Kesu notification"), _("You have a new notification in Kesu."))


def render(kind: str, payload: dict, language: str | None = None) -> Message:
    """Subject and body of a notification in `language` (default: the site's language)."""
    payload = payload or {}
    with translation.override(language or settings.LANGUAGE_CODE):
        v = _values(payload)
        if kind == Kind.MILESTONE_REMINDER:
            return _milestone_reminder(v)
        if kind == Kind.MILESTONE_BREACHED:
            return _milestone_breached(v)
        if kind == Kind.ESCALATION:
            return _escalation(v, payload)
        if kind == Kind.CRISIS:
            return _crisis(v)
        return _generic(v, payload)


# Group robots: both WeCom and DingTalk take a plain-text message of this shape.


def robot_body(message: Message) -> dict:
    return {"msgtype": "text", "text": {"content": message.text}}


def dingtalk_signature(secret: str, timestamp_ms: int) -> str:
    """DingTalk's signature: base64 of HMAC-SHA256 over "timestamp\\nsecret", keyed by the secret."""
    to_sign = f"{timestamp_ms}\n{secret}".encode()
    digest = hmac.new(secret.encode(), to_sign, hashlib.sha256).digest()
    return base64.b64encode(digest).decode()


def dingtalk_signed_url(url: str, secret: str, timestamp_ms: int | None = None) -> str:
    """The robot's address with the timestamp and sign query parameters a signed robot requires."""
    if timestamp_ms is None:
        timestamp_ms = int(time.time() * 1000)
    sign = quote_plus(dingtalk_signature(secret, timestamp_ms))
    parts = urlsplit(url)
    extra = f"timestamp={timestamp_ms}&sign={sign}"
    query = f"{parts.query}&{extra}" if parts.query else extra
    return urlunsplit(parts._replace(query=query))
