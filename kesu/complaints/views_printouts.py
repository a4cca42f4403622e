"""The complaint page's and list's printouts (handling form, its sales and after-sales versions,
notice, register) and the list's Excel export. Views validate, call a builder, respond."""

from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.http import FileResponse, Http404
from django.shortcuts import render
from django.utils import timezone
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
    return printing.printout_response(
        request, template, context, fmt=fmt, filename=filename, audit=audit
    )


# ---- One complaint: handling form and handling notice ----------------------------------------


def _complaint_printout(
    request, pk: int, fmt: str, document: str, name: str, build_context, audited=()
):
    """One complaint's document (`name`: form, notice or department), recorded as an export
    of it; `audited` names the context's values that the audit entry keeps too."""
    complaint = _complaint_for_print(request, pk)
    context = build_context(request.user, complaint)
    return _printout(
        request,
        f"complaints/print/{name}.html",
        context,
        fmt=fmt,
        filename=f"{complaint.number}-{context.get('file_suffix', name)}",
        audit={
            "organisation_id": complaint.organisation_id,
            "document": document,
            "obj": complaint,
            "complaint_id": complaint.pk,
            **{key: context[key] for key in audited},
        },
    )


@login_required
def print_form(request, pk: int, fmt: str = "html"):
    return _complaint_printout(request, pk, fmt, printing.FORM, "form", printing.form_context)


@login_required
def print_notice(request, pk: int, fmt: str = "html"):
    def context(user, complaint):
        return {
            **printing.notice_context(user, complaint),
            **printing.tracking_qr(request, complaint),
        }

    return _complaint_printout(request, pk, fmt, printing.NOTICE, "notice", context)


@login_required
def print_closure(request, pk: int, fmt: str = "html"):
    return _complaint_printout(
        request, pk, fmt, printing.CLOSURE, "closure", printing.closure_context
    )


@login_required
def print_department_form(request, pk: int, fmt: str = "html"):
    """The sales or after-sales handling form, whichever the complaint's department uses;
    ?form=sales or ?form=after_sales prints the other (an unknown value is ignored)."""
    kind = request.GET.get("form", "")

    def build(user, complaint):
        return printing.department_form_context(user, complaint, kind)

    return _complaint_printout(
        request,
        pk,
        fmt,
        printing.DEPARTMENT_FORM,
        "department",
        build,
        audited=("kind",),
    )


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
