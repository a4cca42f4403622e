"""The monthly analysis pages: /reports/monthly/ (HTML) and the same report as a PDF and an
Excel workbook; the kept reports (/reports/kept/), shown as they were. The API has the same
figures as JSON."""

from urllib.parse import urlencode

from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import FileResponse, Http404, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.http import content_disposition_header
from django.utils.translation import get_language
from django.utils.translation import gettext as _

from kesu.complaints.models import Category
from kesu.complaints.printing import record_export
from kesu.complaints.selectors import branches_in_view
from kesu.complaints.views import page_context
from kesu.organisation.choices import Role
from kesu.organisation.models import Department
from kesu.reports.access import may_read_reports
from kesu.reports.cache import report_for
from kesu.reports.exports import write_report_xlsx
from kesu.reports.models import StoredReport
from kesu.reports.periods import month, period_from
from kesu.reports.printing import report_filename, report_pdf
from kesu.reports.selectors import (
    check_scope,
    report_cohort,
    report_heading,
    scope_from,
    stored_copy_for,
    stored_report_list,
    stored_reports_visible_to,
)
from kesu.reports.snapshots import report_from_data

XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


@login_required
def index(request):
    if not may_read_reports(request.user):
        raise PermissionDenied
    return redirect("reports:monthly")


def _asked(request):
    """The period and scope the query names, with the page's context; or the page's 400."""
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
        check_scope(user, scope)  # another branch's report is refused, not shown as zeros
    except ValidationError as exc:
        context["errors"] = exc.messages
        return None, None, render(request, "reports/monthly.html", context, status=400)
    context.update(period=period)
    return period, scope, context


@login_required
def monthly(request):
    period, scope, context = _asked(request)
    if period is None:
        return context
    report = report_for(request.user, period, scope, request, fresh=bool(request.GET.get("fresh")))
    context.update(
        report=report,
        earlier=month(period.start).previous() if period.kind == "month" else None,
        later=month(period.end) if period.kind == "month" else None,
        scope_query=urlencode(scope),
        file_query=urlencode({**period.query(), **scope}),
    )
    return render(request, "reports/monthly.html", context)


@login_required
def monthly_pdf(request):
    period, scope, context = _asked(request)
    if period is None:
        return context
    user = request.user
    report = report_for(user, period, scope, request)
    pdf = report_pdf(report, report_heading(user))
    _record(user, "pdf", period=period.label, scope=scope)
    return _pdf_response(pdf, report_filename(report, "pdf"))


@login_required
def monthly_xlsx(request):
    period, scope, context = _asked(request)
    if period is None:
        return context
    user = request.user
    report = report_for(user, period, scope, request)
    cohort = report_cohort(user, period, scope, request)
    out, rows, capped = write_report_xlsx(report, report_heading(user), raw=(user, cohort))
    _record(user, "xlsx", period=period.label, scope=scope, rows=rows, capped=capped)
    return FileResponse(
        out, as_attachment=True, filename=report_filename(report, "xlsx"), content_type=XLSX
    )


@login_required
def kept_list(request):
    user = request.user
    if not may_read_reports(user):
        raise PermissionDenied
    context = page_context(request, nav="reports", kept=list(stored_report_list(user)[:240]))
    return render(request, "reports/kept_list.html", context)


def _kept(request, pk: int) -> StoredReport:
    if not may_read_reports(request.user):
        raise PermissionDenied
    return get_object_or_404(stored_reports_visible_to(request.user), pk=pk)


@login_required
def kept_detail(request, pk: int):
    kept = _kept(request, pk)
    copy = stored_copy_for(kept, get_language())
    if copy is None:
        raise Http404
    report = report_from_data(copy.data)
    context = page_context(
        request,
        nav="reports",
        kept=kept,
        copy=copy,
        report=report,
        heading=copy.data.get("heading", {}),
        live_query=urlencode(
            {**report.period.query(), **({"branch": kept.branch_id} if kept.branch_id else {})}
        ),
    )
    return render(request, "reports/kept_detail.html", context)


@login_required
def kept_file(request, pk: int, fmt: str):
    kept = _kept(request, pk)
    copy = stored_copy_for(kept, get_language())
    stored = None if copy is None else (copy.pdf if fmt == "pdf" else copy.xlsx)
    if not stored:
        raise Http404
    _record(request.user, fmt, period=kept.label, kept=kept.pk)
    where = kept.branch.code if kept.branch_id else "all"
    filename = f"monthly-report-{kept.label}-{where}.{fmt}"
    if fmt == "pdf":
        with stored.open("rb") as handle:
            return _pdf_response(handle.read(), filename)
    return FileResponse(stored.open("rb"), as_attachment=True, filename=filename, content_type=XLSX)


def _pdf_response(pdf: bytes, filename: str) -> HttpResponse:
    response = HttpResponse(pdf, content_type="application/pdf")
    response["Content-Disposition"] = content_disposition_header(True, filename)
    return response


def _record(user, fmt: str, **data) -> None:
    """The report's files hold what the reader may see of the complaints: each download is
    an export in the audit trail, like the list's."""
    record_export(
        user,
        organisation_id=user.organisation_id,
        document="monthly_report",
        fmt=fmt,
        obj=user.organisation,
        **data,
    )


def _choices(user) -> dict:
    """What the scope form offers: the branches and departments the user sees, the category
    tree (top two levels)."""
    # Only the branches whose complaints the user sees: another branch would narrow to nothing.
    branches = list(branches_in_view(user))
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
        "categories": [(c.pk, ("— " if "/" in c.path else "") + c.label) for c in categories],
        "all_label": _("All"),
    }
