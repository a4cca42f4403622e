"""The staff workspace: thin views over the complaints' services and selectors."""

from dataclasses import dataclass
from functools import wraps
from itertools import chain
from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import FieldDoesNotExist, PermissionDenied, ValidationError
from django.db.models import Q, QuerySet
from django.http import Http404, HttpResponseBadRequest, HttpResponseNotAllowed
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.text import capfirst
from django.utils.translation import gettext as _

from kesu.audit.models import AuditEntry
from kesu.complaints import hooks, limits
from kesu.complaints import move_forms as moves
from kesu.complaints.api.filters import NOT_YOUR_BRANCH, ComplaintFilter
from kesu.complaints.checklist import (
    ITEM_CODES,
    ITEM_TEXT,
    checklist_tick,
    checklist_view,
    missing_by_move,
    ticked_items,
)
from kesu.complaints.choices import (
    OPEN_STATES,
    TERMINAL_STATES,
    THIRD_PARTY_CHANNELS,
    CauseClass,
    Channel,
    ComplaintAction,
    Demand,
    TeamRole,
)
from kesu.complaints.duplicates import possible_duplicates
from kesu.complaints.forms import (
    THIRD_PARTY_CHANNEL_CODES,
    IntakeForm,
    ManufacturerAnswerForm,
    ManufacturerAskForm,
    ManufacturerFeedbackForm,
    NoteForm,
    StaffNamedForm,
    ThirdPartyForm,
)
from kesu.complaints.guidance import TECHNIQUES, guidance_for
from kesu.complaints.hooks import complaint_printouts, home_panels, panel_actions
from kesu.complaints.imports import may_import
from kesu.complaints.models import Category, Complaint
from kesu.complaints.printing import department_form_kind
from kesu.complaints.queues import QUEUE_CODES, branch_overview, my_queues, queue_querysets
from kesu.complaints.routing import route_preview
from kesu.complaints.saved_views import saved_views_of
from kesu.complaints.search import (
    SEARCH_MAX_LENGTH,
    complaints_matching,
    number_tail,
    numbers_for_tail,
    reference_matches,
)
from kesu.complaints.selectors import (
    LIST_DEFERRED,
    branches_in_view,
    categories_by_label,
    category_path_label,
    complaint_detail,
    complaint_list,
    complaints_visible_to,
    exchanges_of,
    manufacturer_contacts_for,
    recourse_for,
)
from kesu.complaints.services import (
    THIRD_PARTY_FIELDS,
    complaint_add_note,
    complaint_attach,
    complaint_register,
    complaint_update,
    may_edit,
    may_escalate_to_manufacturer,
    may_register,
)
from kesu.complaints.severity import crisis_signal_lines
from kesu.complaints.team import (
    may_manage_team,
    team_add,
    team_candidates,
    team_of,
    team_remove,
)
from kesu.complaints.triage_panel import form_triage, triage_timeline
from kesu.complaints.workflow import (
    CASE_WORKING_ROLES,
    TRANSITIONS,
    next_steps_by_others,
    transitions_for,
)
from kesu.core.errors import DomainError, NotAllowed, NotFound
from kesu.core.phones import mask_phone, try_normalise_phone
from kesu.customers.selectors import (
    contact_data_as_seen,
    customer_purchases,
    customers_by_phone,
    customers_visible_to,
)
from kesu.customers.services import customer_create
from kesu.organisation.models import Department
from kesu.organisation.selectors import branches_visible_to, users_for_picker


def post_or_back_to_complaint(view):
    """A complaint's form address (a move, a note, a file, a tick) takes POST only; a GET there
    goes to the complaint's page. Such a GET comes from the sign-in sending the user back to
    `next=` after an expired session, or a language switch re-loading the address a refused
    form left the browser at; what was typed waits there as a draft (kesu.js)."""

    @wraps(view)
    def wrapped(request, pk, *args, **kwargs):
        if request.method in ("GET", "HEAD"):
            return redirect("complaints:complaint", pk=pk)
        if request.method != "POST":
            return HttpResponseNotAllowed(["POST"])
        return view(request, pk, *args, **kwargs)

    return wrapped


