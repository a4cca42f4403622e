"""The customer portal's pages: no login; a phone confirmed by a texted code for filing, and a
tracking session bound to one complaint (number + phone + code). Thin: the rules live in
codes.py, services.py and selectors.py."""

from datetime import timedelta
from urllib.parse import urlencode

from django.conf import settings
from django.core.exceptions import ValidationError
from django.http import Http404
from django.shortcuts import redirect, render
from django.utils import timezone, translation
from django.utils.dateparse import parse_datetime
from django.utils.translation import gettext_lazy as _
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_POST

from kesu.complaints import limits as complaint_limits
from kesu.complaints.choices import Kind
from kesu.complaints.models import Complaint
from kesu.core.characters import refused_errors
from kesu.core.phones import mask_phone, try_normalise_phone
from kesu.portal import human_check
from kesu.portal.choices import Purpose
from kesu.portal.codes import (
    REFUSALS,
    CodeRefused,
    needs_human_check,
    record_failure,
    send_code,
    verify_code,
)
from kesu.portal.selectors import (
    case_view,
    complaint_for_customer,
    portal_branch,
    portal_branches,
    portal_organisation,
)
from kesu.portal.services import MAX_PHOTOS, NAME_LIMIT, add_information, file_complaint, rate

PENDING, PHONE, CASE, FLASH = "portal_pending", "portal_phone", "portal_case", "portal_flash"
# A notice the next page shows (a session that ended by itself), and what the customer had typed
# when it ended, to refill the form once they are back (photos cannot be kept).
NOTICE, DRAFT = "portal_notice", "portal_draft"
CASE_EXPIRED = _(
    "Your session has expired, so your case is hidden again. To see it, ask for a new code: "
    "your case number is filled in below."
)
CODE_EXPIRED = _("The code has expired. Ask for a new code.")
PHONE_EXPIRED = _("Your session has expired. Confirm your mobile number again with a new code.")
PHONE_EXPIRED_KEPT = _(
    "Your session has expired. Confirm your mobile number again with a new code; what you "
    "wrote is kept (add any photos again)."
)
DRAFT_KEPT = _(
    "Your session had expired. What you wrote is filled in again: check it and send it (add any "
    "photos again)."
)
NOT_FOUND = _(
    "We found no case for this number and phone number, or the code is not right. Please check "
    "the number on your notice or text message, and ask for a new code."
)
NUMBER_REQUIRED = _("Enter your case number, for example KS-2026-000123.")


def _organisation():
    organisation = portal_organisation()
    if organisation is None:
        raise Http404
    return organisation


def _branch(code: str):
    branch = portal_branch(_organisation(), code)
    if branch is None:
        raise Http404
    return branch


def _address(request) -> str:
    return request.META.get("REMOTE_ADDR", "")


def _until() -> str:
    return (timezone.now() + timedelta(minutes=settings.KESU_PORTAL_SESSION_MINUTES)).isoformat()


def _valid(entry) -> bool:
    until = parse_datetime(entry.get("until", "")) if isinstance(entry, dict) else None
    return until is not None and until > timezone.now()


def _check_context(request, phone: str = "") -> dict:
    """The picture sum, when this address or number must pass it."""
    if needs_human_check(phone=phone, address=_address(request)):
        return {"check_picture": human_check.new_challenge(request.session)}
    return {}


def _human_check_passed(request, phone: str) -> bool:
    if not needs_human_check(phone=phone, address=_address(request)):
        return True
    return human_check.check_answer(request.session, request.POST.get("check", ""))


def _refused(request, *names: str) -> dict[str, list[str]]:
    """The posted fields that held a character no field takes (taken out before the view ran,
    kesu/core/characters.py): refused as a validation error, the text kept, the field marked."""
    return refused_errors(request.POST, names)


def _first_refusal(request, *names: str) -> str:
    return next(iter(_refused(request, *names).values()), [""])[0]


def _page(request, template: str, context: dict, status: int = 200):
    context.setdefault("organisation", portal_organisation())
    context["flash"] = request.session.pop(FLASH, "")
    context["notice"] = request.session.pop(NOTICE, "")
    return render(request, f"portal/{template}", context, status=status)


