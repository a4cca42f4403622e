"""The monthly analysis pages: /reports/monthly/ (HTML); the API has the same figures as JSON."""

from urllib.parse import urlencode

from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _

from kesu.complaints.models import Category
from kesu.complaints.views import page_context
from kesu.organisation.choices import Role
from kesu.organisation.models import Department
from kesu.organisation.selectors import branches_visible_to
from kesu.reports.access import may_read_reports
from kesu.reports.cache import report_for
from kesu.reports.periods import month, period_from
from kesu.reports.selectors import scope_from


@login_required
def index(request):
    if not may_read_reports(request.user):
        raise PermissionDenied
    return redirect("reports:monthly")


@login_required
def monthly(request):
    user = request.user
    if not may_read_reports(user):
        raise PermissionDenied
    scope = scope_from(request.GET)
    context = page_context(
        request,
        nav="reports",
        scope=scope,
        product=scope.get("product", ""),
        choices=_choices(user),
    )
    try:
        period = period_from(request.GET)
    except ValidationError as exc:
        context["errors"] = exc.messages
        return render(request, "reports/monthly.html", context, status=400)
    report = report_for(user, period, scope, request, fresh=bool(request.GET.get("fresh")))
    context.update(
        report=report,
        period=period,
        earlier=month(period.start).previous() if period.kind == "month" else None,
        later=month(period.end) if period.kind == "month" else None,
        scope_query=urlencode(scope),
    )
    return render(request, "reports/monthly.html", context)


def _choices(user) -> dict:
    """What the scope form offers: the branches and departments the user sees, the category
    tree (top two levels)."""
    # Only the branches whose complaints the user sees: another branch would narrow to nothing.
    branches = list(branches_visible_to(user))
    if not user.sees_whole_organisation and user.branch_id:
        branches = [b for b in branches if b.pk == user.branch_id]
    departments = Department.objects.filter(branch__in=branches).select_related("branch")
    if user.role == Role.HANDLER and user.department_id:
        departments = departments.filter(pk=user.department_id)
    categories = [
        c
        for c in Category.objects.filter(
            organisation_id=user.organisation_id, is_active=True
        ).order_by("path")
        if c.path.count("/") <= 1
    ]
    return {
        "branches": branches if len(branches) > 1 else [],
        "departments": [
            (d.pk, d.name if len(branches) == 1 else f"{d.branch.name} · {d.name}")
            for d in departments.order_by("branch__name", "name")
        ],
        "categories": [(c.pk, ("— " if "/" in c.path else "") + c.name) for c in categories],
        "all_label": _("All"),
    }
