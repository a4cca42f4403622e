"""Printable forms: the complaint handling form, the handling notice and the register.

Each form is one template under complaints/print/, shown in the browser for printing or turned into a
PDF by WeasyPrint. The same context feeds both, so the number, the fields and the wording on
paper are the same whichever way it was printed. Every print is recorded as an export.
"""

from datetime import date, datetime

from django.contrib.staticfiles import finders
from django.template.loader import render_to_string
from django.utils import timezone
from django.utils.translation import gettext as _

from kesu.audit.models import AuditEntry
from kesu.audit.services import audit_record
from kesu.complaints import hooks
from kesu.complaints.choices import ComplaintAction, Move
from kesu.complaints.hooks import PrintedDeadline
from kesu.complaints.models import Complaint
from kesu.complaints.selectors import categories_visible_to
from kesu.core.phones import mask_phone, try_normalise_phone
from kesu.customers.selectors import customers_visible_to
from kesu.organisation.models import Branch, Organisation, User
from kesu.organisation.selectors import branches_visible_to, departments_visible_to

REGISTER_CAP = 2000
PRINT_STYLESHEET = "complaints/print.css"
# What each kind of printout is called in the audit trail.
FORM, NOTICE, REGISTER = "handling_form", "handling_notice", "register"


def customer_phone_for(user, customer) -> str:
    """The customer's phone as this user may see it: in full, or masked."""
    return customer.phone if user.sees_contact_data else mask_phone(customer.phone)


def _letterhead(organisation: Organisation, branch: Branch | None) -> dict:
    return {
        "organisation": organisation.name,
        "branch": branch.name if branch is not None else "",
        "address": branch.address if branch is not None else "",
        "phone": branch.phone if branch is not None else "",
    }


def _printed(user) -> dict:
    return {"printed_at": timezone.localtime(), "printed_by": user}


# ---- The complaint handling form (客户抱怨处理表) -------------------------------------------


# Notes of the procedure's moves that the handling form prints, newest of each kind.
FORM_NOTES = {
    Move.START_INVESTIGATION: "investigation",
    Move.PROPOSE_SOLUTION: "proposal",
    Move.RESOLVE: "result",
    Move.VERIFY: "callback",
    Move.CLOSE: "summary",
}


def _move_notes(complaint: Complaint) -> dict[str, str]:
    """The latest text recorded by each move the form shows (one query)."""
    notes: dict[str, str] = {}
    entries = AuditEntry.objects.filter(
        organisation_id=complaint.organisation_id,
        complaint_id=complaint.pk,
        action__in=list(FORM_NOTES),
    ).order_by("seq")
    for entry in entries.only("action", "data"):
        data = entry.data or {}
        text = data.get("result") or data.get("summary") or data.get("note") or ""
        if isinstance(text, str) and text.strip():
            notes[FORM_NOTES[entry.action]] = text.strip()
    return notes


def form_context(user, complaint: Complaint) -> dict:
    """Everything the handling form prints about one complaint."""
    customer = complaint.customer
    return {
        "doc": FORM,
        "complaint": complaint,
        "customer": customer,
        "customer_phone": customer_phone_for(user, customer),
        "notes": _move_notes(complaint),
        "letterhead": _letterhead(complaint.organisation, complaint.branch),
        **_printed(user),
    }


# ---- The handling notice (处理通知单) -------------------------------------------------------


def _deadlines(complaint: Complaint) -> list[PrintedDeadline]:
    """What the deadline apps say the printout shows (kesu/complaints/hooks.py)."""
    return [d for part in hooks.printed_deadlines(complaint) for d in part]


def notice_context(user, complaint: Complaint) -> dict:
    deadlines = _deadlines(complaint)
    resolution = next((d for d in deadlines if d.is_resolution), None)
    customer = complaint.customer
    return {
        "doc": NOTICE,
        "complaint": complaint,
        "customer": customer,
        "customer_phone": customer_phone_for(user, customer),
        "addressee": complaint.department.name if complaint.department else "",
        "deadlines": deadlines,
        "resolve_by": complaint.due_at or (resolution.due_at if resolution else None),
        "letterhead": _letterhead(complaint.organisation, complaint.branch),
        "issuer": user,
        **_printed(user),
    }


# ---- The register (投诉登记表) --------------------------------------------------------------


