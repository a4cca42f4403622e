"""E-mail whose subject reads back as written, for every mail Kesu sends (customers' messages,
staff notifications)."""

from email.header import Header
from email.message import Message as PlainMessage

from django.core.mail import EmailMessage


class SubjectSafeEmail(EmailMessage):
    """Django's message with a subject that reads back as written. Django encodes a non-ASCII
    subject as one encoded word, which the standard library then folds onto a line of its own
    ("Subject: \\n =?utf-8?…"); mail programs read that as a subject starting with a space.
    Encoded knowing the header's name, the first line carries the subject's start."""

    def message(self, **kwargs):
        msg = super().message(**kwargs)
        subject = str(self.subject)
        if not subject.isascii():
            del msg["Subject"]
            # Past SafeMIMEText.__setitem__, which would make it one long word again.
            PlainMessage.__setitem__(
                msg, "Subject", Header(subject, "utf-8", header_name="Subject")
            )
        return msg