def page_context(request, **extra):
    """What every workspace page's template needs besides its own values."""
    return {
        # The drafts (kesu.js, data-draft) of forms the server accepted: the page clears them.
        "clear_drafts": request.session.pop(SAVED_DRAFTS, []),
        **extra,
    }


SAVED_DRAFTS = "kesu_saved_drafts"


def _draft_saved(request, key: str) -> None:
    """The form of draft `key` was accepted: the next page clears its draft in the browser."""
    request.session[SAVED_DRAFTS] = [*request.session.get(SAVED_DRAFTS, []), key]


@login_required
def my_work(request):
    labels = {
        "waiting": _("Waiting for me"),
        "assigned": _("Assigned to me"),
        "due_soon": _("Due within 24 hours"),
        "overdue": _("Overdue"),
        "team": _("With my team"),
    }
    queues = my_queues(request.user)
    for q in queues:
        q.label = labels[q.code]
    return render(
        request,
        "complaints/my_work.html",
        page_context(
            request,
            nav="work",
            queues=queues,
            # The minute's refresh swaps only the queues: the panels are not worked out again.
            panels=[]
            if request.headers.get("HX-Request")
            else [p for p in home_panels(request.user) if p is not None],
            branches=branch_overview(request.user),
            now=timezone.localtime(),
        ),
    )


def _get_complaint(request, pk):
    try:
        return complaint_detail(request.user, pk)
    except NotFound:
        raise Http404 from None


@login_required
def complaint_page(
    request,
    pk,
    move_errors=None,
    failed_move=None,
    posted=None,
    status=200,
    note_form=None,
    team_error="",
    staff_form=None,
    forms=None,
):
    """The complaint's page; after a refused form, `forms` holds it bound, by its key
    ("third_party", "maker_ask", "maker_feedback", ("maker_answer", exchange id))."""
    try:
        complaint = _get_complaint(request, pk)
    except Http404:
        if any(hooks.told_about(request.user, pk)):
            # Someone they were told about it, now out of their view: say so (still a 404,
            # and nothing about where it is now).
            return render(request, "complaints/out_of_view.html", {"nav": "list"}, status=404)
        raise
    user = request.user
    available = transitions_for(complaint, user)
    ticked = ticked_items(complaint)  # read once for the move forms and the checklist
    missing = missing_by_move(complaint, [t.name for t in available], ticked=ticked)
    move_forms = [
        {
            "name": t.name,
            "label": t.label,
            "fields": moves.describe(
                t.name,
                request,
                data=posted if failed_move == t.name else None,
                errors=move_errors if failed_move == t.name else None,
                complaint=complaint,
            ),
            "open": failed_move == t.name,
            "missing": [
                {"code": code, "text": ITEM_TEXT[code]} for code in missing.get(t.name, [])
            ],
        }
        for t in available
    ]
    approval = moves.approval_note(complaint, user, available)
    timeline = list(
        AuditEntry.objects.filter(
            organisation_id=complaint.organisation_id, complaint_id=complaint.pk
        )
        # Ticks show in the checklist, and the apps above have panels of their own.
        .exclude(action__in=[ComplaintAction.CHECKLIST, *chain.from_iterable(panel_actions())])
        .select_related("actor")
        .order_by("seq")
    )
    for entry in timeline:
        entry.data = contact_data_as_seen(user, entry.data)
        if entry.action == ComplaintAction.REGISTER and (entry.data or {}).get("triage"):
            entry.triage = triage_timeline(entry.data["triage"], complaint.organisation_id)
    other = (
        complaints_visible_to(user)
        .filter(customer_id=complaint.customer_id)
        .exclude(pk=complaint.pk)
        .select_related("customer", "owner")
        .order_by("-id")[:10]
    )
    customer = complaint.customer
    context = page_context(
        request,
        nav="list",
        complaint=complaint,
        crisis_signals=crisis_signal_lines(complaint.crisis_signals),
        customer_phone=customer.phone if user.sees_contact_data else mask_phone(customer.phone),
        move_forms=move_forms,
        approval=approval,
        next_steps=next_steps_by_others(complaint, user),
        timeline=timeline,
        checklist=checklist_view(complaint, ticked=ticked),
        milestones=complaint.milestones.order_by("round", "id"),
        attachments=complaint.attachments.select_related("uploaded_by").order_by("id"),
        other_complaints=other,
        advice=guidance_for(complaint.personality_type or customer.personality_type),
        techniques=TECHNIQUES,
        readback=request.GET.get("readback") == "1",
        is_open=complaint.state in OPEN_STATES,
        note_form=note_form or NoteForm(),
        team=team_of(complaint),
        may_manage_team=may_manage_team(user, complaint),
        team_roles=TeamRole.choices,
        team_error=team_error,
        may_edit_record=may_edit(user) and complaint.state not in TERMINAL_STATES,
        staff_form=staff_form
        or StaffNamedForm(
            initial={
                "staff_involved": complaint.staff_involved,
                "promise_made_by": complaint.promise_made_by,
            }
        ),
        third_party=_third_party_panel(complaint, user, forms or {}),
        maker=_manufacturer_panel(complaint, user, forms or {}),
        department_form=department_form_kind(complaint),
        recourse=recourse_for(complaint),
        more_printouts=[link for link in complaint_printouts(user, complaint) if link],
        # What the customer said of the handling (callbacks: questionnaires, the portal's rating).
        ratings=[r for part in hooks.customer_ratings(complaint) for r in part],
        # What the apps above add (lessons: the lessons from similar cases).
        panels=[p for p in hooks.complaint_panels(complaint, user, forms or {}) if p is not None],
    )
    if context["may_manage_team"]:
        context["team_candidates"] = list(team_candidates(complaint)[:200])
    return render(request, "complaints/complaint.html", context, status=status)


