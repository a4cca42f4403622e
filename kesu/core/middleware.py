"""Request plumbing that must run before everything else."""

import ipaddress
import logging
import re
import time
import uuid

from django.conf import settings
from django.utils.functional import empty

from kesu.core import metrics
from kesu.core.characters import cleaned_post
from kesu.core.logs import request_id_var
from kesu.core.views import method_not_allowed, null_character, page_not_found

access_log = logging.getLogger("kesu.request")
# An incoming X-Request-ID is kept when it is a plain token (a proxy's or a client's id).
SANE_REQUEST_ID = re.compile(r"[A-Za-z0-9._-]{1,64}")


def _user_id(request):
    """The signed-in user's id, if the request looked at its user (no extra query for it)."""
    user = request.__dict__.get("user")
    if user is None or getattr(user, "_wrapped", None) is empty:
        return None
    return user.pk if user.is_authenticated else None


class RequestIdMiddleware:
    """A request id for every request, the access log line and the request metrics.

    The id comes from the request's `X-Request-ID` when that is a sane token, otherwise it is a
    new uuid4; it is in a context variable while the request runs (so every log record carries
    it, kesu/core/logs.py), on `request.request_id`, and sent back as `X-Request-ID`. When the
    response is ready one line goes to the logger `kesu.request`: method, path (without the
    query, which may hold phone numbers), status, duration, user id and client address (the one
    TrustedProxyMiddleware worked out).
    """

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        incoming = request.META.get("HTTP_X_REQUEST_ID", "")
        request_id = incoming if SANE_REQUEST_ID.fullmatch(incoming) else uuid.uuid4().hex
        request.request_id = request_id
        token = request_id_var.set(request_id)
        started = time.perf_counter()
        try:
            response = self.get_response(request)
            seconds = time.perf_counter() - started
            response["X-Request-ID"] = request_id
            metrics.observe_request(request, response.status_code, seconds)
            if access_log.isEnabledFor(logging.INFO):
                self.log_access(request, response.status_code, seconds)
            return response
        finally:
            request_id_var.reset(token)

    @staticmethod
    def log_access(request, status: int, seconds: float) -> None:
        duration_ms = round(seconds * 1000, 1)
        fields = {
            "method": request.method,
            "path": request.path[:500],
            "status": status,
            "duration_ms": duration_ms,
            "user_id": _user_id(request),
            "client": request.META.get("REMOTE_ADDR", ""),
        }
        access_log.info(
            "%s %s %s %.1fms user=%s client=%s",
            fields["method"],
            fields["path"],
            status,
            duration_ms,
            fields["user_id"] or "-",
            fields["client"],
            extra=fields,
        )


FORWARDED_HEADERS = ("HTTP_X_FORWARDED_FOR", "HTTP_X_FORWARDED_PROTO", "HTTP_X_FORWARDED_HOST")


def _networks(entries) -> list:
    return [ipaddress.ip_network(entry, strict=False) for entry in entries]


def _address(text: str):
    """The IP address written in `text`, or None."""
    try:
        return ipaddress.ip_address(text)
    except ValueError:
        return None


def _is_in(address, networks) -> bool:
    return address is not None and any(address in network for network in networks)


class TrustedProxyMiddleware:
    """The client's address from `X-Forwarded-For`, believed only when a trusted proxy sent it.

    A request straight from the internet may carry any `X-Forwarded-*` header it likes; those
    headers are dropped unless the connection comes from one of `KESU_TRUSTED_PROXIES`. From a
    trusted proxy, the client is the right-most address in `X-Forwarded-For` that is not itself
    a trusted proxy, and `REMOTE_ADDR` is set to it — so the login lockout, rate limits and the
    audit trail all see the real client.
    """

    def __init__(self, get_response):
        self.get_response = get_response
        self.trusted = _networks(settings.KESU_TRUSTED_PROXIES)

    def __call__(self, request):
        meta = request.META
        if self.trusted and _is_in(_address(meta.get("REMOTE_ADDR", "")), self.trusted):
            hops = [h.strip() for h in meta.get("HTTP_X_FORWARDED_FOR", "").split(",") if h.strip()]
            for hop in reversed(hops):
                address = _address(hop)
                if not _is_in(address, self.trusted):
                    if address is not None:
                        meta["REMOTE_ADDR"] = hop
                    break
        else:
            for header in FORWARDED_HEADERS:
                meta.pop(header, None)
        return self.get_response(request)


