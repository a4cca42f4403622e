"""The customer's questionnaire page: no login, a signed link, one answer, clear refusals."""

from django.core.exceptions import ValidationError
from django.shortcuts import render
from django.utils.translation import gettext_lazy as _
from django.views.decorators.cache import never_cache
from django.views.decorators.csrf import csrf_protect

from kesu.callbacks.choices import QuestionKind
from kesu.callbacks.surveys import MAX_TEXT, LinkRefused, answer_by_link, invitation_from_token

REFUSALS = {
    "tampered": (
        400,
        _("This link is not valid"),
        _(
            "The address may have been cut off or changed. Please open the link from the message "
            "exactly as you received it."
        ),
    ),
    "expired": (
        410,
        _("This questionnaire has closed"),
        _("The link was valid for a limited time only. Thank you for your interest."),
    ),
    "used": (
        409,
        _("This questionnaire has already been answered"),
        _("Each link accepts one answer, and we have received yours. Thank you!"),
    ),
    "closed": (
        410,
        _("This questionnaire is no longer open"),
        _("Thank you for your interest."),
    ),
}


def _refused(request, reason: str):
    status, title, text = REFUSALS.get(reason, REFUSALS["tampered"])
    return render(
        request,
        "callbacks/survey_refused.html",
        {"title": title, "text": text, "reason": reason},
        status=status,
    )


def _questions(invitation, language: str, posted=None):
    english = (language or "").startswith("en")
    out = []
    for q in invitation.survey.questions.all():
        if q.kind == QuestionKind.RATING:
            options = list(range(1, 6))
        elif q.kind == QuestionKind.NPS:
            options = list(range(0, 11))
        else:
            options = None
        out.append(
            {
                "q": q,
                "text": (q.text_en or q.text) if english else q.text,
                "options": options,
                "value": (posted or {}).get(q.code, ""),
            }
        )
    return out


@never_cache
@csrf_protect
def survey(request, token: str):
    language = getattr(request, "LANGUAGE_CODE", "zh-hans")
    try:
        invitation = invitation_from_token(token)
    except LinkRefused as refused:
        return _refused(request, refused.reason)
    errors = {}
    posted = None
    if request.method == "POST":
        posted = {k: v for k, v in request.POST.items() if k != "csrfmiddlewaretoken"}
        try:
            answer_by_link(token, posted)
        except LinkRefused as refused:
            return _refused(request, refused.reason)
        except ValidationError as exc:
            errors = {k: [m for e in v for m in e.messages] for k, v in exc.error_dict.items()}
        else:
            return render(request, "callbacks/survey_thanks.html", {"invitation": invitation})
    survey_ = invitation.survey
    english = language.startswith("en")
    return render(
        request,
        "callbacks/survey.html",
        {
            "invitation": invitation,
            "survey_name": (survey_.name_en or survey_.name) if english else survey_.name,
            "questions": _questions(invitation, language, posted),
            "errors": errors,
            "organisation": invitation.survey.organisation,
            "answer_limit": MAX_TEXT,
        },
        status=400 if errors else 200,
    )