def _third_party_panel(complaint, user, forms: dict) -> dict:
    """The forwarding third party's reference and contact, and the form that edits them."""
    forwarded = complaint.channel in THIRD_PARTY_CHANNELS
    editable = (
        (forwarded or complaint.third_party_reference or complaint.third_party_contact)
        and complaint.state in OPEN_STATES
        and may_edit(user)
    )
    form = forms.get("third_party") or ThirdPartyForm(
        initial={
            "version": complaint.version,
            "third_party_reference": complaint.third_party_reference,
            "third_party_contact": complaint.third_party_contact,
        }
    )
    return {"forwarded": forwarded, "form": form if editable else None}


def _manufacturer_panel(complaint, user, forms: dict) -> dict | None:
    """The exchanges with the manufacturer and what this user may record about them, or None
    when the manufacturer has no part in the complaint and the user cannot escalate it."""
    exchanges = list(exchanges_of(complaint))
    may = may_escalate_to_manufacturer(user)
    concerned = bool(exchanges) or complaint.channel == Channel.MANUFACTURER
    contacts = manufacturer_contacts_for(complaint).order_by("branch_id", "name", "id")
    can_ask = may and complaint.state in OPEN_STATES and contacts.exists()
    ask = (forms.get("maker_ask") or ManufacturerAskForm(contacts=contacts)) if can_ask else None
    # A refused form shows again with its reasons, wherever it was posted.
    feedback = forms.get("maker_feedback") or (
        ManufacturerFeedbackForm() if may and concerned else None
    )
    if not concerned and ask is None and feedback is None:
        return None
    for exchange in exchanges:
        answering = may and exchange.answered_at is None
        exchange.form = (
            (forms.get(("maker_answer", exchange.pk)) or ManufacturerAnswerForm())
            if answering
            else None
        )
    return {
        "exchanges": exchanges,
        "ask_form": ask,
        "feedback_form": feedback,
        "no_contacts": may and complaint.state in OPEN_STATES and not can_ask,
    }


@login_required
@post_or_back_to_complaint
def complaint_team_add(request, pk):
    _get_complaint(request, pk)  # another branch's complaint is 404 whatever was posted
    try:
        team_add(
            actor=request.user,
            complaint_id=pk,
            user_id=request.POST.get("user"),
            role=request.POST.get("role", ""),
        )
    except ValidationError as exc:
        return complaint_page(request, pk, status=400, team_error=" ".join(exc.messages))
    except NotAllowed as exc:
        messages.error(request, exc.render())
        return redirect("complaints:complaint", pk=pk)
    return redirect("complaints:complaint", pk=pk)


@login_required
@post_or_back_to_complaint
def complaint_team_remove(request, pk, user_pk):
    _get_complaint(request, pk)
    try:
        team_remove(actor=request.user, complaint_id=pk, user_id=user_pk)
    except NotFound:
        raise Http404 from None
    except NotAllowed as exc:
        messages.error(request, exc.render())
    return redirect("complaints:complaint", pk=pk)


