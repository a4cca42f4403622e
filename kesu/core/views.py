"""Error pages: readable, in the user's language, with a way back; JSON under /api/."""

from django.http import HttpResponse, JsonResponse
from django.shortcuts import render
from django.utils.translation import gettext_lazy as _

# status → (the API's error code, the page's title, what it tells the user)
ERRORS = {
    400: ("bad_request", _("Bad request"), _("The request could not be understood.")),
    403: ("permission_denied", _("Not allowed"), _("You may not open this page.")),
    404: ("not_found", _("Page not found"), _("There is nothing at this address.")),
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


def _error(request, status: int, message=None):
    code, title, default_message = ERRORS[status]
    message = message or default_message
    if request.path.startswith("/api/"):
        body = {"error": {"code": code, "message": str(message), "fields": {}}}
        return JsonResponse(body, status=status)
    context = {"status": status, "title": title, "message": message}
    if status == 500:
        # The id the log lines of this request carry (RequestIdMiddleware), for the user to quote.
        context["request_id"] = getattr(request, "request_id", "")
    try:
        return render(request, "core/error.html", context, status=status)
    except Exception:  # the error page itself must never fail
        return HttpResponse(message, status=status, content_type="text/plain; charset=utf-8")


def null_character(request):
    return _error(request, 400, NULL_CHARACTER)


def bad_request(request, exception=None):
    return _error(request, 400)


def permission_denied(request, exception=None):
    return _error(request, 403)


def page_not_found(request, exception=None):
    return _error(request, 404)


def server_error(request):
    return _error(request, 500)
