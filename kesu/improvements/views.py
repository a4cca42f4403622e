"""The improvement pages: the list, one action, creating and editing it, moving it on, its
review. Thin: the forms read the input, the services decide."""

from datetime import timedelta

from django.contrib import messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.paginator import Paginator
from django.http import Http404
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from kesu.complaints.selectors import complaints_visible_to
from kesu.complaints.views import page_context
from kesu.core.errors import DomainError, NotAllowed, NotFound
from kesu.core.views import signed_in_and
from kesu.improvements import measures, services
from kesu.improvements.choices import Status, Unit
from kesu.improvements.forms import (
    FORM_FIELD_OF,
    FilterForm,
    ImprovementForm,
    ReviewForm,
    StatusForm,
)
from kesu.improvements.selectors import (
    cause_labels,
    filtered,
    history,
    improvement_get,
    improvement_list,
    linked_complaints,
    may_cancel,
    may_create,
    may_edit,
    may_progress,
    may_read,
    may_review,
    reviews,
)
from kesu.organisation.models import User
from kesu.organisation.selectors import branches_visible_to

PAGE = 50
NAV = "improvements"


_reader = signed_in_and(may_read)


def _get(user, pk):
    try:
        return improvement_get(user, pk)
    except NotFound:
        raise Http404 from None


@_reader
def improvement_list_page(request):
    user = request.user
    filters = FilterForm(request.GET or None)
    qs = improvement_list(user)
    if filters.is_bound and not filters.is_valid():
        messages.error(request, _("Some filters are not valid and were ignored."))
    f = filters.cleaned_data if filters.is_bound and filters.is_valid() else {}
    qs = filtered(
        qs,
        status=f.get("status") or "",
        owner=f.get("owner"),
        branch=f.get("branch"),
        overdue_only=bool(f.get("overdue")),
    )
    paginator = Paginator(qs.order_by("due_on", "id"), PAGE)
    page = paginator.get_page(request.GET.get("page"))
    query = request.GET.copy()
    query.pop("page", None)
    branches = list(branches_visible_to(user)) if user.sees_whole_organisation else []
    context = page_context(
        request,
        nav=NAV,
        page=page,
        filters=filters,
        data=f,
        query=query.urlencode(),
        today=timezone.localdate(),
        statuses=filters.fields["status"].choices,
        owners=_owners(user),
        branches=branches,
        may_create=may_create(user),
    )
    template = (
        "improvements/_list_results.html"
        if request.htmx and request.htmx.target == "results"
        else "improvements/list.html"
    )
    return render(request, template, context)


def _owners(user):
    """The people the owner filter offers: owners of the actions the user sees."""
    ids = improvement_list(user).values("owner_id")
    return User.objects.filter(pk__in=ids).order_by("pk")


def _apply_errors(form, exc: ValidationError) -> None:
    if hasattr(exc, "error_dict"):
        for name, errors in exc.error_dict.items():
            field = FORM_FIELD_OF.get(name, name)
            for error in errors:
                form.add_error(field if field in form.fields else None, error.messages)
    else:
        form.add_error(None, exc.messages)


@_reader
def improvement_create_page(request):
    user = request.user
    if not may_create(user):
        raise PermissionDenied
    status = 200
    if request.method == "POST":
        form = ImprovementForm(request.POST, user=user)
        if form.is_valid():
            try:
                action = services.improvement_create(actor=user, **form.service_values())
            except ValidationError as exc:
                _apply_errors(form, exc)
            else:
                messages.success(request, _("The improvement action is recorded."))
                return redirect("improvements:detail", pk=action.pk)
        status = 400
    else:
        complaint = _prompting_complaint(request)
        form = ImprovementForm(initial=ImprovementForm.initial_for(user, complaint), user=user)
    return render(
        request,
        "improvements/form.html",
        page_context(request, nav=NAV, form=form, action=None),
        status=status,
    )


def _prompting_complaint(request):
    """/improvements/new/?complaint=<id>: the complaint the action starts from, if visible."""
    raw = request.GET.get("complaint", "")
    if not raw.isdigit() or len(raw) > 18:
        return None
    return complaints_visible_to(request.user).filter(pk=int(raw)).first()


