"""The emerging issue pages: the list (open first) and one cluster (its complaints, its daily
trend, and the buttons that start an improvement action or a crisis, or dismiss it). Thin: the
forms read the input, the services decide."""

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
from kesu.emerging import services
from kesu.emerging.forms import DismissForm, FilterForm
from kesu.emerging.selectors import (
    CRISIS_ROLES,
    DECIDING_ROLES,
    issue_complaints,
    issue_get,
    issue_list,
    may_dismiss,
    may_read,
    may_start_crisis,
    may_start_improvement,
    trend,
)
from kesu.improvements.selectors import may_create as may_create_improvement

PAGE = 50
NAV = "emerging"
BAR_STEP = 36  # pixels per day in the trend
BAR_WIDTH = 24
BAR_AREA = 100


def trend_bars(days: list) -> list[dict]:
    """The trend's bars in the SVG's coordinates: the busiest day is BAR_AREA high."""
    top = max((n for _, n in days), default=0)
    bars = []
    for i, (day, n) in enumerate(days):
        h = round(BAR_AREA * n / top) if top else 0
        y = 16 + BAR_AREA - h
        x = i * BAR_STEP + 6
        bars.append(
            {
                "day": day,
                "n": n,
                "x": x,
                "y": y,
                "h": h,
                "mid": x + BAR_WIDTH // 2,
                "label_y": y - 3,
            }
        )
    return bars


_reader = signed_in_and(may_read)


def _get(user, pk):
    try:
        return issue_get(user, pk)
    except NotFound:
        raise Http404 from None


@_reader
def issue_list_page(request):
    filters = FilterForm(request.GET or None)
    if filters.is_bound and not filters.is_valid():
        messages.error(request, _("Some filters are not valid and were ignored."))
    f = filters.cleaned_data if filters.is_bound and filters.is_valid() else {}
    qs = issue_list(request.user, state=f.get("state") or "")
    page = Paginator(qs, PAGE).get_page(request.GET.get("page"))
    query = request.GET.copy()
    query.pop("page", None)
    context = page_context(
        request, nav=NAV, page=page, filters=filters, data=f, query=query.urlencode()
    )
    return render(request, "emerging/list.html", context)


@_reader
def issue_page(request, pk, dismiss_form=None, status=200):
    user = request.user
    issue = _get(user, pk)
    bars = trend_bars(trend(issue))
    context = page_context(
        request,
        nav=NAV,
        issue=issue,
        complaints=list(issue_complaints(user, issue)[:200]),
        trend=bars,
        trend_width=max(len(bars) * BAR_STEP, 60),
        may_improve=may_start_improvement(user, issue),
        may_crisis=may_start_crisis(user, issue),
        may_dismiss=may_dismiss(user, issue),
        dismiss_form=dismiss_form or (DismissForm() if may_dismiss(user, issue) else None),
    )
    return render(request, "emerging/detail.html", context, status=status)


def _refused(exc: Exception):
    if isinstance(exc, NotAllowed):
        raise PermissionDenied from None
    if isinstance(exc, NotFound):
        raise Http404 from None


# The forms: the issue is looked up first (one the user does not see is not found, whatever
# their role), then the role is asked; the services check the rest.


@login_required
@require_POST
def issue_dismiss(request, pk):
    user = request.user
    issue = _get(user, pk)
    if user.role not in DECIDING_ROLES:
        raise PermissionDenied
    form = DismissForm(request.POST)
    if form.is_valid():
        try:
            services.issue_dismiss(
                actor=user, issue_id=issue.pk, reason=form.cleaned_data["reason"]
            )
        except ValidationError as exc:
            form.add_error(None, exc.messages)
        except DomainError as exc:
            _refused(exc)
            form.add_error(None, exc.render())
        else:
            messages.success(request, _("The emerging issue is dismissed."))
            return redirect("emerging:detail", pk=issue.pk)
    return issue_page(request, pk, dismiss_form=form, status=400)


@login_required
@require_POST
def issue_improve(request, pk):
    user = request.user
    issue = _get(user, pk)
    if not may_create_improvement(user):
        raise PermissionDenied
    try:
        action = services.issue_start_improvement(actor=user, issue_id=issue.pk)
    except (DomainError, ValidationError) as exc:
        _refused(exc)
        messages.error(request, _error_text(exc))
        return redirect("emerging:detail", pk=issue.pk)
    messages.success(
        request, _("The improvement action is recorded: complete what will be done and by whom.")
    )
    return redirect("improvements:edit", pk=action.pk)


@login_required
@require_POST
def issue_crisis(request, pk):
    user = request.user
    issue = _get(user, pk)
    if user.role not in CRISIS_ROLES:
        raise PermissionDenied
    try:
        crisis = services.issue_start_crisis(actor=user, issue_id=issue.pk)
    except (DomainError, ValidationError) as exc:
        _refused(exc)
        messages.error(request, _error_text(exc))
        return redirect("emerging:detail", pk=issue.pk)
    messages.success(
        request, _("The crisis is open with you as its spokesperson: name another if need be.")
    )
    return redirect("crises:detail", pk=crisis.pk)


def _error_text(exc: Exception) -> str:
    if isinstance(exc, ValidationError):
        return " ".join(exc.messages)
    assert isinstance(exc, DomainError)
    return str(exc.render())
