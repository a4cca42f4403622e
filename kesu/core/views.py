"""Error pages: readable, in the user's language, with a way back; JSON under /api/."""

import logging
from functools import wraps

from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.http import HttpResponse, JsonResponse
from django.shortcuts import render
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.translation import gettext_lazy as _

from kesu.core.hooks import Hook

# status → (the API's error code, the page's title, what it tells the user)
ERRORS = {
    400: ("bad_request", _("Bad request"), _("The request could not be understood.")),
    403: ("permission_denied", _("Not allowed"), _("You may not open this page.")),
    404: ("not_found", _("Page not found"), _("There is nothing at this address.")),
    405: (
        "method_not_allowed",
        _("Nothing to show here"),
        _(
            "This address only receives a form when it is sent; it has no page of its own. Go "
            "back and send the form again, or open the page you need from the menu."
        ),
    ),
    503: (
        "unavailable",
        _("Try again in a moment"),
        _(
            "Kesu cannot reach its database just now (a restart or a fail-over). Please try "
            "again in a few seconds."
        ),
    ),
    500: (
        "server_error",
        _("Server error"),
        _(
            "Something went wrong on our side and it has been logged. Please try again in a "
            "moment; if it happens again, tell your administrator."
        ),
    ),
}


NULL_CHARACTER = _(
    "The request contains a NUL character (\\0), which no field accepts. Remove it and send "
    "it again."
)


CSRF_EXPIRED_TITLE = _("The form has expired")
CSRF_EXPIRED = _(
    "The form could not be accepted because it was opened before you signed out or signed in "
    "again (perhaps in another tab). Nothing was saved. Go back, reload the page and try again."
)


# A higher app's own look for the error pages under its addresses (the customer portal's must
# not show the staff workspace): receivers take (request, context) and return a response, or
# None to leave the page to Kesu's. The context holds status, reason ("", "csrf" or "nul": why
# beyond the status), title, message, back_url and, for a 500, request_id.
error_page = Hook("core: an error page is rendered")


def signed_in_and(allowed):
    """A view decorator: the user signed in (else the sign-in page) and `allowed(user)` (else
    403) — a domain app's readers, e.g. `signed_in_and(may_read)`."""

    def decorate(view):
        @login_required
        @wraps(view)
        def wrapped(request, *args, **kwargs):
            if not allowed(request.user):
                raise PermissionDenied
            return view(request, *args, **kwargs)

        return wrapped

    return decorate


def _back_url(request) -> str:
    """The page the request came from, if it is one of Kesu's own: where "go back" leads."""
    referer = request.META.get("HTTP_REFERER", "")
    if referer and url_has_allowed_host_and_scheme(
        referer, allowed_hosts={request.get_host()}, require_https=request.is_secure()
    ):
        return referer
    return ""


def _error(request, status: int, message=None, title=None, back_url="", reason=""):
    code, default_title, default_message = ERRORS[status]
    message = message or default_message
    title = title or default_title
    if request.path.startswith("/api/"):
        body = {"error": {"code": code, "message": str(message), "fields": {}}}
        return JsonResponse(body, status=status)
    context = {
        "status": status,
        "reason": reason,
        "title": title,
        "message": message,
        "back_url": back_url,
    }
    if status == 500:
        # The id the log lines of this request carry (RequestIdMiddleware), for the user to quote.
        context["request_id"] = getattr(request, "request_id", "")
    response = None
    try:
        for own in error_page(request, dict(context)):
            if own is not None:
                response = own
                break
    except Exception:  # an app's page that fails falls back to Kesu's own
        logging.getLogger("kesu.request").exception("error page hook failed")
        response = None
    try:
        if response is None:
            response = render(request, "core/error.html", context, status=status)
    except Exception:  # the error page itself must never fail
        response = HttpResponse(message, status=status, content_type="text/plain; charset=utf-8")
    response.kesu_error_page = True  # type: ignore[attr-defined]
    return response


def database_unavailable(request):
    response = _error(request, 503)
    response["Retry-After"] = "5"
    return response


def null_character(request):
    return _error(request, 400, NULL_CHARACTER, reason="nul")


def bad_request(request, exception=None):
    return _error(request, 400)


def permission_denied(request, exception=None):
    return _error(request, 403)


def page_not_found(request, exception=None):
    return _error(request, 404)


def method_not_allowed(request):
    """A page address that takes only a form's POST, opened another way (NotAllowedPage)."""
    return _error(request, 405)


def csrf_failure(request, reason=""):
    """CSRF_FAILURE_VIEW: a form sent with a stale token, e.g. after signing out in another tab."""
    return _error(
        request,
        403,
        CSRF_EXPIRED,
        title=CSRF_EXPIRED_TITLE,
        back_url=_back_url(request),
        reason="csrf",
    )


def server_error(request):
    return _error(request, 500)
