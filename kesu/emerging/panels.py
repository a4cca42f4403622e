"""What the emerging issues show on other apps' pages: the home page's open emerging issues,
for who sees them (complaints' `home_panels` hook)."""

from kesu.complaints.hooks import HomePanel
from kesu.emerging.selectors import open_issues_for_home

HOME_LIMIT = 10


def home_panel(user) -> HomePanel | None:
    issues = open_issues_for_home(user, HOME_LIMIT + 1)
    if not issues:
        return None
    return HomePanel(
        "emerging/_home_panel.html",
        {"issues": issues[:HOME_LIMIT], "more": len(issues) > HOME_LIMIT},
    )