def _ask_code(request, *, purpose: str, subject: str, branch, phone_raw: str):
    """Send a code and remember what it is for; returns the refusal's message and status, or
    None when it was sent."""
    phone = try_normalise_phone(phone_raw)
    if phone is None:
        return _("Enter your mobile number, e.g. 138 1234 5678."), 400
    if not _human_check_passed(request, phone):
        record_failure(address=_address(request))
        return REFUSALS["check"], 400
    try:
        send_code(
            organisation_id=branch.organisation_id,
            phone=phone,
            purpose=purpose,
            subject=subject,
            sender=branch.customer_name,
            address=_address(request),
            language=translation.get_language(),
        )
    except CodeRefused as refused:
        status = 429 if refused.reason in ("too_soon", "phone_limit", "address_limit") else 400
        return refused.message, status
    request.session[PENDING] = {
        "purpose": purpose,
        "subject": subject,
        "phone": phone,
        "branch": branch.code,
        "until": _until(),
    }
    return None


# ---- Pages -----------------------------------------------------------------------------------


@never_cache
def home(request):
    organisation = _organisation()
    return _page(
        request,
        "home.html",
        {"organisation": organisation, "branches": list(portal_branches(organisation))},
    )


@never_cache
def start(request, branch: str):
    """Filing at a branch, step 1: the customer's mobile number, to text a code to."""
    the_branch = _branch(branch)
    confirmed = request.session.get(PHONE)
    if request.method == "GET" and _valid(confirmed) and confirmed.get("branch") == branch:
        return redirect("portal:file", branch=branch)
    error, status, phone_raw = "", 200, ""
    if request.method == "POST":
        phone_raw = request.POST.get("phone", "")
        refused = (_first_refusal(request, "phone"), 400) if _refused(request, "phone") else None
        refused = refused or _ask_code(
            request, purpose=Purpose.FILE, subject=branch, branch=the_branch, phone_raw=phone_raw
        )
        if refused is None:
            return redirect("portal:verify")
        error, status = refused
    return _page(
        request,
        "start.html",
        {"branch": the_branch, "error": error, "phone": phone_raw, **_check_context(request)},
        status=status,
    )


@never_cache
def track(request):
    """Tracking, step 1: the case number and the mobile number it was filed with."""
    organisation = _organisation()
    error, status = "", 200
    number, phone_raw = request.GET.get("number", "").strip().upper()[:40], ""
    if request.method == "POST":
        number = request.POST.get("number", "").strip().upper()[:40]
        phone_raw = request.POST.get("phone", "")
        branch = portal_branches(organisation).first()
        if not number:
            error, status = NUMBER_REQUIRED, 400
        elif _refused(request, "number", "phone"):
            error, status = _first_refusal(request, "number", "phone"), 400
        elif branch is None:
            raise Http404
        else:
            refused = _ask_code(
                request, purpose=Purpose.TRACK, subject=number, branch=branch, phone_raw=phone_raw
            )
            if refused is None:
                return redirect("portal:verify")
            error, status = refused
    return _page(
        request,
        "track.html",
        {"error": error, "number": number, "phone": phone_raw, **_check_context(request)},
        status=status,
    )


@never_cache
def verify(request):
    """Step 2: the code from the text message."""
    pending = request.session.get(PENDING)
    if not _valid(pending):
        return _pending_expired(request, pending)
    organisation = _organisation()
    branch = portal_branch(organisation, pending["branch"])
    if branch is None:
        raise Http404
    error, status = "", 200
    if request.method == "POST":
        error, status = _verify(request, organisation, branch, pending)
        if not error:
            request.session.pop(PENDING, None)
            if pending["purpose"] == Purpose.FILE:
                return redirect("portal:file", branch=branch.code)
            return redirect("portal:case")
    return _page(
        request,
        "verify.html",
        {
            "pending": pending,
            "branch": branch if pending["purpose"] == Purpose.FILE else None,
            "error": error,
            "minutes": settings.KESU_PORTAL_CODE_MINUTES,
            "masked_phone": mask_phone(pending["phone"]),
            **_check_context(request, pending["phone"]),
        },
        status=status,
    )