@login_required
@post_or_back_to_complaint
def complaint_move(request, pk, name):
    if name not in TRANSITIONS:
        raise Http404
    try:
        moved = moves.perform(name, request, pk, request.POST)
    except moves.MoveRefused as refused:
        if refused.message:
            messages.error(request, refused.message)
        return complaint_page(
            request,
            pk,
            move_errors=refused.field_errors,
            failed_move=name,
            posted=request.POST,
            status=400,
        )
    _draft_saved(request, f"move-{pk}-{name}")
    if not complaints_visible_to(request.user).filter(pk=pk).exists():
        # The move took the case out of the user's view (another department, the group):
        # back to their work, saying where it went, rather than a page they may not see.
        messages.success(request, _moved_away(moved, name))
        return redirect("complaints:my-work")
    messages.success(request, _("Done: %(action)s.") % {"action": TRANSITIONS[name].label})
    return redirect("complaints:complaint", pk=pk)


def _moved_away(complaint: Complaint, name: str) -> str:
    """“Handed over: KS-… is now with the sales department”, for a case the user no longer sees."""
    if complaint.owner_id:
        where = str(complaint.owner)
        if complaint.department_id:
            where = _("%(owner)s (%(department)s)") % {
                "owner": where,
                "department": complaint.department.name,
            }
    elif complaint.department_id:
        where = complaint.department.name
    else:
        where = ""
    values = {"action": TRANSITIONS[name].label, "number": complaint.number, "where": where}
    if where:
        return _("%(action)s: %(number)s is now with %(where)s.") % values
    return _("%(action)s: %(number)s has left your view.") % values


@login_required
@post_or_back_to_complaint
def complaint_checklist(request, pk):
    complaint = _get_complaint(request, pk)
    item = request.POST.get("item", "")
    if item not in ITEM_CODES:
        return HttpResponseBadRequest(_("Unknown checklist item."))
    checklist_tick(
        complaint=complaint, actor=request.user, item=item, done=request.POST.get("done") == "1"
    )
    if request.htmx:
        return render(
            request,
            "complaints/_checklist.html",
            {"complaint": complaint, "checklist": checklist_view(complaint)},
        )
    return redirect("complaints:complaint", pk=pk)


@login_required
@post_or_back_to_complaint
def complaint_note(request, pk):
    _get_complaint(request, pk)  # another branch's complaint is 404 whatever was posted
    form = NoteForm(request.POST)
    if form.is_valid():
        try:
            complaint_add_note(
                complaint_id=pk,
                actor=request.user,
                text=form.cleaned_data["text"],
                shared_with_customer=request.POST.get("shared") == "1",
                kind=ComplaintAction.CALL
                if request.POST.get("kind") == ComplaintAction.CALL
                else ComplaintAction.NOTE,
            )
        except ValidationError as exc:
            _errors_to_form(form, exc)
        except NotFound:
            raise Http404 from None
        else:
            _draft_saved(request, f"note-{pk}")
            return redirect("complaints:complaint", pk=pk)
    # Refused (too long, empty): the page again with what was typed and why.
    return complaint_page(request, pk, status=400, note_form=form)


@login_required
@post_or_back_to_complaint
def complaint_staff(request, pk):
    """Record who the complaint is about: the staff member involved and who made the promise
    (an edit of the record, in the timeline like every edit)."""
    _get_complaint(request, pk)  # another branch's complaint is 404 whatever was posted
    if not may_edit(request.user):
        raise PermissionDenied
    form = StaffNamedForm(request.POST)
    if form.is_valid():
        data = form.cleaned_data
        try:
            complaint_update(
                complaint_id=pk,
                actor=request.user,
                expected_version=data["version"],
                changes={name: data[name] for name in ("staff_involved", "promise_made_by")},
            )
        except ValidationError as exc:
            _errors_to_form(form, exc)
        except NotAllowed:
            raise PermissionDenied from None
        except NotFound:
            raise Http404 from None
        except DomainError as exc:  # changed meanwhile, or closed
            messages.error(request, exc.render())
            return complaint_page(request, pk, status=409, staff_form=form)
        else:
            messages.success(request, _("Saved who is involved."))
            _draft_saved(request, f"staff-{pk}")
            return redirect("complaints:complaint", pk=pk)
    return complaint_page(request, pk, status=400, staff_form=form)


