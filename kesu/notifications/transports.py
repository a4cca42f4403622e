"""Sending one rendered notification over e-mail or to a group robot. No database writes here."""

import contextlib
import json

import requests
from django.conf import settings
from django.core.mail import get_connection

from kesu.core.mail import SubjectSafeEmail
from kesu.notifications import hooks
from kesu.notifications.choices import Channel
from kesu.notifications.rendering import Message, dingtalk_signed_url, robot_body


class DeliveryError(Exception):
    """A send that did not succeed. Permanent ones are not retried (nothing would change)."""

    def __init__(self, message: str, *, permanent: bool = False):
        super().__init__(message)
        self.permanent = permanent


class Mailer:
    """One SMTP (or other backend) connection reused for a batch, reopened after an error."""

    def __init__(self):
        self._connection = None

    def send(self, to: str, message: Message, attachments=()) -> None:
        try:
            if self._connection is None:
                connection = get_connection(fail_silently=False)
                connection.open()
                self._connection = connection
            email = SubjectSafeEmail(
                subject=message.subject,
                body=message.body_with_link,
                from_email=settings.DEFAULT_FROM_EMAIL,
                to=[to],
                connection=self._connection,
            )
            for attachment in attachments:
                email.attach(attachment.filename, attachment.content, attachment.mimetype)
            email.send(fail_silently=False)
        except Exception as exc:
            self.close()
            raise DeliveryError(f"{type(exc).__name__}: {exc}") from exc

    def close(self) -> None:
        if self._connection is not None:
            # A broken connection is dropped either way.
            with contextlib.suppress(Exception):
                self._connection.close()
            self._connection = None


def send_email(notification, message: Message, mailer: Mailer, language=None) -> None:
    address = getattr(notification.recipient, "email", "")
    if not address:
        raise DeliveryError("recipient has no e-mail address", permanent=True)
    try:
        found = hooks.email_attachments(notification.kind, notification.payload, language)
    except Exception as exc:
        raise DeliveryError(f"attachment: {type(exc).__name__}: {exc}") from exc
    attachments = [a for files in found for a in files or ()]
    mailer.send(address, message, attachments)


def send_webhook(notification, message: Message) -> None:
    endpoint = notification.endpoint
    if endpoint is None:
        raise DeliveryError("the webhook was deleted", permanent=True)
    if not endpoint.is_active:
        raise DeliveryError("the webhook is switched off", permanent=True)
    url = endpoint.url
    if endpoint.kind == Channel.DINGTALK and endpoint.secret:
        url = dingtalk_signed_url(url, endpoint.secret)
    body = json.dumps(robot_body(message), ensure_ascii=False).encode("utf-8")
    try:
        response = requests.post(
            url,
            data=body,
            headers={"Content-Type": "application/json; charset=utf-8"},
            timeout=settings.KESU_WEBHOOK_TIMEOUT,
        )
    except requests.RequestException as exc:
        raise DeliveryError(f"{type(exc).__name__}: {exc}") from exc
    if response.status_code >= 300:
        raise DeliveryError(f"HTTP {response.status_code}: {response.text[:300]}")
    # Both robots answer 200 with {"errcode": 0, ...}; anything else is a refusal.
    try:
        answer = response.json()
    except ValueError:
        return
    if isinstance(answer, dict) and answer.get("errcode") not in (None, 0):
        raise DeliveryError(f"errcode {answer.get('errcode')}: {answer.get('errmsg', '')}"[:300])
