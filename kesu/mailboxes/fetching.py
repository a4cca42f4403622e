"""Reading the branches' mailboxes over IMAP (stdlib imaplib): unseen mail, one at a time.

Each mail is fetched without marking it read (BODY.PEEK), handled in its own transaction
(intake.intake_mail) and marked \\Seen only after that commit. A crash in between leaves it
unseen: the next run fetches it again and the Message-ID row stops a second complaint.
"""

import contextlib
import imaplib
import logging
import ssl

from django.conf import settings
from django.db import DatabaseError
from django.utils import timezone, translation
from django.utils.translation import gettext as _

from kesu.core.jobs import timed_job
from kesu.mailboxes.choices import InboundStatus, Security
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
    """Handle up to `batch` unseen mails of one mailbox; returns how many were handled. What
    it records in words (reasons, errors) is in the site's language (KESU_LANGUAGE)."""
    with translation.override(settings.LANGUAGE_CODE):
        return _fetch_mailbox(mailbox, batch)


def _fetch_mailbox(mailbox: Mailbox, batch: int) -> int:
    handled = 0
    client = connect(mailbox)
    try:
        # A mail that failed is left unread and flagged for a person to open: not fetched again.
        status, data = client.uid("SEARCH", None, "UNSEEN", "UNFLAGGED")
        if status != "OK":
            raise MailboxError("search failed")
        uids = (data[0] or b"").split()[:batch]
        for uid in uids:
            status, parts = client.uid("FETCH", uid, "(BODY.PEEK[])")
            raw = next((p[1] for p in parts or [] if isinstance(p, tuple)), None)
            if status != "OK" or raw is None:
                continue
            inbound = intake_mail(mailbox, raw)
            failed = inbound is not None and inbound.status == InboundStatus.FAILED
            client.uid("STORE", uid, "+FLAGS", "(\\Flagged)" if failed else "(\\Seen)")
            handled += 1
    finally:
        with contextlib.suppress(imaplib.IMAP4.error, OSError):
            client.logout()
    return handled


def error_text(exc: Exception) -> str:
    """A mailbox's failure in words (the server's own answer decoded, not b'...')."""
    detail = exc.args[0] if exc.args else ""
    if isinstance(detail, bytes):
        detail = detail.decode("utf-8", "replace")
    detail = " ".join(str(detail or exc.__class__.__name__).split())
    if isinstance(exc, imaplib.IMAP4.error):
        if "AUTHENTICATIONFAILED" in detail.upper() or "LOGIN" in detail.upper():
            return _(
                "The IMAP server refused the user name or password (it answered: %(detail)s)."
            ) % {"detail": detail}
        return _("The IMAP server refused a request (it answered: %(detail)s).") % {
            "detail": detail
        }
    if isinstance(exc, OSError):
        reason = exc.strerror or detail
        return _("The IMAP server cannot be reached (%(detail)s).") % {"detail": reason}
    return _("The mailbox cannot be read: %(detail)s.") % {"detail": detail}


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
                with translation.override(settings.LANGUAGE_CODE):
                    error = error_text(exc)[:500]
                logger.warning("mailbox %s: %s", mailbox.pk, error)
            Mailbox.objects.filter(pk=mailbox.pk).update(
                last_checked_at=timezone.now(), last_error=error
            )
    return total