def filter_labels() -> list[tuple[str, str]]:
    """The list's filters by name, as the list page labels them."""
    return [
        ("state", _("State")),
        ("severity", _("Severity")),
        ("kind", _("Kind")),
        ("channel", _("Channel")),
        ("cause", _("Cause class")),
        ("escalation_level", _("Escalation level")),
        ("category", _("Category")),
        ("branch", _("Branch")),
        ("department", _("Department")),
        ("owner", _("Owner")),
        ("customer", _("Customer")),
        ("is_crisis", _("Crisis")),
        ("number", _("Number")),
        ("third_party_reference", _("Their reference number")),
        ("customer_phone", _("Customer's phone")),
        ("overdue", _("Overdue only")),
        ("received_after", _("Received from")),
        ("received_before", _("Received until")),
    ]


def _moment_text(value) -> str:
    """A filter's date as typed (2026-03-01) or its moment in local time."""
    if isinstance(value, datetime):
        return timezone.localtime(value).strftime("%Y-%m-%d %H:%M")
    return value.isoformat()


def describe_filters(user, form, q: str = "", *, with_period: bool = True) -> list[tuple[str, str]]:
    """The filters of a list as (label, value) pairs a reader understands, names not ids.

    Names are looked up only among what the user may see: an id from elsewhere stays an id.
    """
    if not form.is_valid():
        return []
    data = form.cleaned_data
    lookups = {
        "branch": branches_visible_to(user),
        "department": departments_visible_to(user),
        "owner": User.objects.filter(organisation_id=user.organisation_id),
        "category": categories_visible_to(user),
        "customer": customers_visible_to(user),
    }
    labels = dict(filter_labels())
    pairs = []
    for name, label in labels.items():
        value = data.get(name)
        if name in ("received_after", "received_before"):
            if with_period and value is not None:
                pairs.append((str(label), _moment_text(value)))
            continue
        if value in (None, "", []):
            continue
        field = form.fields[name]
        if isinstance(value, list):
            choices = {str(k): str(v) for k, v in getattr(field, "choices", [])}
            text = "、".join(choices.get(str(v), str(v)) for v in value)
        elif isinstance(value, bool):
            text = _("yes") if value else _("no")
        elif name in lookups:
            obj = lookups[name].filter(pk=value).first()
            text = str(obj) if obj is not None else str(value)
        elif name == "customer_phone":
            phone = try_normalise_phone(value) or ""
            text = phone if user.sees_contact_data else mask_phone(phone)
        else:
            text = str(value)
        pairs.append((str(label), text))
    if q:
        pairs.append((_("Search"), q))
    return pairs


def _day(value) -> date | None:
    if isinstance(value, datetime):
        return timezone.localtime(value).date()
    return value


def register_period(form) -> tuple[date | None, date | None]:
    data = form.cleaned_data if form.is_valid() else {}
    return _day(data.get("received_after")), _day(data.get("received_before"))


def register_rows(qs, cap: int) -> tuple[list[Complaint], bool]:
    """The register's rows in the order they were received, at most `cap` of them."""
    rows = list(qs.order_by("received_at", "id")[: cap + 1])
    return rows[:cap], len(rows) > cap


def register_context(user, found, organisation: Organisation) -> dict:
    cap = REGISTER_CAP
    rows, capped = register_rows(found.qs, cap)
    start, end = register_period(found.filters)
    branch = user.branch if user.branch_id else None
    return {
        "doc": REGISTER,
        "rows": rows,
        "capped": capped,
        "cap": cap,
        "period_start": start,
        "period_end": end,
        "filters": describe_filters(user, found.filters, found.q, with_period=False),
        "letterhead": _letterhead(organisation, branch),
        **_printed(user),
    }


# ---- Output ---------------------------------------------------------------------------------


def _refuse_fetch(url, *args, **kwargs):
    """Printouts are self-contained: no image, font or stylesheet is fetched from anywhere."""
    raise ValueError(f"Printouts do not load external resources: {url}")


def render_pdf(template: str, context: dict, request=None) -> bytes:
    # A heavy import, made only when a PDF is asked for.
    from weasyprint import CSS, HTML

    html = render_to_string(template, {**context, "for_pdf": True}, request=request)
    stylesheet = CSS(filename=finders.find(PRINT_STYLESHEET))
    document = HTML(string=html, url_fetcher=_refuse_fetch, base_url="/")
    return document.write_pdf(stylesheets=[stylesheet])


def record_export(
    user, *, organisation_id: int, document: str, fmt: str, obj, complaint_id=None, **data
) -> None:
    """Every printout and export leaves a line in the audit trail: what, how, by whom."""
    audit_record(
        organisation_id=organisation_id,
        actor=user,
        action=ComplaintAction.EXPORT,
        obj=obj,
        complaint_id=complaint_id,
        data={"document": document, "format": fmt, **data},
    )