def _pending_expired(request, pending):
    """The code page without a live code: back to where one is asked for, saying why, with the
    case number (tracking) or the store (filing) kept."""
    request.session.pop(PENDING, None)
    if not isinstance(pending, dict):
        return redirect("portal:home")
    request.session[NOTICE] = str(CODE_EXPIRED)
    if pending.get("purpose") == Purpose.FILE and pending.get("branch"):
        return redirect("portal:start", branch=pending["branch"])
    return _to_track(pending.get("subject", ""))


def _to_track(number: str):
    response = redirect("portal:track")
    if number:
        response["Location"] += "?" + urlencode({"number": number})
    return response


def _verify(request, organisation, branch, pending) -> tuple[str, int]:
    phone = pending["phone"]
    if _refused(request, "code", "check"):
        return _first_refusal(request, "code", "check"), 400
    if not _human_check_passed(request, phone):
        record_failure(address=_address(request))
        return str(REFUSALS["check"]), 400
    try:
        verify_code(
            organisation_id=organisation.pk,
            phone=phone,
            purpose=pending["purpose"],
            subject=pending["subject"],
            code=request.POST.get("code", ""),
            address=_address(request),
        )
    except CodeRefused as refused:
        return refused.message, 400
    if pending["purpose"] == Purpose.FILE:
        request.session[PHONE] = {"phone": phone, "branch": branch.code, "until": _until()}
        return "", 200
    complaint = complaint_for_customer(organisation, pending["subject"], phone)
    if complaint is None:
        record_failure(phone=phone, address=_address(request))
        return str(NOT_FOUND), 400
    request.session.cycle_key()
    request.session[CASE] = {"id": complaint.pk, "number": complaint.number, "until": _until()}
    return "", 200


@never_cache
def file(request, branch: str):
    """Filing, step 3: what happened, with photos."""
    the_branch = _branch(branch)
    confirmed = request.session.get(PHONE)
    fields = ("kind", "name", "title", "account")
    if not _valid(confirmed) or confirmed.get("branch") != branch:
        if isinstance(confirmed, dict) and not _valid(confirmed):  # the session ran out
            request.session.pop(PHONE, None)
            request.session[NOTICE] = str(PHONE_EXPIRED)
            if request.method == "POST" and any(request.POST.get(k, "").strip() for k in fields):
                request.session[NOTICE] = str(PHONE_EXPIRED_KEPT)
                request.session[DRAFT] = {
                    "branch": branch,
                    **{k: request.POST.get(k, "")[:5000] for k in fields},
                }
        return redirect("portal:start", branch=branch)
    errors: dict = {}
    values = {"kind": Kind.COMPLAINT, "name": "", "title": "", "account": ""}
    draft = request.session.get(DRAFT)
    if request.method == "GET" and isinstance(draft, dict) and draft.get("branch") == branch:
        request.session.pop(DRAFT, None)
        values = {k: str(draft.get(k, "")) for k in fields}
        request.session[NOTICE] = str(DRAFT_KEPT)
    if request.method == "POST":
        values = {k: request.POST.get(k, "") for k in fields}
        errors = _refused(request, *fields)
    if request.method == "POST" and not errors:
        try:
            complaint = file_complaint(
                branch=the_branch,
                phone=confirmed["phone"],
                uploads=request.FILES.getlist("photos"),
                language=translation.get_language() or "",
                **values,
            )
        except ValidationError as exc:
            errors = {k: [m for e in v for m in e.messages] for k, v in exc.error_dict.items()}
        else:
            request.session.pop(PHONE, None)
            request.session.cycle_key()
            request.session[CASE] = {
                "id": complaint.pk,
                "number": complaint.number,
                "until": _until(),
                "filed": True,
            }
            return redirect("portal:case")
    return _page(
        request,
        "file.html",
        {
            "branch": the_branch,
            "errors": errors,
            "values": values,
            "kinds": [
                (Kind.COMPLAINT, Kind.COMPLAINT.label),
                (Kind.SUGGESTION, Kind.SUGGESTION.label),
            ],
            "max_photos": MAX_PHOTOS,
            "limits": {
                "name": NAME_LIMIT,
                "title": complaint_limits.TITLE,
                "account": complaint_limits.ACCOUNT,
            },
            "extensions": ", ".join(settings.KESU_ATTACHMENT_EXTENSIONS),
            "max_mb": settings.KESU_ATTACHMENT_MAX_BYTES // (1024 * 1024),
        },
        status=400 if errors else 200,
    )


