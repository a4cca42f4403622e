"""The notifications' hooks: an e-mail carries the files the apps above attach."""

import pytest

from kesu.notifications import hooks
from kesu.notifications.rendering import Message
from kesu.notifications.tests.conftest import smtp_server  # noqa: F401 - the fixture
from kesu.notifications.transports import DeliveryError, send_email


class _Recipient:
    email = "reader@example.test"


class _Notification:
    recipient = _Recipient()
    kind = "probe_kind"
    payload = {"n": 1}


def test_an_email_carries_the_attachments_of_its_kind(smtp_server, monkeypatch):  # noqa: F811
    from kesu.notifications.transports import Mailer

    def attach(kind, payload, language):
        if kind != "probe_kind":
            return []
        return [hooks.Attachment(f"probe-{language}.txt", b"hello", "text/plain")]

    monkeypatch.setattr(hooks.email_attachments, "_receivers", [attach])
    mailer = Mailer()
    send_email(_Notification(), Message("subject", "body"), mailer, "en")
    mailer.close()
    (mail,) = smtp_server.messages
    (attachment,) = list(mail.message.iter_attachments())
    assert attachment.get_filename() == "probe-en.txt" and attachment.get_content() == "hello"


def test_a_failing_attachment_is_a_delivery_error(monkeypatch):
    def broken(kind, payload, language):
        raise OSError("gone")

    monkeypatch.setattr(hooks.email_attachments, "_receivers", [broken])
    with pytest.raises(DeliveryError):
        send_email(_Notification(), Message("subject", "body"), None, None)


def test_the_reports_register_their_daily_job():
    names = [job.name for job in hooks.daily_jobs()]
    assert "monthly_reports" in names
