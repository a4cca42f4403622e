"""The customer's page: who they are, what they bought, every complaint and (through the hooks)
every callback, their preferences and the changes recorded; and the form that edits them.

It lives here, above customers, because it lists the customer's complaints; the callbacks
(above complaints) add their panel and their audited objects through `hooks.customer_panels`
and `hooks.customer_history_parts`.
"""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import FieldDoesNotExist, PermissionDenied, ValidationError
from django.core.paginator import Paginator
from django.http import Http404
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.text import capfirst
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from kesu.audit.actions import action_label
from kesu.complaints import hooks
from kesu.complaints.choices import OPEN_STATES
from kesu.complaints.customer_forms import CustomerForm, KeyPersonForm
from kesu.complaints.selectors import customer_complaints
from kesu.complaints.views import _errors_to_form, page_context
from kesu.core.errors import DomainError, NotFound
from kesu.customers.choices import CustomerAction
from kesu.customers.models import Customer
from kesu.customers.selectors import (
    CONTACT_MASKS,
    contact_as_seen,
    customer_contact,
    customer_get,
    customer_history,
    customer_key_persons,
    customer_purchases,
)
from kesu.customers.services import customer_update, key_person_create, may_change_customers
from kesu.organisation.models import Branch

COMPLAINTS_PAGE = 25


def _get_customer(request, pk) -> Customer:
    try:
        return customer_get(request.user, pk)
    except NotFound:
        raise Http404 from None


def _shown(user, name: str, value, branches: dict[int, str]) -> str:
    """One recorded value of a customer's field as the page shows it."""
    if value in (None, ""):
        return "—"
    if name in CONTACT_MASKS:
        return contact_as_seen(user, str(value), name)
    if name == "branch":
        return branches.get(value, "—")
    field = Customer._meta.get_field(name)
    if getattr(field, "choices", None):
        return str(dict(field.choices).get(value, value))
    if isinstance(value, bool):
        return _("yes") if value else _("no")
    return str(value)


def _describe(entry, user, branches: dict[int, str]) -> list[str]:
    """What a change of the customer's own records says: field, old value → new value."""
    data = entry.data or {}
    if entry.action == CustomerAction.CUSTOMER_UPDATE:
        lines = []
        for name, (old, new) in (data.get("changes") or {}).items():
            try:
                label = capfirst(str(Customer._meta.get_field(name).verbose_name))
            except FieldDoesNotExist:  # a field since removed: its code, as recorded
                label = name
            lines.append(
                f"{label}: {_shown(user, name, old, branches)} → {_shown(user, name, new, branches)}"
            )
        return lines
    if entry.action == CustomerAction.KEY_PERSON_CREATE:
        return [" · ".join(p for p in [data.get("name"), data.get("title")] if p)]
    if entry.action == CustomerAction.PURCHASE_CREATE:
        return [" · ".join(str(p) for p in [data.get("product"), data.get("reference")] if p)]
    return []


def _history(user, customer: Customer) -> list[dict]:
    parts = [p for p in hooks.customer_history_parts(customer, user) if p is not None]
    entries = customer_history(user, customer, also=[(p.object_type, p.ids) for p in parts])
    describers = {p.object_type: p.describe for p in parts}
    branch_ids = {
        value
        for e in entries
        for value in (e.data or {}).get("changes", {}).get("branch", [])
        if isinstance(value, int)
    }
    branches = dict(Branch.objects.filter(pk__in=branch_ids).values_list("pk", "name"))
    return [
        {
            "entry": e,
            "label": action_label(e.action),
            "lines": describers[e.object_type](e, user)
            if e.object_type in describers
            else _describe(e, user, branches),
        }
        for e in entries
    ]


@login_required
def customer_page(request, pk, key_person_form=None, status=200):
    user = request.user
    customer = _get_customer(request, pk)
    complaints = Paginator(customer_complaints(user, customer.pk), COMPLAINTS_PAGE).get_page(
        request.GET.get("page")
    )
    context = page_context(
        request,
        nav="list",
        customer=customer,
        contact=customer_contact(user, customer),
        key_persons=customer_key_persons(user, customer) if customer.is_company else [],
        purchases=list(customer_purchases(user, customer)),
        complaints=complaints,
        open_states=OPEN_STATES,
        history=_history(user, customer),
        may_change=may_change_customers(user),
        key_person_form=key_person_form or KeyPersonForm(),
        panels=[p for p in hooks.customer_panels(customer, user, request.GET) if p is not None],
    )
    return render(request, "complaints/customer.html", context, status=status)


@login_required
@require_POST
def key_person_add(request, pk):
    """A key person of a corporate customer, from the customer's page."""
    user = request.user
    customer = _get_customer(request, pk)
    if not may_change_customers(user):
        raise PermissionDenied
    form = KeyPersonForm(request.POST)
    status = 400
    if form.is_valid():
        try:
            key_person_create(actor=user, customer=customer, **form.cleaned_data)
        except ValidationError as exc:
            _errors_to_form(form, exc)
        except DomainError as exc:
            form.add_error(None, exc.render())
            status = exc.status_code
        else:
            messages.success(request, _("Key person added."))
            return redirect(reverse("complaints:customer", args=[customer.pk]) + "#key-persons")
    for message in form.non_field_errors():
        messages.error(request, message)
    return customer_page(request, pk, key_person_form=form, status=status)


@login_required
def customer_edit(request, pk):
    user = request.user
    customer = _get_customer(request, pk)
    if not may_change_customers(user):
        raise PermissionDenied
    sees = user.sees_contact_data
    status = 200
    if request.method == "POST":
        form = CustomerForm(request.POST, sees_contact_data=sees)
        status = 400
        if form.is_valid():
            try:
                customer_update(actor=user, customer=customer, **form.cleaned_data)
            except ValidationError as exc:
                _errors_to_form(form, exc)
            except DomainError as exc:
                form.add_error(None, exc.render())
                status = exc.status_code
            else:
                messages.success(request, _("The customer's record is saved."))
                return redirect("complaints:customer", pk=customer.pk)
    else:
        form = CustomerForm(initial=CustomerForm.initial_for(customer), sees_contact_data=sees)
    context = page_context(
        request,
        nav="list",
        customer=customer,
        contact=customer_contact(user, customer),
        form=form,
        # The type as the form stands (what was sent, else the record): which day it asks for.
        company=form["is_company"].value() if form.is_bound else customer.is_company,
    )
    return render(request, "complaints/customer_edit.html", context, status=status)
