"""What the complaint list and page offer besides reading: printouts, Excel, saved views, and
handing several complaints over at once. Views validate, call a builder or service, respond."""

from dataclasses import dataclass, field

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import FileResponse, Http404, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.http import content_disposition_header
from django.utils.translation import gettext as _
from django.utils.translation import ngettext
from django.views.decorators.http import require_POST

from kesu.complaints.selectors import complaints_visible_to
from kesu.complaints.workflow import CASE_WORKING_ROLES, complaint_hand_over
from kesu.core.api.fields import MAX_ID
from kesu.core.errors import DomainError
from kesu.organisation.selectors import users_for_picker
from kesu.web import exports, printing
from kesu.web.models import clean_list_query, saved_view_delete, saved_view_save
from kesu.web.views import _get_complaint, filtered_complaints

MAX_BULK = 200


def _list_url(query: str = "") -> str:
    query = clean_list_query(query)
    url = reverse("web:complaint-list")
    return f"{url}?{query}" if query else url


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


@login_required
def print_form(request, pk: int, fmt: str = "html"):
    complaint = _complaint_for_print(request, pk)
    context = printing.form_context(request.user, complaint)
    return _printout(
        request,
        "web/print/form.html",
        context,
        fmt=fmt,
        filename=f"{complaint.number}-form",
        audit={
            "organisation_id": complaint.organisation_id,
            "document": printing.FORM,
            "obj": complaint,
            "complaint_id": complaint.pk,
        },
    )


@login_required
def print_notice(request, pk: int, fmt: str = "html"):
    complaint = _complaint_for_print(request, pk)
    context = printing.notice_context(request.user, complaint)
    return _printout(
        request,
        "web/print/notice.html",
        context,
        fmt=fmt,
        filename=f"{complaint.number}-notice",
        audit={
            "organisation_id": complaint.organisation_id,
            "document": printing.NOTICE,
            "obj": complaint,
            "complaint_id": complaint.pk,
        },
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
        "web/print/invalid.html",
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
        "web/print/register.html",
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


# ---- Saved views -----------------------------------------------------------------------------


@login_required
@require_POST
def saved_view_create(request):
    query = request.POST.get("query", "")
    try:
        view, created = saved_view_save(
            user=request.user, name=request.POST.get("name", ""), query=query
        )
    except ValidationError as exc:
        messages.error(request, " ".join(exc.messages))
    else:
        text = _("View “%(name)s” saved.") if created else _("View “%(name)s” updated.")
        messages.success(request, text % {"name": view.name})
    return redirect(_list_url(query))


@login_required
@require_POST
def saved_view_remove(request, pk: int):
    if not saved_view_delete(user=request.user, view_id=pk):
        raise Http404
    messages.success(request, _("Saved view deleted."))
    return redirect(_list_url(request.POST.get("next", "")))


# ---- Bulk hand-over --------------------------------------------------------------------------


@dataclass
class BulkResult:
    moved: list[str] = field(default_factory=list)
    refused: list[tuple[str, str]] = field(default_factory=list)  # (number, reason)
    not_found: int = 0


def hand_over_many(*, actor, ids: list[int], to_user, note: str = "") -> BulkResult:
    """Hand each visible complaint over on its own, so one refusal undoes none of the others."""
    result = BulkResult()
    rows = complaints_visible_to(actor).filter(pk__in=ids).values_list("pk", "number", "owner_id")
    visible = {pk: number for pk, number, _owner in rows}
    owners = {pk: owner for pk, _number, owner in rows}
    result.not_found = len([pk for pk in ids if pk not in visible])
    for pk in ids:
        if pk not in visible:
            continue
        number = visible[pk]
        if owners.get(pk) == to_user.pk:
            result.refused.append((number, _("already with %(user)s") % {"user": to_user}))
            continue
        try:
            complaint_hand_over(complaint_id=pk, actor=actor, to_user=to_user, note=note)
        except DomainError as exc:
            result.refused.append((number, exc.render()))
        except ValidationError as exc:
            result.refused.append((number, " ".join(exc.messages)))
        else:
            result.moved.append(number)
    return result


def _ids(values: list[str]) -> list[int] | None:
    ids = []
    for value in values:
        value = value.strip()
        if not value.isdigit() or not 0 < int(value) <= MAX_ID:
            return None
        if int(value) not in ids:
            ids.append(int(value))
    return ids


@login_required
@require_POST
def bulk_hand_over(request):
    back = _list_url(request.POST.get("next", ""))
    ids = _ids(request.POST.getlist("ids"))
    if ids is None:
        messages.error(request, _("The selection is not valid; select the complaints again."))
        return redirect(back)
    if not ids:
        messages.error(request, _("Select the complaints to hand over."))
        return redirect(back)
    if len(ids) > MAX_BULK:
        messages.error(
            request, _("Hand over at most %(n)s complaints at a time.") % {"n": MAX_BULK}
        )
        return redirect(back)
    to = request.POST.get("to_user", "").strip()
    people = users_for_picker(request.user).filter(role__in=CASE_WORKING_ROLES)
    to_user = people.filter(pk=int(to)).first() if to.isdigit() else None
    if to_user is None:
        messages.error(request, _("Choose who the complaints are handed over to."))
        return redirect(back)
    result = hand_over_many(
        actor=request.user, ids=ids, to_user=to_user, note=request.POST.get("note", "").strip()
    )
    if result.moved:
        messages.success(
            request,
            ngettext(
                "%(n)s complaint handed over to %(user)s.",
                "%(n)s complaints handed over to %(user)s.",
                len(result.moved),
            )
            % {"n": len(result.moved), "user": to_user},
        )
    if result.refused:
        reasons = "; ".join(f"{number}: {reason}" for number, reason in result.refused[:10])
        if len(result.refused) > 10:
            reasons += " …"
        messages.warning(
            request,
            ngettext(
                "%(n)s refused: %(reasons)s",
                "%(n)s refused: %(reasons)s",
                len(result.refused),
            )
            % {"n": len(result.refused), "reasons": reasons},
        )
    if result.not_found:
        messages.warning(
            request,
            ngettext(
                "%(n)s selected complaint was not found.",
                "%(n)s selected complaints were not found.",
                result.not_found,
            )
            % {"n": result.not_found},
        )
    return redirect(back)