def _bound_case(request):
    bound = request.session.get(CASE)
    if not _valid(bound):
        return None
    return (
        Complaint.objects.select_related("branch", "branch__organisation", "customer")
        .filter(pk=bound["id"])
        .first()
    )


def _case_expired(request):
    """No live tracking session: to the tracking page. When one ran out, it says so and keeps
    the case number (and a message being added, to refill once the customer is back)."""
    bound = request.session.pop(CASE, None)
    if not isinstance(bound, dict):
        return redirect("portal:track")
    number = bound.get("number")
    if not number and bound.get("id"):
        number = Complaint.objects.filter(pk=bound["id"]).values_list("number", flat=True).first()
    request.session[NOTICE] = str(CASE_EXPIRED)
    text = request.POST.get("text", "").strip() if request.method == "POST" else ""
    if text and number:
        request.session[DRAFT] = {"number": number, "text": text[:5000]}
    return _to_track(number or "")


@never_cache
def case(request, errors=None, status: int = 200):
    """The bound case: its state in plain words, the promise, shared notes; add and rate."""
    complaint = _bound_case(request)
    if complaint is None:
        return _case_expired(request)
    bound = request.session[CASE]
    just_filed = bound.pop("filed", False)
    request.session[CASE] = bound
    posted = {k: request.POST.get(k, "") if errors else "" for k in ("text", "score", "comment")}
    draft = request.session.get(DRAFT)
    if not errors and isinstance(draft, dict) and draft.get("number") == complaint.number:
        request.session.pop(DRAFT, None)
        posted["text"] = str(draft.get("text", ""))
        request.session[NOTICE] = str(DRAFT_KEPT)
    return _page(
        request,
        "case.html",
        {
            "view": case_view(complaint),
            "branch": complaint.branch,
            "just_filed": just_filed,
            "errors": errors or {},
            "posted": posted,
            "max_photos": MAX_PHOTOS,
            "note_limit": complaint_limits.NOTE,
            "comment_limit": complaint_limits.LINE,
        },
        status=status,
    )


def _errors(exc: ValidationError) -> dict:
    return {k: [m for e in v for m in e.messages] for k, v in exc.error_dict.items()}


@require_POST
def case_add(request):
    complaint = _bound_case(request)
    if complaint is None:
        return _case_expired(request)
    if _refused(request, "text"):
        return case(request, errors=_refused(request, "text"), status=400)
    try:
        add_information(
            complaint=complaint,
            text=request.POST.get("text", ""),
            uploads=request.FILES.getlist("photos"),
        )
    except ValidationError as exc:
        return case(request, errors=_errors(exc), status=400)
    request.session[FLASH] = str(_("Thank you. We have added this to your case."))
    return redirect("portal:case")


@require_POST
def case_rate(request):
    complaint = _bound_case(request)
    if complaint is None:
        return _case_expired(request)
    if _refused(request, "score", "comment"):
        return case(request, errors=_refused(request, "score", "comment"), status=400)
    try:
        rate(
            complaint=complaint,
            score=request.POST.get("score"),
            comment=request.POST.get("comment", ""),
        )
    except ValidationError as exc:
        return case(request, errors=_errors(exc), status=400)
    request.session[FLASH] = str(_("Thank you for rating how we handled your case."))
    return redirect("portal:case")


@require_POST
def leave(request):
    for key in (PENDING, PHONE, CASE, DRAFT):
        request.session.pop(key, None)
    return redirect("portal:home")
