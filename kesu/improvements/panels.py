"""What the improvements app shows on other apps' pages (complaints' page and home hooks)."""

from urllib.parse import urlencode

from django.urls import reverse

from kesu.complaints.hooks import HomePanel, PagePanel
from kesu.improvements.choices import ACTIVE
from kesu.improvements.selectors import (
    REVIEWING_ROLES,
    actions_of_complaint,
    open_actions_owned_by,
)

PANEL_LIMIT = 20
HOME_LIMIT = 5


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


def home_panel(user) -> HomePanel | None:
    """My improvement actions not done yet, earliest due first (complaints' `home_panels`);
    None for who owns none. The reviewing roles (director, general manager, group) are left out:
    their home page's month dashboard already counts the open and overdue actions and links
    to them, and their home page keeps its query budget."""
    if getattr(user, "role", None) in REVIEWING_ROLES:
        return None
    mine = open_actions_owned_by(user, HOME_LIMIT + 1)
    if not mine:
        return None
    listed = reverse("improvements:list")
    return HomePanel(
        "improvements/_home_panel.html",
        {
            "actions": mine[:HOME_LIMIT],
            "more": len(mine) > HOME_LIMIT,
            "all_link": f"{listed}?{urlencode({'status': ACTIVE, 'owner': user.pk})}",
        },
    )
