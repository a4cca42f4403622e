"""Questionnaires: answers taken on the phone, or given by the customer through a signed link.

A link carries the invitation's id and a random nonce, signed with Django's TimestampSigner
under this module's salt; it works without logging in, until it expires, and only once. Every
refusal has a reason code (tampered, expired, used, closed) that the page explains.
"""

import secrets
from datetime import datetime, timedelta

from django.core import signing
from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.crypto import constant_time_compare
from django.utils.translation import gettext_lazy as _

from kesu.audit.services import audit_record
from kesu.callbacks import limits
from kesu.callbacks.choices import CallbackAction, QuestionKind, ResponseChannel, SmsTemplate
from kesu.callbacks.models import Survey, SurveyInvitation, SurveyResponse
from kesu.core.limits import length_errors, normalise_newlines

SALT = "kesu.callbacks.survey-link"
# The signature's own limit; each invitation's expiry (usually much shorter) is checked too.
MAX_LINK_AGE = timedelta(days=366)
MAX_TEXT = limits.ANSWER  # refused above, never cut
RANGES = {QuestionKind.RATING: (1, 5), QuestionKind.NPS: (0, 10)}


class LinkRefused(Exception):
    """A questionnaire link that cannot be answered; `reason` says why."""

    def __init__(self, reason: str):
        super().__init__(reason)
        self.reason = reason


def validate_answers(survey: Survey, raw: dict, *, require: bool) -> dict:
    """Answers keyed by question code, checked against the questions; raises ValidationError."""
    cleaned, errors = {}, {}
    for q in survey.questions.all():
        value = raw.get(q.code)
        if isinstance(value, str):
            value = value.strip()
        if value in (None, ""):
            if require and q.required:
                errors[q.code] = _("Please answer this question.")
            continue
        if q.kind in RANGES:
            lo, hi = RANGES[q.kind]
            try:
                number = int(value)
            except (TypeError, ValueError):
                number = None
            if number is None or not lo <= number <= hi or str(value).strip() != str(number):
                errors[q.code] = _("Give a whole number from %(lo)s to %(hi)s.") % {
                    "lo": lo,
                    "hi": hi,
                }
                continue
            cleaned[q.code] = number
        else:
            if not isinstance(value, str):
                errors[q.code] = _("Give a text answer.")
                continue
            value = normalise_newlines(value)
            too_long = length_errors(answer=(value, MAX_TEXT))
            if too_long:
                errors[q.code] = too_long["answer"]
                continue
            cleaned[q.code] = value
    if errors:
        raise ValidationError(errors)
    return cleaned


def record_response(
    *,
    survey: Survey,
    customer,
    answers: dict,
    channel: str,
    actor=None,
    complaint=None,
    task=None,
    invitation: SurveyInvitation | None = None,
    branch_id=None,
    now: datetime | None = None,
) -> SurveyResponse:
    response = SurveyResponse.objects.create(
        organisation_id=survey.organisation_id,
        branch_id=branch_id,
        survey=survey,
        customer=customer,
        complaint=complaint,
        task=task,
        invitation=invitation,
        channel=channel,
        answered_by=actor,
        answered_at=now or timezone.now(),
        answers=answers,
    )
    # An answer about a complaint is on its timeline too: what the customer said of it.
    audit_record(
        organisation_id=survey.organisation_id,
        actor=actor,
        action=CallbackAction.SURVEY_ANSWERED,
        obj=response,
        complaint_id=getattr(complaint, "pk", None),
        data={
            "survey": survey.code,
            "channel": channel,
            "customer": customer.pk,
            "complaint": getattr(complaint, "pk", None),
            "task": getattr(task, "pk", None),
            "invitation": getattr(invitation, "pk", None),
            "answers": answers,
        },
    )
    return response


def _signer() -> signing.TimestampSigner:
    return signing.TimestampSigner(salt=SALT)


def invitation_create(
    *, survey: Survey, customer, actor=None, complaint=None, task=None, now=None
) -> tuple[SurveyInvitation, str]:
    """A new link for one customer (and complaint); returns the invitation and its token."""
    from kesu.callbacks.plans import settings_for

    now = now or timezone.now()
    days = settings_for(survey.organisation_id).survey_link_days
    invitation = SurveyInvitation.objects.create(
        organisation_id=survey.organisation_id,
        survey=survey,
        customer=customer,
        complaint=complaint,
        task=task,
        nonce=secrets.token_hex(16),
        created_by=actor,
        expires_at=now + timedelta(days=days),
    )
    audit_record(
        organisation_id=survey.organisation_id,
        actor=actor,
        action=CallbackAction.SURVEY_LINK_CREATED,
        obj=invitation,
        data={
            "survey": survey.code,
            "customer": customer.pk,
            "complaint": getattr(complaint, "pk", None),
            "task": getattr(task, "pk", None),
            "expires_at": invitation.expires_at,
        },
    )
    return invitation, token_for(invitation)


