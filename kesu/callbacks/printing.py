"""The printable callback record (回访记录): every callback about a complaint, or one callback,
with each call made — when, by whom, what came of it, how satisfied the customer was.

It is one of the printed forms (kesu/complaints/printing.py): the same letterhead, stylesheet,
PDF rendering and audit entry.
"""

from django.db.models import Prefetch
from django.urls import reverse
from django.utils.translation import gettext as _

from kesu.callbacks.models import CallAttempt, CallbackTask
from kesu.callbacks.selectors import customer_ratings, may_use_workspace, tasks_visible_to
from kesu.complaints.hooks import PrintLink
from kesu.complaints.models import Complaint
from kesu.complaints.printing import customer_phone_for, letterhead, printed

CALLBACK_RECORD = "callback_record"
# More than any complaint gets; the record says so if it is cut.
RECORD_CAP = 100


def _with_calls(qs):
    return qs.select_related(
        "plan", "assignee", "completed_by", "purchase", "raised_complaint", "key_person"
    ).prefetch_related(
        Prefetch(
            "call_attempts", queryset=CallAttempt.objects.select_related("by").order_by("at", "id")
        )
    )


def complaint_record_context(user, complaint: Complaint) -> dict:
    """Every callback of the complaint the user sees, oldest first, with their calls."""
    tasks = list(
        _with_calls(tasks_visible_to(user).filter(complaint_id=complaint.pk)).order_by(
            "due_on", "id"
        )[: RECORD_CAP + 1]
    )
    customer = complaint.customer
    return {
        "doc": CALLBACK_RECORD,
        "complaint": complaint,
        "task": None,
        "customer": customer,
        "customer_phone": customer_phone_for(user, customer),
        "purchase": complaint.purchase,
        "ratings": customer_ratings(complaint),
        "tasks": tasks[:RECORD_CAP],
        "capped": len(tasks) > RECORD_CAP,
        "cap": RECORD_CAP,
        "letterhead": letterhead(complaint.organisation, complaint.branch),
        **printed(user),
    }


def task_record_context(user, task: CallbackTask) -> dict:
    """One callback and its calls."""
    (task,) = _with_calls(CallbackTask.objects.filter(pk=task.pk))
    customer = task.customer
    return {
        "doc": CALLBACK_RECORD,
        "complaint": task.complaint,
        "task": task,
        "customer": customer,
        "customer_phone": customer_phone_for(user, customer),
        "purchase": task.purchase,
        "ratings": customer_ratings(task.complaint) if task.complaint_id else [],
        "tasks": [task],
        "capped": False,
        "cap": RECORD_CAP,
        "letterhead": letterhead(task.organisation, task.branch),
        **printed(user),
    }


def callback_record_link(user, complaint: Complaint) -> PrintLink | None:
    """The complaint page's link to the record, for those who work with callbacks, once the
    complaint has a callback they see (complaints.hooks.complaint_printouts)."""
    if not may_use_workspace(user):
        return None
    if not tasks_visible_to(user).filter(complaint_id=complaint.pk).exists():
        return None
    return PrintLink(
        _("Print callback record"), reverse("callbacks:complaint-print", args=[complaint.pk])
    )
