"""What this app shows on the complaint page (complaints' `complaint_panels` hook): the
messages sent to the customer, by which channel, to whom, when, and whether they arrived."""

from kesu.complaints.hooks import PagePanel
from kesu.mailboxes.selectors import messages_to_customer


def complaint_panel(complaint, user, forms: dict) -> PagePanel:
    return PagePanel(
        "mailboxes/_complaint_messages.html",
        {"messages": messages_to_customer(user, complaint)},
    )