@_reader
def improvement_edit_page(request, pk):
    user = request.user
    action = _get(user, pk)
    if not may_edit(user, action):
        raise PermissionDenied
    status = 200
    if request.method == "POST":
        form = ImprovementForm(request.POST, user=user, action=action)
        if form.is_valid():
            try:
                services.improvement_update(
                    action_id=action.pk, actor=user, **form.service_values()
                )
            except ValidationError as exc:
                _apply_errors(form, exc)
            else:
                messages.success(request, _("The improvement action is saved."))
                return redirect("improvements:detail", pk=action.pk)
        status = 400
    else:
        form = ImprovementForm(initial=ImprovementForm.initial_of(action), user=user, action=action)
    return render(
        request,
        "improvements/form.html",
        page_context(request, nav=NAV, form=form, action=action),
        status=status,
    )


@_reader
def improvement_page(request, pk, review_form=None, status=200):
    user = request.user
    action = _get(user, pk)
    today = timezone.localdate()
    so_far = None
    if action.status == Status.DONE and action.completed_on and action.completed_on < today:
        # Per 1,000, the number of the period is given at the review: the count only, now.
        so_far = measures.measure(action, action.completed_on, today - timedelta(days=1), None)
    context = page_context(
        request,
        nav=NAV,
        action=action,
        today=today,
        causes=cause_labels(action.causes),
        categories=list(action.categories.order_by("path")),
        complaints=linked_complaints(user, action),
        history=history(action),
        so_far=so_far,
        may_edit=may_edit(user, action),
        may_progress=may_progress(user, action),
        may_cancel=may_cancel(user, action),
        may_review=may_review(user, action),
        # Offered from the review date on, with a whole day after completion to measure; the
        # service refuses an earlier one all the same.
        review_open=today >= action.review_on and measures.after_period(action, today) is not None,
        review_form=review_form or ReviewForm(),
        per_thousand=action.unit == Unit.PER_THOUSAND,
    )
    return render(request, "improvements/detail.html", context, status=status)


MOVES = {
    StatusForm.START: services.improvement_start,
    StatusForm.DONE: services.improvement_complete,
    StatusForm.REOPEN: services.improvement_reopen,
}


@_reader
@require_POST
def improvement_status(request, pk):
    user = request.user
    action = _get(user, pk)
    form = StatusForm(request.POST)
    if not form.is_valid():
        messages.error(request, _("Choose what to do with the action."))
        return redirect("improvements:detail", pk=action.pk)
    move = form.cleaned_data["move"]
    try:
        if move == StatusForm.CANCEL:
            services.improvement_cancel(
                action_id=action.pk, actor=user, reason=form.cleaned_data["reason"]
            )
        else:
            MOVES[move](action_id=action.pk, actor=user)
    except NotAllowed:
        raise PermissionDenied from None
    except ValidationError as exc:
        for message in exc.messages:
            messages.error(request, message)
    except DomainError as exc:
        messages.error(request, exc.render())
    else:
        messages.success(request, _("The action is now “%(status)s”.") % _status_of(user, pk))
    return redirect("improvements:detail", pk=action.pk)


def _status_of(user, pk) -> dict:
    return {"status": improvement_get(user, pk).get_status_display()}


@_reader
@require_POST
def improvement_review_page(request, pk):
    user = request.user
    action = _get(user, pk)
    if not reviews(user, action):
        raise PermissionDenied
    form = ReviewForm(request.POST)
    if form.is_valid():
        try:
            services.improvement_review(action_id=action.pk, actor=user, **form.cleaned_data)
        except NotAllowed:
            raise PermissionDenied from None
        except ValidationError as exc:
            _apply_errors(form, exc)
        except DomainError as exc:
            form.add_error(None, exc.render())
        else:
            messages.success(request, _("The review is recorded."))
            return redirect("improvements:detail", pk=action.pk)
    return improvement_page(request, pk=action.pk, review_form=form, status=400)
