"""Absolute addresses for what leaves Kesu: links in e-mails, text messages, webhook bodies,
robot messages, the QR code of a printed notice. The one place they are made.

They start with KESU_PUBLIC_URL, the address people outside reach Kesu at (e.g.
https://kesu.example.com). Unset, a link made while answering a request starts with that
request's own scheme and host (what the browser used, so at least it opens for that person);
one made without a request (the worker: notifications, digests, webhook deliveries, messages
sent on a schedule) has no address to start with: it stays a path, and a warning is logged,
rather than pointing at 127.0.0.1. `manage.py check --deploy` warns while it is unset
(kesu.W003, kesu/core/checks.py).
"""

import logging

from django.conf import settings

logger = logging.getLogger(__name__)


def public_base(request=None) -> str:
    """Scheme and host every outgoing link starts with, without a trailing slash; "" when
    neither KESU_PUBLIC_URL nor a request gives one (logged)."""
    base = (getattr(settings, "KESU_PUBLIC_URL", "") or "").rstrip("/")
    if base:
        return base
    if request is not None:
        return request.build_absolute_uri("/").rstrip("/")
    logger.warning(
        "KESU_PUBLIC_URL is not set: a link sent without a request is left without an address"
    )
    return ""


def public_url(path: str, request=None) -> str:
    """`path` (starting with /) as an absolute address under public_base()."""
    if not path.startswith("/"):
        path = "/" + path
    return public_base(request) + path
