"""The portal's error pages: under /portal/ a 400, 403, 404, 405, 500 or 503 reads in the
portal's own look (the branch's or organisation's name and logo, the customer's language, a
way back to the portal's start), never the staff workspace's navigation. Registered with
kesu.core.views.error_page in PortalConfig.ready()."""

import logging

from django.shortcuts import render
from django.utils.translation import gettext_lazy as _

PREFIX = "/portal/"

# status (or status and reason) → the page's title and what it tells the customer: no talk of
# administrators, menus or signing in, which a customer does not have.
MESSAGES = {
    400: (_("Something is not right"), _("We could not understand what your browser sent.")),
    403: (_("Not available"), _("This page is not available to you.")),
    404: (
        _("Page not found"),
        _("There is nothing at this address. The link may be old or mistyped."),
    ),
    405: (
        _("Nothing to show here"),
        _("This address only receives a form. Go back and send the form again."),
    ),
    500: (
        _("Something went wrong"),
        _("Something went wrong on our side. Please try again in a moment."),
    ),
    503: (
        _("Try again in a moment"),
        _("Our service is briefly unavailable. Please try again in a few seconds."),
    ),
    (400, "nul"): (
        _("Something is not right"),
        _("What you sent contains a character no field accepts. Remove it and send it again."),
    ),
    (403, "csrf"): (
        _("The form has expired"),
        _(
            "The form was open too long to be accepted. Nothing was sent. Go back, reload the "
            "page and try again."
        ),
    ),
}


def _branding(request) -> dict:
    """The organisation, and the branch when the address names one (/portal/<branch>/...)."""
    from kesu.portal.selectors import portal_branch, portal_organisation

    organisation = portal_organisation()
    branch = None
    first = request.path[len(PREFIX) :].split("/", 1)[0]
    if organisation is not None and first:
        branch = portal_branch(organisation, first)
    return {"organisation": organisation, "branch": branch}


def portal_error_page(request, context: dict):
    if not request.path.startswith(PREFIX):
        return None
    status = context["status"]
    title, message = MESSAGES.get((status, context.get("reason")), MESSAGES.get(status, ("", "")))
    page = {
        "status": status,
        "title": title or context["title"],
        "message": message or context["message"],
        "back_url": context.get("back_url", ""),
        "request_id": context.get("request_id", ""),
        "organisation": None,
        "branch": None,
    }
    if status != 503:  # with the database away, the page names no organisation
        try:
            page.update(_branding(request))
        except Exception:  # the branding is a nicety; the page must still be shown
            logging.getLogger("kesu.request").exception("portal error page: no branding")
    return render(request, "portal/error.html", page, status=status)