@login_required
@post_or_back_to_complaint
def complaint_upload(request, pk):
    _get_complaint(request, pk)  # another branch's complaint is 404 whatever was posted
    upload = request.FILES.get("file")
    if upload is None:
        messages.error(request, _("Choose a file to upload."))
        return redirect("complaints:complaint", pk=pk)
    try:
        complaint_attach(
            complaint_id=pk,
            actor=request.user,
            upload=upload,
            description=request.POST.get("description", ""),
        )
        messages.success(request, _("File added."))
        _draft_saved(request, f"upload-{pk}")
    except ValidationError as exc:
        messages.error(request, " ".join(exc.messages))
    except NotFound:
        raise Http404 from None
    return redirect("complaints:complaint", pk=pk)


# ---- Intake -----------------------------------------------------------------------------------


def _categories(user):
    return Category.objects.filter(organisation_id=user.organisation_id, is_active=True).order_by(
        "path"
    )


def _offered_labels(categories) -> list[str]:
    by_id = {c.pk: c for c in categories}
    return [category_path_label(c, by_id) for c in categories]


@login_required
def intake(request):
    user = request.user
    if not may_register(user):
        messages.error(request, _("Your role may not register complaints."))
        return redirect("complaints:my-work")
    categories = list(_categories(user))
    by_label = categories_by_label(categories)
    # ?phone= prefills the caller's number (the call-centre pop-up's "new complaint").
    prefill = {"phone": request.GET.get("phone", "")[:40]} if request.method == "GET" else {}
    form = IntakeForm(request.POST or None, user=user, initial=prefill)
    status = 200
    if request.method == "POST":
        if form.is_valid():
            try:
                complaint = _register_from_form(
                    user, form.cleaned_data, by_label, form_triage(request.POST.get("triage", ""))
                )
            except ValidationError as exc:
                _errors_to_form(form, exc)
                status = 400
            except DomainError as exc:
                form.add_error(None, exc.render())
                status = 400
            else:
                messages.success(
                    request, _("Complaint %(number)s registered.") % {"number": complaint.number}
                )
                return redirect(f"/complaints/{complaint.pk}/?readback=1")
        else:
            status = 400
    return render(
        request,
        "complaints/intake.html",
        page_context(
            request,
            nav="intake",
            form=form,
            category_labels=_offered_labels(categories),
            third_party_channels=THIRD_PARTY_CHANNEL_CODES,
            show_third_party=_shows_third_party(form),
            panels=[p for p in hooks.intake_panels(user) if p is not None],
        ),
        status=status,
    )


def _shows_third_party(form) -> bool:
    """The third party's fields show for a forwarding channel, or when they hold something."""
    return form["channel"].value() in THIRD_PARTY_CHANNELS or any(
        form[name].value() for name in THIRD_PARTY_FIELDS
    )


def _errors_to_form(form, exc: ValidationError) -> None:
    """A service's errors on the form's fields; errors of fields it does not show read whole."""
    if hasattr(exc, "error_dict"):
        for field, errors in exc.error_dict.items():
            target = field if field in form.fields else None
            for error in errors:
                for message in error.messages:
                    form.add_error(
                        target, message if target else _unshown_field_error(field, message)
                    )
    else:
        for message in exc.messages:
            form.add_error(None, message)


def _unshown_field_error(field: str, message: str) -> str:
    """The service's message, which names what is wrong; a bare "required" gets the field's name."""
    if message != str(_("This field is required.")):
        return message
    try:
        label = getattr(Complaint._meta.get_field(field), "verbose_name", None)
    except FieldDoesNotExist:
        label = None
    if not label:
        return _("Something required is missing; check the form.")
    return _("%(field)s is required.") % {"field": capfirst(label)}


