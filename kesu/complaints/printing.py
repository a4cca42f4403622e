"""Printable forms: the complaint handling form, its sales and after-sales versions, the handling
notice and the register.

Each form is one template under complaints/print/, shown in the browser for printing or turned into a
PDF by WeasyPrint. The same context feeds both, so the number, the fields and the wording on
paper are the same whichever way it was printed. Every print is recorded as an export.
"""

from dataclasses import dataclass
from datetime import date, datetime

from django.contrib.staticfiles import finders
from django.http import HttpResponse
from django.shortcuts import render
from django.template.loader import render_to_string
from django.utils import timezone
from django.utils.http import content_disposition_header
from django.utils.translation import gettext as _

from kesu.audit.models import AuditEntry
from kesu.audit.services import audit_record
from kesu.complaints import hooks
from kesu.complaints.choices import DONE_STATES, ComplaintAction, Move, State
from kesu.complaints.hooks import PrintedDeadline
from kesu.complaints.models import Complaint
from kesu.complaints.selectors import (
    branches_in_view,
    categories_visible_to,
    exchanges_of,
    recourse_for,
    recourse_options,
)
from kesu.core.phones import mask_phone, try_normalise_phone
from kesu.customers.choices import PurchaseKind
from kesu.customers.selectors import customers_visible_to
from kesu.organisation.models import Branch, Organisation, User
from kesu.organisation.selectors import departments_visible_to

REGISTER_CAP = 2000
PRINT_STYLESHEET = "complaints/print.css"
# What each kind of printout is called in the audit trail.
FORM, NOTICE, REGISTER = "handling_form", "handling_notice", "register"
DEPARTMENT_FORM = "department_form"
CLOSURE = "closing_letter"


def customer_phone_for(user, customer) -> str:
    """The customer's phone as this user may see it: in full, or masked."""
    return customer.phone if user.sees_contact_data else mask_phone(customer.phone)


def letterhead(organisation: Organisation, branch: Branch | None) -> dict:
    return {
        "organisation": organisation.name,
        "branch": branch.name if branch is not None else "",
        "address": branch.address if branch is not None else "",
        "phone": branch.phone if branch is not None else "",
    }


def printed(user) -> dict:
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


def _entry_text(data) -> str:
    data = data or {}
    text = data.get("result") or data.get("summary") or data.get("note") or ""
    return text.strip() if isinstance(text, str) else ""


def _move_notes(complaint: Complaint) -> dict[str, str]:
    """The latest text recorded by each move the form shows (one query)."""
    notes: dict[str, str] = {}
    entries = AuditEntry.objects.filter(
        organisation_id=complaint.organisation_id,
        complaint_id=complaint.pk,
        action__in=list(FORM_NOTES),
    ).order_by("seq")
    for entry in entries.only("action", "data"):
        text = _entry_text(entry.data)
        if text:
            notes[FORM_NOTES[entry.action]] = text
    return notes


@dataclass(frozen=True)
class MoveDone:
    """When a move was last made on the complaint, by whom, with the text it recorded."""

    at: datetime
    by: User | None
    text: str


def _moves_done(complaint: Complaint, moves: list[str]) -> dict[str, MoveDone]:
    """The latest entry of each of `moves` on the complaint's timeline (one query)."""
    done: dict[str, MoveDone] = {}
    entries = (
        AuditEntry.objects.filter(
            organisation_id=complaint.organisation_id,
            complaint_id=complaint.pk,
            action__in=moves,
        )
        .select_related("actor")
        .order_by("seq")
    )
    for entry in entries:
        done[entry.action] = MoveDone(entry.at, entry.actor, _entry_text(entry.data))
    return done


def form_context(user, complaint: Complaint) -> dict:
    """Everything the handling form prints about one complaint."""
    customer = complaint.customer
    return {
        "doc": FORM,
        "complaint": complaint,
        "customer": customer,
        "customer_phone": customer_phone_for(user, customer),
        "notes": _move_notes(complaint),
        "ratings": [r for part in hooks.customer_ratings(complaint) for r in part],
        "letterhead": letterhead(complaint.organisation, complaint.branch),
        **printed(user),
    }


# ---- The sales and after-sales handling forms (销售/售后客户抱怨处理表) ----------------------

