"""What the improvements app shows on other apps' pages (complaints' page and home hooks)."""

from kesu.complaints.hooks import PagePanel
from kesu.improvements.selectors import actions_of_complaint

PANEL_LIMIT = 20


def complaint_panel(complaint, user, forms: dict) -> PagePanel | None:
    """The improvement actions already taken from the complaint that the reader sees, so that
    nobody starts the same one again; None when there are none."""
    linked = actions_of_complaint(user, complaint, PANEL_LIMIT + 1)
    if not linked:
        return None
    return PagePanel(
        "improvements/_complaint_panel.html",
        {"actions": linked[:PANEL_LIMIT], "more": len(linked) > PANEL_LIMIT},
    )