def _register_from_form(user, data, categories_by_label, triage=None):
    """`triage`: the suggestions the panel showed (kesu/complaints/triage_panel.py), recorded
    in the "register" entry next to what was chosen."""
    from django.db import transaction

    errors = {}
    category = None
    if data["category"]:
        category = categories_by_label.get(data["category"])
        if category is None:
            errors["category"] = _("Pick a category from the list.")
    customer = None
    if data["customer"]:
        customer = customers_visible_to(user).filter(pk=data["customer"]).first()
    if (
        customer is None
        and not data["customer_name"].strip()
        and not customers_by_phone(user, data["phone"]).exists()
    ):
        errors["customer_name"] = _("New customer: enter their name.")
    if errors:
        raise ValidationError(errors)
    branch = data.get("branch")  # chosen by organisation-wide users, else the user's own
    with transaction.atomic():
        if customer is None:
            existing = customers_by_phone(user, data["phone"]).order_by("id").first()
            customer = existing or customer_create(
                actor=user,
                name=data["customer_name"],
                phone=data["phone"],
                **({"branch": branch} if branch else {}),
            )
        purchase = (
            customer_purchases(user, customer).filter(pk=data["purchase"]).first()
            if data["purchase"]
            else None
        )
        complaint, _created = complaint_register(
            actor=user,
            customer=customer,
            branch=branch,
            channel=data["channel"],
            kind=data["kind"],
            title=data["title"],
            account=data["account"],
            demand=data["demand"],
            demand_detail=data["demand_detail"],
            staff_involved=data["staff_involved"],
            promise_made_by=data["promise_made_by"],
            category=category,
            cause=data["cause"],
            purchase=purchase,
            personality_type=data["personality_type"],
            upset_level=data["upset_level"],
            department=data.get("department"),
            third_party_reference=data["third_party_reference"],
            third_party_contact=data["third_party_contact"],
            triage=triage,
        )
    return complaint


@login_required
def intake_route(request):
    """The htmx partial beside the department field: where the complaint typed so far will go."""
    user = request.user
    if not may_register(user):
        raise Http404
    values = request.POST if request.method == "POST" else request.GET
    branch = user.branch
    if user.sees_whole_organisation:
        branch = branches_visible_to(user).filter(pk=_int_or_none(values.get("branch"))).first()
    preview = None
    if branch is not None:
        categories = list(_categories(user))
        by_label = categories_by_label(categories)
        department = Department.objects.filter(
            branch=branch, pk=_int_or_none(values.get("department"))
        ).first()
        preview = route_preview(
            actor=user,
            branch=branch,
            department=department,
            category=by_label.get(values.get("category", "").strip()),
            cause=_choice(values.get("cause"), CauseClass),
            channel=_choice(values.get("channel"), Channel),
            demand=_choice(values.get("demand"), Demand),
            title=values.get("title", "")[: limits.TITLE],
            account=values.get("account", "")[: limits.ACCOUNT],
        )
    departments = None
    if user.sees_whole_organisation:
        # The department list follows the branch chosen: swapped in beside the preview.
        form = IntakeForm(values, user=user)
        form.fields["department"].widget.attrs["hx-swap-oob"] = "true"
        departments = form["department"]
    return render(
        request,
        "complaints/_route_preview.html",
        {"preview": preview, "departments": departments},
    )


@login_required
def intake_duplicates(request):
    """The htmx panel under the account: other customers' complaints that may be this matter.

    The caller (the customer picked, or found by the phone) is left out: the phone lookup shows
    their own open complaints. Their vehicles and orders, the phone, the name and the account
    typed are compared with the other customers' (kesu/complaints/duplicates.py).
    """
    user = request.user
    if not may_register(user):
        raise Http404
    values = request.POST if request.method == "POST" else request.GET
    phone = values.get("phone", "")[:32]
    customer = customers_visible_to(user).filter(pk=_int_or_none(values.get("customer"))).first()
    if customer is None and try_normalise_phone(phone):
        customer = customers_by_phone(user, phone).first()
    purchases = list(customer_purchases(user, customer)[:20]) if customer is not None else []
    branch_id = user.branch_id
    if user.sees_whole_organisation:
        branch = branches_visible_to(user).filter(pk=_int_or_none(values.get("branch"))).first()
        branch_id = branch.pk if branch is not None else None
    duplicates = possible_duplicates(
        user,
        phone=phone,
        vin=[p.vin for p in purchases if p.vin],
        plate=[p.plate_number for p in purchases if p.plate_number],
        reference=[p.reference for p in purchases if p.reference],
        name=customer.name if customer is not None else values.get("customer_name", "")[:100],
        title=values.get("title", "")[: limits.TITLE],
        account=values.get("account", "")[: limits.ACCOUNT],
        exclude_customer_id=customer.pk if customer is not None else None,
        branch_id=branch_id,
    )
    rows = [
        {
            "complaint": d.complaint,
            "reasons": d.reason_texts,
            "customer": d.complaint.customer.name if d.complaint.customer_id else "",
            "phone": (
                (
                    d.complaint.customer.phone
                    if user.sees_contact_data
                    else mask_phone(d.complaint.customer.phone)
                )
                if d.complaint.customer_id
                else ""
            ),
        }
        for d in duplicates
    ]
    return render(request, "complaints/_intake_duplicates.html", {"duplicates": rows})


