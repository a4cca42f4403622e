"""The webhook pages (administrators only): endpoints (list, new, change, new secret) and the
delivery log (filters, one delivery's attempts, send again). Thin: the forms read the input,
services.py decides. The secret is shown once, on the answer to the form that made it."""

import json

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.paginator import Paginator
from django.http import Http404
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from kesu.complaints.views import page_context
from kesu.core.errors import DomainError, NotAllowed, NotFound
from kesu.core.views import signed_in_and
from kesu.webhooks import services
from kesu.webhooks.forms import DeliveryFilterForm, EndpointForm
from kesu.webhooks.selectors import (
    attempts_of,
    deliveries_for,
    delivery_get,
    endpoint_get,
    endpoints_for,
    may_manage,
)

NAV = "webhooks"
PAGE = 50

_manager = signed_in_and(may_manage)


def _managing(request) -> None:
    """For the POST-only forms: signed in (login_required) and an administrator."""
    if not may_manage(request.user):
        raise PermissionDenied


def _found(get, user, pk):
    try:
        return get(user, pk)
    except NotFound:
        raise Http404 from None


def _add_errors(form, exc: ValidationError) -> None:
    if hasattr(exc, "error_dict"):
        for field, errors in exc.message_dict.items():
            form.add_error(field if field in form.fields else None, errors)
    else:
        form.add_error(None, exc.messages)


def _secret_page(request, endpoint, created: bool):
    context = page_context(request, nav=NAV, endpoint=endpoint, created=created)
    response = render(request, "webhooks/secret.html", context)
    response["Cache-Control"] = "no-store"
    return response


@_manager
def endpoint_list(request):
    endpoints = list(endpoints_for(request.user))
    return render(
        request, "webhooks/endpoints.html", page_context(request, nav=NAV, endpoints=endpoints)
    )


@_manager
def endpoint_new(request):
    user = request.user
    form = EndpointForm(request.POST or None, organisation_id=user.organisation_id)
    if request.method == "POST" and form.is_valid():
        try:
            endpoint = services.endpoint_create(actor=user, **form.values())
        except ValidationError as exc:
            _add_errors(form, exc)
        else:
            return _secret_page(request, endpoint, created=True)
    status = 400 if request.method == "POST" else 200
    context = page_context(request, nav=NAV, form=form, endpoint=None)
    return render(request, "webhooks/endpoint_form.html", context, status=status)


@_manager
def endpoint_page(request, pk):
    user = request.user
    endpoint = _found(endpoint_get, user, pk)
    form = EndpointForm(
        request.POST or None,
        organisation_id=user.organisation_id,
        initial=EndpointForm.initial_of(endpoint),
    )
    if request.method == "POST" and form.is_valid():
        try:
            services.endpoint_update(actor=user, endpoint_id=endpoint.pk, **form.values())
        except ValidationError as exc:
            _add_errors(form, exc)
        else:
            messages.success(request, _("The endpoint is saved."))
            return redirect("webhooks:endpoint", pk=endpoint.pk)
    status = 400 if request.method == "POST" else 200
    recent = list(deliveries_for(user, endpoint_id=endpoint.pk)[:10])
    context = page_context(request, nav=NAV, form=form, endpoint=endpoint, recent=recent)
    return render(request, "webhooks/endpoint_form.html", context, status=status)


@login_required
@require_POST
def endpoint_rotate(request, pk):
    _managing(request)
    endpoint = _found(endpoint_get, request.user, pk)
    endpoint = services.endpoint_rotate_secret(actor=request.user, endpoint_id=endpoint.pk)
    return _secret_page(request, endpoint, created=False)


@_manager
def delivery_list(request):
    user = request.user
    endpoints = list(endpoints_for(user))
    filters = DeliveryFilterForm(request.GET or None, endpoints=endpoints)
    if filters.is_bound and not filters.is_valid():
        messages.error(request, _("Some filters are not valid and were ignored."))
    f = filters.cleaned_data if filters.is_bound and filters.is_valid() else {}
    qs = deliveries_for(
        user,
        endpoint_id=f.get("endpoint"),
        event=f.get("event") or "",
        status=f.get("status") or "",
    )
    page = Paginator(qs, PAGE).get_page(request.GET.get("page"))
    query = request.GET.copy()
    query.pop("page", None)
    context = page_context(
        request, nav=NAV, page=page, filters=filters, data=f, query=query.urlencode()
    )
    return render(request, "webhooks/deliveries.html", context)


@_manager
def delivery_page(request, pk):
    delivery = _found(delivery_get, request.user, pk)
    context = page_context(
        request,
        nav=NAV,
        delivery=delivery,
        attempts=list(attempts_of(delivery)),
        replays=list(delivery.replays.order_by("id")),
        # The exact text sent and signed, byte for byte; beside it the same JSON laid out.
        body=services.sent_body(delivery).decode("utf-8"),
        pretty=json.dumps(delivery.payload, ensure_ascii=False, indent=2),
    )
    return render(request, "webhooks/delivery.html", context)


@login_required
@require_POST
def delivery_replay(request, pk):
    _managing(request)
    delivery = _found(delivery_get, request.user, pk)
    try:
        replay = services.delivery_replay(actor=request.user, delivery_id=delivery.pk)
    except NotAllowed:
        raise PermissionDenied from None
    except DomainError as exc:
        messages.error(request, exc.render())
        return redirect("webhooks:delivery", pk=delivery.pk)
    messages.success(request, _("Sent again as a new delivery; the worker sends it shortly."))
    return redirect("webhooks:delivery", pk=replay.pk)
