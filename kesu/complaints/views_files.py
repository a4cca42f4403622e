"""A complaint's files on the staff workspace: thumbnails, full-size views and downloads.

Files go out through Django, after the same scope check as the complaint page: a user who
cannot see the complaint gets 404 for its files, and so does a file asked for under another
complaint. Names and types come from kesu/complaints/attachments.py.
"""

from django.contrib.auth.decorators import login_required
from django.http import FileResponse, Http404
from django.views.decorators.http import require_safe

from kesu.complaints.attachments import (
    content_disposition,
    inline_type,
    is_pdf,
    thumbnail_name,
)
from kesu.complaints.selectors import attachment_get
from kesu.core.errors import NotFound

# Attachments never change, so a browser may keep them for a while (never a shared cache).
PRIVATE_CACHE = "private, max-age=86400"


BIGINT_MAX = 2**63 - 1


def _attachment(request, pk, file_pk):
    if pk > BIGINT_MAX or file_pk > BIGINT_MAX:
        raise Http404  # the database could not even compare such an id
    try:
        return attachment_get(request.user, pk, file_pk)
    except NotFound:
        raise Http404 from None


def _open(storage, name):
    try:
        return storage.open(name, "rb")
    except FileNotFoundError:
        raise Http404 from None


def _send(handle, *, content_type: str, disposition: str, sandbox: bool = True):
    response = FileResponse(handle, content_type=content_type)
    response["Content-Disposition"] = disposition
    response["Cache-Control"] = PRIVATE_CACHE
    if sandbox:
        # An uploaded file shown in the browser must not run script on Kesu's origin.
        # (Chromium's PDF viewer does not open in a sandboxed document.)
        response["Content-Security-Policy"] = "sandbox"
    return response


@login_required
@require_safe
def file_view(request, pk, file_pk):
    """The file in the browser at full size (photos, PDF, text, audio, video); others download."""
    attachment = _attachment(request, pk, file_pk)
    content_type = inline_type(attachment)
    handle = _open(attachment.file.storage, attachment.file.name)
    if content_type is None:
        return _send(
            handle,
            content_type="application/octet-stream",
            disposition=content_disposition(attachment.original_name),
        )
    return _send(
        handle,
        content_type=content_type,
        disposition=content_disposition(attachment.original_name, inline=True),
        sandbox=not is_pdf(attachment),
    )


@login_required
@require_safe
def file_download(request, pk, file_pk):
    """The file as a download under the name it was uploaded with."""
    attachment = _attachment(request, pk, file_pk)
    handle = _open(attachment.file.storage, attachment.file.name)
    return _send(
        handle,
        content_type=inline_type(attachment) or "application/octet-stream",
        disposition=content_disposition(attachment.original_name),
    )


@login_required
@require_safe
def file_thumbnail(request, pk, file_pk):
    """A small JPEG of a photo; 404 for files that are not readable images."""
    attachment = _attachment(request, pk, file_pk)
    name = thumbnail_name(attachment)
    if name is None:
        raise Http404
    handle = _open(attachment.file.storage, name)
    return _send(
        handle,
        content_type="image/jpeg",
        disposition=content_disposition(f"{attachment.pk}-thumbnail.jpg", inline=True),
    )