def _int_or_none(value) -> int | None:
    try:
        return int(value)
    except (TypeError, ValueError):
        return None


def _choice(value, choices) -> str:
    return value if value in choices.values else ""


@login_required
@post_or_back_to_complaint
def intake_add_to(request, pk):
    """“Add to this complaint”: what was typed at intake becomes a note on an open complaint."""
    complaint = complaints_visible_to(request.user).filter(pk=pk).only("pk", "state", "number")
    complaint = complaint.first()
    if complaint is None:
        raise Http404
    if complaint.state not in OPEN_STATES:
        messages.error(request, _("Only an open complaint can take what was typed."))
        return redirect("complaints:complaint", pk=pk)
    typed = [request.POST.get(name, "").strip() for name in ("title", "account")]
    typed = [text for text in typed if text]
    if not typed:
        messages.error(request, _("Type the summary or the account first, then add it."))
        return redirect("complaints:intake")
    complaint_add_note(
        complaint_id=complaint.pk,
        actor=request.user,
        text="\n".join([_("Added at intake: the customer got in touch about this again."), *typed]),
    )
    messages.success(
        request, _("What you typed was added to %(number)s.") % {"number": complaint.number}
    )
    return redirect(f"{reverse('complaints:complaint', args=[complaint.pk])}?added=1")


@login_required
def customer_lookup(request):
    """The htmx partial under the phone field: who this is, what they bought, what is open."""
    phone = request.GET.get("phone", "")
    normalised = try_normalise_phone(phone)
    customers = []
    if normalised:
        user = request.user
        for customer in customers_by_phone(user, phone).prefetch_related("purchases")[:5]:
            complaints = list(
                complaints_visible_to(user)
                .filter(customer_id=customer.pk)
                .select_related("category")
                .order_by("-id")[:10]
            )
            customers.append(
                {
                    "customer": customer,
                    "purchases": list(customer.purchases.all()),
                    "open": [c for c in complaints if c.state in OPEN_STATES],
                    "past": [c for c in complaints if c.state not in OPEN_STATES],
                }
            )
    return render(
        request,
        "complaints/_customer_lookup.html",
        {
            "phone": phone,
            "normalised": normalised,
            "customers": customers,
            "too_short": len(phone.strip()) < 7,
        },
    )


# ---- Lists ------------------------------------------------------------------------------------

PAGE = 25


@dataclass
class FilteredList:
    """The list page's complaints after its queue, filters and search; exports reuse it."""

    qs: QuerySet
    filters: Any  # the filterset's form (bound, with errors when invalid)
    q: str
    queue: str | None
    is_valid: bool
    params: dict[str, list[str]]  # the non-empty filters as given, for the audit trail
    unsearched: QuerySet | None = None  # before the words of the search, for recent_matches


def filtered_complaints(request) -> FilteredList:
    """Scope, queue, filters and search of the list page; invalid filters are left out."""
    user = request.user
    params = request.GET.copy()
    for key in [k for k, v in params.items() if v == ""]:
        del params[key]
    params.pop("before", None)
    given = {k: v for k, v in params.lists() if any(v)}
    queue = params.pop("queue", [None])[0]
    q = params.pop("q", [""])[0].strip()[:SEARCH_MAX_LENGTH]
    qs = queue_querysets(user).get(queue) if queue in QUEUE_CODES else complaint_list(user)
    filterset = ComplaintFilter(params, queryset=qs, request=request)
    is_valid = filterset.is_valid()
    if is_valid:
        qs = filterset.qs
    unsearched = qs
    if q:
        qs = _search(qs, q, user)
    return FilteredList(qs, filterset.form, q, queue, is_valid, given, unsearched)


