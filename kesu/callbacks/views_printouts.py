"""The printable callback record: all the callbacks of a complaint, or one callback. Thin views:
the same scoping as the callback pages (another branch's complaint or task is 404), recorded as
an export like every printout."""

from django.http import Http404

from kesu.callbacks import printing
from kesu.callbacks.views import _get_task, _workspace
from kesu.complaints.printing import printout_response
from kesu.complaints.selectors import complaint_detail
from kesu.core.api.fields import MAX_ID
from kesu.core.errors import NotFound

TEMPLATE = "callbacks/print/record.html"


@_workspace
def print_complaint_record(request, pk: int, fmt: str = "html"):
    if pk > MAX_ID:
        raise Http404
    try:
        complaint = complaint_detail(request.user, pk)
    except NotFound:
        raise Http404 from None
    return printout_response(
        request,
        TEMPLATE,
        printing.complaint_record_context(request.user, complaint),
        fmt=fmt,
        filename=f"{complaint.number}-callbacks",
        audit={
            "organisation_id": complaint.organisation_id,
            "document": printing.CALLBACK_RECORD,
            "obj": complaint,
            "complaint_id": complaint.pk,
        },
    )


@_workspace
def print_task_record(request, pk: int, fmt: str = "html"):
    if pk > MAX_ID:
        raise Http404
    task = _get_task(request, pk)
    return printout_response(
        request,
        TEMPLATE,
        printing.task_record_context(request.user, task),
        fmt=fmt,
        filename=f"callback-{task.pk}",
        audit={
            "organisation_id": task.organisation_id,
            "document": printing.CALLBACK_RECORD,
            "obj": task,
            "complaint_id": task.complaint_id,
        },
    )
