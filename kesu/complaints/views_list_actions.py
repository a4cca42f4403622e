"""What the complaint list offers besides reading and printing: saved views, and handing several
complaints over at once. Views validate, call a service, respond."""

from dataclasses import dataclass, field

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.http import Http404
from django.shortcuts import redirect
from django.urls import reverse
from django.utils.translation import gettext as _
from django.utils.translation import ngettext
from django.views.decorators.http import require_POST

from kesu.complaints.saved_views import clean_list_query, saved_view_delete, saved_view_save
from kesu.complaints.selectors import complaints_visible_to
from kesu.complaints.workflow import CASE_WORKING_ROLES, complaint_hand_over
from kesu.core.api.fields import MAX_ID
from kesu.core.errors import DomainError
from kesu.organisation.selectors import users_for_picker

MAX_BULK = 200


def _list_url(query: str = "") -> str:
    query = clean_list_query(query)
    url = reverse("complaints:complaint-list")
    return f"{url}?{query}" if query else url


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
