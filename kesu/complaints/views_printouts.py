"""The complaint page's and list's printouts (handling form, notice, register) and the list's Excel
export. Views validate, call a builder, respond."""

from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.http import FileResponse, Http404, HttpResponse
from django.shortcuts import render
from django.utils import timezone
from django.utils.http import content_disposition_header
from django.utils.translation import gettext as _

from kesu.complaints import exports, printing
from kesu.complaints.saved_views import clean_list_query
from kesu.complaints.views import _get_complaint, filtered_complaints
from kesu.core.api.fields import MAX_ID


def _complaint_for_print(request, pk: int):
    if pk > MAX_ID:
        raise Http404
    return _get_complaint(request, pk)


def _printout(request, template: str, context: dict, *, fmt: str, filename: str, audit: dict):
    """The printout as an HTML page to print or as a PDF; both are recorded as an export."""
    user = request.user
    if fmt == "pdf":
        pdf = printing.render_pdf(template, context, request=request)
        response = HttpResponse(pdf, content_type="application/pdf")
        # The number may carry a non-ASCII prefix: the header encodes it properly.
        response["Content-Disposition"] = content_disposition_header(False, f"{filename}.pdf")
    else:
        response = render(request, template, context)
    printing.record_export(user, fmt=fmt, **audit)
    return response


# ---- One complaint: handling form and handling notice ----------------------------------------


def _complaint_printout(request, pk: int, fmt: str, document: str, name: str, build_context):
    """One complaint's document (`name`: form or notice), recorded as an export of it."""
    complaint = _complaint_for_print(request, pk)
    return _printout(
        request,
        f"complaints/print/{name}.html",
        build_context(request.user, complaint),
        fmt=fmt,
        filename=f"{complaint.number}-{name}",
        audit={
            "organisation_id": complaint.organisation_id,
            "document": document,
            "obj": complaint,
            "complaint_id": complaint.pk,
        },
    )


@login_required
def print_form(request, pk: int, fmt: str = "html"):
    return _complaint_printout(request, pk, fmt, printing.FORM, "form", printing.form_context)


@login_required
def print_notice(request, pk: int, fmt: str = "html"):
    return _complaint_printout(request, pk, fmt, printing.NOTICE, "notice", printing.notice_context)


# ---- The list: register and Excel ----------------------------------------------------------


def _filters_refused(request, found):
    """Nothing is printed or exported with filters that do not hold: say which, with a 400."""
    labels = dict(printing.filter_labels())
    problems = [
        (labels.get(name, name), message)
        for name, errors in found.filters.errors.items()
        for message in errors
    ]
    return render(
        request,
        "complaints/print/invalid.html",
        {"problems": problems, "back_query": clean_list_query(request.GET.urlencode())},
        status=400,
    )


def _organisation_of(request):
    organisation = request.user.organisation
    if organisation is None:
        raise PermissionDenied(_("Exports are made by the users of an organisation."))
    return organisation


@login_required
def print_register(request, fmt: str = "html"):
    organisation = _organisation_of(request)
    found = filtered_complaints(request)
    if not found.is_valid:
        return _filters_refused(request, found)
    context = printing.register_context(request.user, found, organisation)
    return _printout(
        request,
        "complaints/print/register.html",
        context,
        fmt=fmt,
        filename=f"register-{timezone.localdate():%Y%m%d}",
        audit={
            "organisation_id": organisation.pk,
            "document": printing.REGISTER,
            "obj": organisation,
            "filters": found.params,
            "rows": len(context["rows"]),
            "capped": context["capped"],
        },
    )


@login_required
def export_xlsx(request):
    organisation = _organisation_of(request)
    found = filtered_complaints(request)
    if not found.is_valid:
        return _filters_refused(request, found)
    user = request.user
    described = printing.describe_filters(user, found.filters, found.q)
    out, rows, capped = exports.write_complaints_xlsx(user, found.qs, filters=described)
    printing.record_export(
        user,
        organisation_id=organisation.pk,
        document="complaint_list",
        fmt="xlsx",
        obj=organisation,
        filters=found.params,
        rows=rows,
        capped=capped,
    )
    return FileResponse(
        out,
        as_attachment=True,
        filename=f"complaints-{timezone.localdate():%Y%m%d}.xlsx",
        content_type="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
    )
