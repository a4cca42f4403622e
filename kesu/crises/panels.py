"""What the crises app shows on other apps' pages: the complaint page's crisis panel (the
internal notice, the spokesperson, the way to the crisis page, or the form that opens it) and the
home page's open crises, first on the page of the general manager, the customer director and
the group (complaints' `complaint_panels` and `home_panels` hooks)."""

from kesu.complaints.hooks import HomePanel, PagePanel
from kesu.crises.forms import OpenForm
from kesu.crises.selectors import crisis_of_complaint, may_open, open_crises_for_home, people_for

HOME_LIMIT = 10


def complaint_panel(complaint, user, forms: dict) -> PagePanel | None:
    """A crisis complaint's panel; a complaint no longer flagged keeps the panel of the crisis
    opened on it. None for any other complaint."""
    crisis = crisis_of_complaint(complaint)
    if crisis is None and not complaint.is_crisis:
        return None
    context: dict = {"crisis": crisis, "complaint": complaint, "may_open": False}
    if crisis is None and may_open(user, complaint):
        context["may_open"] = True
        context["form"] = forms.get("crisis_open") or OpenForm(
            people=people_for(complaint.organisation_id, complaint.branch_id),
            initial={"spokesperson": user.pk},
        )
    return PagePanel("crises/_complaint_panel.html", context)


def home_panel(user) -> HomePanel | None:
    """The open crises the general manager, customer director or group sees, oldest first."""
    crises = open_crises_for_home(user, HOME_LIMIT + 1)
    if not crises:
        return None
    return HomePanel(
        "crises/_home_panel.html",
        {"crises": crises[:HOME_LIMIT], "more": len(crises) > HOME_LIMIT},
    )