def token_for(invitation: SurveyInvitation) -> str:
    return _signer().sign_object({"i": invitation.pk, "n": invitation.nonce})


def invitation_from_token(token: str, now=None, *, lock: bool = False) -> SurveyInvitation:
    """The invitation a link stands for, or LinkRefused (tampered, expired, used, closed)."""
    try:
        data = _signer().unsign_object(token, max_age=MAX_LINK_AGE)
    except signing.SignatureExpired:
        raise LinkRefused("expired") from None
    except (signing.BadSignature, ValueError, TypeError, UnicodeError):
        raise LinkRefused("tampered") from None
    if not isinstance(data, dict) or not isinstance(data.get("i"), int):
        raise LinkRefused("tampered")
    qs = SurveyInvitation.objects.select_related("survey", "customer", "complaint")
    if lock:
        qs = qs.select_for_update(of=("self",))
    invitation = qs.filter(pk=data["i"]).first()
    if invitation is None or not constant_time_compare(str(data.get("n", "")), invitation.nonce):
        raise LinkRefused("tampered")
    if invitation.used_at is not None:
        raise LinkRefused("used")
    if (now or timezone.now()) >= invitation.expires_at:
        raise LinkRefused("expired")
    if not invitation.survey.is_active:
        raise LinkRefused("closed")
    return invitation


def answer_by_link(token: str, raw: dict, now=None) -> SurveyResponse:
    """Record the customer's answers once; a second answer is refused as `used`."""
    now = now or timezone.now()
    with transaction.atomic():
        invitation = invitation_from_token(token, now, lock=True)
        answers = validate_answers(invitation.survey, raw, require=True)
        response = record_response(
            survey=invitation.survey,
            customer=invitation.customer,
            complaint=invitation.complaint,
            task=invitation.task,
            invitation=invitation,
            branch_id=(
                invitation.complaint.branch_id
                if invitation.complaint_id
                else invitation.customer.branch_id
            ),
            answers=answers,
            channel=ResponseChannel.LINK,
            now=now,
        )
        invitation.used_at = now
        invitation.save(update_fields=["used_at"])
    return response


def survey_url(token: str, request=None) -> str:
    """The questionnaire's public page for one invitation, absolute (it leaves Kesu)."""
    from django.urls import reverse

    from kesu.core.links import public_url

    return public_url(reverse("callbacks:survey", args=[token]), request)


def send_link_by_sms(*, actor, task, request=None, now=None):
    """A link to the task's questionnaire, texted to the customer (in the sending hours); the
    link is under KESU_PUBLIC_URL (else the address of `request`, kesu/core/links.py)."""
    from kesu.callbacks.plans import settings_for
    from kesu.callbacks.sms import build_sms, can_receive_sms, save_messages, sender_for

    survey = task.plan.survey
    if survey is None or not survey.is_active:
        raise ValidationError({"survey": _("This callback has no questionnaire.")})
    if not can_receive_sms(task.customer.phone):
        raise ValidationError({"phone": _("The customer's number cannot receive text messages.")})
    now = now or timezone.now()
    with transaction.atomic():
        invitation, token = invitation_create(
            survey=survey,
            customer=task.customer,
            complaint=task.complaint,
            task=task,
            actor=actor,
            now=now,
        )
        cb = settings_for(task.organisation_id)
        url = survey_url(token, request)
        message = build_sms(
            cb_settings=cb,
            key=f"survey:{invitation.pk}",
            phone=task.customer.phone,
            template=SmsTemplate.SURVEY_LINK,
            params={
                "name": task.customer.name,
                "url": url,
                "until": timezone.localtime(invitation.expires_at).strftime("%Y-%m-%d"),
            },
            sender_name=sender_for(cb, task.branch, actor),
            now=now,
            branch_id=task.branch_id,
            customer=task.customer,
            actor=actor,
        )
        (saved,) = save_messages(task.organisation_id, [message], actor)
    return invitation, saved, url
