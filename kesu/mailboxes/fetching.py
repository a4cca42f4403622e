"""Reading the branches' mailboxes over IMAP (stdlib imaplib): unseen mail, one at a time.

Each mail is fetched without marking it read (BODY.PEEK), handled in its own transaction
(intake.intake_mail) and marked \\Seen only after that commit. A crash in between leaves it
unseen: the next run fetches it again and the Message-ID row stops a second complaint.
"""

import contextlib
import imaplib
import logging
import ssl

from django.db import DatabaseError
from django.utils import timezone

from kesu.core.jobs import timed_job
from kesu.mailboxes.choices import Security
from kesu.mailboxes.intake import intake_mail
from kesu.mailboxes.models import Mailbox

logger = logging.getLogger(__name__)
TIMEOUT = 30
BATCH = 50


class MailboxError(Exception):
    pass


def connect(mailbox: Mailbox) -> imaplib.IMAP4:
    if mailbox.security == Security.SSL:
        client: imaplib.IMAP4 = imaplib.IMAP4_SSL(
            mailbox.host, mailbox.port, ssl_context=ssl.create_default_context(), timeout=TIMEOUT
        )
    else:
        client = imaplib.IMAP4(mailbox.host, mailbox.port, timeout=TIMEOUT)
        if mailbox.security == Security.STARTTLS:
            client.starttls(ssl_context=ssl.create_default_context())
    client.login(mailbox.username, mailbox.password)
    status, _data = client.select(_quoted(mailbox.folder))
    if status != "OK":
        client.logout()
        raise MailboxError(f"cannot open folder {mailbox.folder!r}")
    return client


def _quoted(folder: str) -> str:
    return '"' + folder.replace("\\", "\\\\").replace('"', '\\"') + '"'


def fetch_mailbox(mailbox: Mailbox, *, batch: int = BATCH) -> int:
    """Handle up to `batch` unseen mails of one mailbox; returns how many were handled."""
    handled = 0
    client = connect(mailbox)
    try:
        status, data = client.uid("SEARCH", None, "UNSEEN")
        if status != "OK":
            raise MailboxError("search failed")
        uids = (data[0] or b"").split()[:batch]
        for uid in uids:
            status, parts = client.uid("FETCH", uid, "(BODY.PEEK[])")
            raw = next((p[1] for p in parts or [] if isinstance(p, tuple)), None)
            if status != "OK" or raw is None:
                continue
            intake_mail(mailbox, raw)
            client.uid("STORE", uid, "+FLAGS", "(\\Seen)")
            handled += 1
    finally:
        with contextlib.suppress(imaplib.IMAP4.error, OSError):
            client.logout()
    return handled


def fetch_all_mailboxes() -> int:
    """Every active mailbox in turn; one that fails (server down, wrong password) is recorded
    on its row and does not stop the others."""
    total = 0
    with timed_job("fetch_mail"):
        for mailbox in Mailbox.objects.filter(is_active=True).select_related(
            "organisation", "branch", "intake_user"
        ):
            error = ""
            try:
                total += fetch_mailbox(mailbox)
            except DatabaseError:
                raise
            except (imaplib.IMAP4.error, OSError, MailboxError) as exc:
                error = f"{type(exc).__name__}: {exc}"[:500]
                logger.warning("mailbox %s: %s", mailbox.pk, error)
            Mailbox.objects.filter(pk=mailbox.pk).update(
                last_checked_at=timezone.now(), last_error=error
            )
    return total