SALES, AFTER_SALES = "sales", "after_sales"
DEPARTMENT_FORMS = (SALES, AFTER_SALES)
# Which form a complaint is written on (docs/decisions.md): its department's, by the codes of
# the dealership template (complaints/bootstrap.py); else its category's branch of the tree
# (complaints/defaults.py); else what it concerns; else the after-sales form.
FORM_OF_DEPARTMENT = {"sales": SALES, "service": AFTER_SALES}
FORM_OF_CATEGORY = {"sales": SALES, "vehicle": AFTER_SALES, "aftersales": AFTER_SALES}
FORM_OF_PURCHASE = {PurchaseKind.ORDER: SALES, PurchaseKind.SERVICE: AFTER_SALES}
# The moves whose date, author and text the department forms print.
DEPARTMENT_FORM_MOVES = [
    Move.START_INVESTIGATION,
    Move.ACCEPT_SOLUTION,
    Move.RESOLVE,
    Move.VERIFY,
]


def department_form_kind(complaint: Complaint) -> str:
    """SALES or AFTER_SALES: the seed's two forms, chosen by the complaint's department."""
    department = complaint.department
    if department is not None and department.code in FORM_OF_DEPARTMENT:
        return FORM_OF_DEPARTMENT[department.code]
    category = complaint.category
    if category is not None:
        root = category.path.split("/", 1)[0]
        if root in FORM_OF_CATEGORY:
            return FORM_OF_CATEGORY[root]
    purchase = complaint.purchase
    if purchase is not None and purchase.kind in FORM_OF_PURCHASE:
        return FORM_OF_PURCHASE[purchase.kind]
    return AFTER_SALES


def department_form_context(user, complaint: Complaint, kind: str = "") -> dict:
    """The sales or after-sales handling form; `kind` overrides the complaint's own."""
    kind = kind if kind in DEPARTMENT_FORMS else department_form_kind(complaint)
    customer = complaint.customer
    purchase = complaint.purchase
    moves = _moves_done(complaint, DEPARTMENT_FORM_MOVES)
    return {
        "doc": DEPARTMENT_FORM,
        "kind": kind,
        "derived_kind": department_form_kind(complaint),
        "file_suffix": "sales-form" if kind == SALES else "after-sales-form",
        "complaint": complaint,
        "customer": customer,
        "customer_phone": customer_phone_for(user, customer),
        "purchase": purchase,
        # The purchase's reference is an order or contract number for a sale, a repair order
        # number for a service visit.
        "order_reference": purchase.reference
        if purchase and purchase.kind != PurchaseKind.SERVICE
        else "",
        "repair_order": purchase.reference
        if purchase and purchase.kind == PurchaseKind.SERVICE
        else "",
        "investigated": moves.get(Move.START_INVESTIGATION),
        "agreed": moves.get(Move.ACCEPT_SOLUTION),
        "resolved": moves.get(Move.RESOLVE),
        "verified": moves.get(Move.VERIFY),
        "exchanges": list(exchanges_of(complaint)[:5]) if kind == AFTER_SALES else [],
        "letterhead": letterhead(complaint.organisation, complaint.branch),
        **printed(user),
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
        "letterhead": letterhead(complaint.organisation, complaint.branch),
        "issuer": user,
        **printed(user),
    }


def tracking_url(request, complaint: Complaint) -> str:
    """The customer portal's tracking page for this complaint, absolute: KESU_PUBLIC_URL, else
    the address the printing request came in on (kesu/core/links.py)."""
    from django.urls import reverse
    from django.utils.http import urlencode

    from kesu.core.links import public_url

    # A URL name, not an import: the portal sits in the shell above this app.
    path = reverse("portal:track") + "?" + urlencode({"number": complaint.number})
    return public_url(path, request)


def tracking_qr(request, complaint: Complaint) -> dict:
    """The QR code (inline SVG, which WeasyPrint draws without fetching anything) that leads
    the customer to the tracking page, and its address in words."""
    import segno

    url = tracking_url(request, complaint)
    svg = segno.make(url, error="m").svg_inline(scale=3, border=2, title=url)
    return {"tracking_url": url, "tracking_qr": svg}


# ---- The closing letter to the customer (投诉处理结果告知书) ------------------------------------