FORM_TYPES = ("application/x-www-form-urlencoded", "multipart/form-data")


def _has_nul(data) -> bool:
    """Whether any key or value of a QueryDict (query or form) holds a NUL character."""
    return any("\x00" in key or any("\x00" in v for v in values) for key, values in data.lists())


class RefuseNullCharactersMiddleware:
    """A NUL character in the address or a query gets a clear 400, not a 500; a web form's
    field that holds one (or another character no field takes, kesu/core/characters.py) is
    not refused but cleaned, so that the form comes back with its text and the field marked.

    PostgreSQL cannot store NUL in text and raises deep inside the request; no person types
    one, but pasted text can carry it. So no view ever sees one: an address, a query or a
    field's name with NUL is refused before any view runs; a form's values reach the view
    without the characters, `request.POST.refused_characters` naming the fields that held
    any (every Django form, the moves' and the portal's forms turn that into the field's
    error). Under /api/ a form with NUL is refused as before (JSON bodies are checked by the
    API's serializer fields, which refuse NUL with a field error).
    """

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        found = "\x00" in request.path or _has_nul(request.GET)
        if not found and request.method == "POST" and request.content_type in FORM_TYPES:
            post = request.POST
            if request.path.startswith("/api/"):
                found = _has_nul(post)
            elif any("\x00" in key for key in post):
                found = True
            else:
                request.POST = cleaned_post(post)
        if found:
            return null_character(request)
        return self.get_response(request)


class ContentSecurityPolicyMiddleware:
    """Scripts only from Kesu's own files: an injected `<script>` or `onerror=` never runs.

    Set on HTML pages. Styles may be inline (htmx adds its indicator style; a few templates
    use style attributes), images may be data: URLs (Swagger's icons). A response that sets its own policy (an
    uploaded file shown in a sandbox) keeps it.
    """

    def __init__(self, get_response):
        self.get_response = get_response
        self.policy = settings.KESU_CONTENT_SECURITY_POLICY

    def __call__(self, request):
        response = self.get_response(request)
        # Pages only: a PDF shown inline must stay viewable, and JSON runs nothing.
        is_page = response.get("Content-Type", "").startswith("text/html")
        if self.policy and is_page and "Content-Security-Policy" not in response:
            response["Content-Security-Policy"] = self.policy
        return response


class DatabaseUnavailableMiddleware:
    """A page whose view finds the database away (a restart, a fail-over) answers 503 with
    Retry-After and a page that says so, not a 500. The API does the same in its own error
    shape (kesu/core/api/errors.py)."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        return self.get_response(request)

    def process_exception(self, request, exception):
        from django.db import InterfaceError, OperationalError

        if not isinstance(exception, OperationalError | InterfaceError):
            return None
        from kesu.core.views import database_unavailable

        logging.getLogger("kesu.request").warning("database unavailable: %s", exception)
        return database_unavailable(request)


class NotAllowedPageMiddleware:
    """An empty 405 on a page reads as Kesu's error page, in the user's language, with a way back.

    A POST-only view (require_POST, LogoutView) answers another method with an empty 405, which
    a browser shows as its own bare error. The API's 405s carry their JSON body and are kept.
    """

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        response = self.get_response(request)
        if (
            response.status_code != 405
            or request.path.startswith("/api/")
            or getattr(response, "streaming", False)
            or response.content
        ):
            return response
        page = method_not_allowed(request)
        if response.has_header("Allow"):
            page["Allow"] = response["Allow"]
        return page


class DebugNotFoundPageMiddleware:
    """Under DEBUG (`make run`), a page's 404 is Kesu's page too, not Django's technical one.

    Django answers a 404 with its list of URL patterns whenever DEBUG is on; whoever tries Kesu
    under `make run` should meet the page a user meets in production. The API keeps its JSON.
    """

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        response = self.get_response(request)
        if (
            not settings.DEBUG
            or response.status_code != 404
            or request.path.startswith("/api/")
            or getattr(response, "kesu_error_page", False)
            or getattr(response, "streaming", False)
            or not response.get("Content-Type", "").startswith("text/html")
        ):
            return response
        return page_not_found(request)