@login_required
def complaint_list_page(request):
    user = request.user
    found = filtered_complaints(request)
    status = 200
    if not found.is_valid:
        if "branch" in found.filters.errors:
            # Another branch's list is refused, not shown as an empty one (a false zero).
            messages.error(request, NOT_YOUR_BRANCH)
            status = 400
        else:
            messages.error(request, _("Some filters are not valid and were ignored."))
    qs, q, queue = found.qs, found.q, found.queue
    before = request.GET.get("before", "")
    if before.isdigit():
        qs = qs.filter(id__lt=int(before))
    page = None
    if q and found.unsearched is not None and _is_word_search(q):
        page = recent_matches(found.unsearched, q, before, PAGE + 1)
    if page is None:
        page = list(qs.defer(*LIST_DEFERRED).order_by("-id")[: PAGE + 1])
    has_more = len(page) > PAGE
    page = page[:PAGE]
    next_params = request.GET.copy()
    if has_more:
        next_params["before"] = page[-1].pk
    context = page_context(
        request,
        nav="list",
        complaints=page,
        filters=found.filters,
        q=q,
        queue=queue,
        has_more=has_more,
        next_query=next_params.urlencode(),
        branches=branches_in_view(user),
        owners=users_for_picker(user),
        hand_over_to=users_for_picker(user).filter(role__in=CASE_WORKING_ROLES),
        selectable=True,
        saved_views=saved_views_of(user),
        may_import=may_import(user),
    )
    template = (
        "complaints/_list_results.html"
        if request.htmx and request.htmx.target == "results"
        else "complaints/list.html"
    )
    return render(request, template, context, status=status)


# How many of the newest complaints a word search reads before it asks the index instead.
RECENT_WINDOW = 5000


def recent_matches(unsearched, q: str, before: str, wanted: int):
    """The newest matches of a common word, found among the newest complaints only.

    A word found in tens of thousands of complaints makes the index return all of them to be
    sorted; if at least `wanted` of the newest RECENT_WINDOW complaints match, those are
    exactly the newest matches, read in a few milliseconds. None means "ask the index".
    """
    scope = unsearched
    if before.isdigit():
        scope = scope.filter(id__lt=int(before))
    ids = list(scope.order_by("-id").values_list("id", flat=True)[:RECENT_WINDOW])
    if len(ids) < RECENT_WINDOW:
        return None  # a small scope: the index answers as fast
    window = complaints_matching(scope.filter(id__gte=ids[-1]), q)
    page = list(window.defer(*LIST_DEFERRED).order_by("-id")[:wanted])
    return page if len(page) == wanted else None


def _is_word_search(q: str) -> bool:
    return not (_is_full_number(q) or number_tail(q) is not None or try_normalise_phone(q))


def _is_full_number(q: str) -> bool:
    return "-" in q and q.replace("-", "").isalnum() and not q.replace("-", "").isdigit()


def _search(qs, q: str, user=None):
    """A number or its tail, a phone number, or words in what was recorded (see search.py);
    whatever it looks like, also a third party's reference given exactly."""
    referenced = reference_matches(getattr(user, "organisation_id", None), q)
    if _is_full_number(q):
        return qs.filter(_or_referenced(Q(number__iexact=q), referenced))
    if number_tail(q) is not None and user is not None and user.organisation_id:
        # The exact numbers the tail stands for: the unique (organisation, number) index.
        numbers = numbers_for_tail(q, user.organisation.number_prefix)
        return qs.filter(
            _or_referenced(Q(organisation_id=user.organisation_id, number__in=numbers), referenced)
        )
    phone = try_normalise_phone(q)
    if phone:
        return qs.filter(_or_referenced(Q(customer__phone=phone), referenced))
    return complaints_matching(qs, q)


def _or_referenced(condition: Q, referenced: list[int]) -> Q:
    """`condition`, or one of the complaints whose reference matched (the query unchanged
    when none did, so a number or phone search keeps its index)."""
    return condition | Q(pk__in=referenced) if referenced else condition