def closure_context(user, complaint: Complaint) -> dict:
    """What was done, and where the customer may turn if still unsatisfied. Printed before the
    complaint is closed with a result, it is marked a draft."""
    told = recourse_for(complaint)
    return {
        "doc": CLOSURE,
        "complaint": complaint,
        "customer": complaint.customer,
        "recourse": told or recourse_options(complaint.organisation_id),
        "draft": not told,
        "letterhead": letterhead(complaint.organisation, complaint.branch),
        "file_suffix": "closure",
        **printed(user),
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
        "branch": branches_in_view(user),
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


@dataclass(frozen=True)
class RegisterResult:
    """The register's 处理结果 of one complaint: what came of it, or that nothing has yet."""

    text: str
    settled: bool


def _labelled(label: str, text: str) -> str:
    return _("%(label)s: %(text)s") % {"label": label, "text": text}


def _result_of(complaint: Complaint, resolution: str) -> RegisterResult:
    state = complaint.state
    closing = complaint.get_close_reason_display() if complaint.close_reason else ""
    if complaint.close_note:
        closing = _labelled(closing, complaint.close_note) if closing else complaint.close_note
    if state in (State.MERGED, State.WITHDRAWN):
        return RegisterResult(closing or complaint.get_state_display(), True)
    if state in DONE_STATES:
        text = resolution or closing or complaint.get_state_display()
        return RegisterResult(text, True)
    if state == State.PARKED:
        text = _("Not solvable for now")
        if complaint.not_solvable_reason:
            text = _labelled(text, complaint.not_solvable_reason)
        return RegisterResult(text, False)
    return RegisterResult(_("Not resolved yet"), False)


def register_results(rows: list[Complaint]) -> None:
    """Give each row its `printed_result`: the latest resolution text, the closing outcome, or
    that it is not resolved yet (one query for all the rows)."""
    resolutions: dict[int, str] = {}
    if rows:
        entries = (
            AuditEntry.objects.filter(
                organisation_id=rows[0].organisation_id,
                complaint_id__in=[c.pk for c in rows],
                action=Move.RESOLVE,
            )
            .order_by("seq")
            .values_list("complaint_id", "data__result")
        )
        for complaint_id, text in entries:
            if isinstance(text, str) and text.strip():
                resolutions[complaint_id] = text.strip()
    for complaint in rows:
        complaint.printed_result = _result_of(complaint, resolutions.get(complaint.pk, ""))


def register_context(user, found, organisation: Organisation) -> dict:
    cap = REGISTER_CAP
    rows, capped = register_rows(found.qs, cap)
    register_results(rows)
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
        "letterhead": letterhead(organisation, branch),
        **printed(user),
    }


# ---- Output ---------------------------------------------------------------------------------


def _refuse_fetch(url, *args, **kwargs):
    """Printouts are self-contained: no image, font or stylesheet is fetched from anywhere."""
    raise ValueError(f"Printouts do not load external resources: {url}")


def render_pdf(
    template: str, context: dict, request=None, *, extra_stylesheets=(), base_url: str = "/"
) -> bytes:
    """The template as a PDF, with the printouts' stylesheet (and the `extra_stylesheets`, static
    paths, after it); links are read against `base_url`."""
    # A heavy import, made only when a PDF is asked for.
    from weasyprint import CSS, HTML

    html = render_to_string(template, {**context, "for_pdf": True}, request=request)
    stylesheets = [
        CSS(filename=finders.find(path)) for path in (PRINT_STYLESHEET, *extra_stylesheets)
    ]
    document = HTML(string=html, url_fetcher=_refuse_fetch, base_url=base_url)
    return document.write_pdf(stylesheets=stylesheets)


def printout_response(
    request, template: str, context: dict, *, fmt: str, filename: str, audit: dict
) -> HttpResponse:
    """The printout as an HTML page to print or as a PDF; both are recorded as an export."""
    if fmt == "pdf":
        pdf = render_pdf(template, context, request=request)
        response = HttpResponse(pdf, content_type="application/pdf")
        # The number may carry a non-ASCII prefix: the header encodes it properly.
        response["Content-Disposition"] = content_disposition_header(False, f"{filename}.pdf")
    else:
        response = render(request, template, context)
    record_export(request.user, fmt=fmt, **audit)
    return response


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
