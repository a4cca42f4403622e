"""What a customer does on the portal: file, add information or photos, rate the handling.

Every write goes through the complaints' (and callbacks') own services, so deadlines, routing,
notifications and the audit trail work as for staff intake. Their actor is the branch's portal
user (`portal_actor`): a stand-in that cannot sign in, named "the customer, via the portal" in
the timeline.
"""

import logging
from datetime import datetime

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone, translation
from django.utils.functional import Promise
from django.utils.translation import gettext_lazy as _

from kesu.audit.models import AuditEntry
from kesu.callbacks.choices import QuestionKind, ResponseChannel
from kesu.callbacks.models import Survey, SurveyQuestion, SurveyResponse
from kesu.callbacks.plans import settings_for
from kesu.callbacks.sms import (
    SmsError,
    can_receive_sms,
    get_backend,
    sender_for,
    signed,
    sms_language,
)
from kesu.callbacks.surveys import record_response
from kesu.complaints import limits as complaint_limits
from kesu.complaints.choices import Channel, ComplaintAction, Kind, Move, State
from kesu.complaints.models import Complaint
from kesu.complaints.routing import least_busy
from kesu.complaints.services import (
    attachment_store,
    complaint_add_note,
    complaint_register,
    validate_upload,
)
from kesu.core.limits import length_errors
from kesu.customers.choices import CustomerLanguage
from kesu.customers.models import Customer
from kesu.customers.services import customer_create, customer_update
from kesu.notifications.alerts import announce, event_item
from kesu.notifications.choices import Kind as NoticeKind
from kesu.organisation.choices import Role, StandIn
from kesu.organisation.models import Branch, User
from kesu.organisation.services import stand_in_user

logger = logging.getLogger(__name__)

PORTAL_USERNAME = "portal-{org}-{branch}"
PORTAL_PREFIX = "portal-"
MAX_PHOTOS = 5
KINDS = (Kind.COMPLAINT, Kind.SUGGESTION)
RATABLE_STATES = frozenset({State.RESOLVED, State.VERIFIED, State.CLOSED})
# A case in one of these takes no more additions (something new is a new case).
ENDED_STATES = frozenset({State.CLOSED, State.MERGED, State.WITHDRAWN})
SURVEY_CODE = "portal"
NAME_LIMIT = 100

# The text with the new case's number, one sentence per kind (a kind's name is a label,
# capitalised and not always the word a sentence needs).
NUMBER_TEXTS: dict[str, Promise] = {
    Kind.COMPLAINT: _(
        "We have received your complaint, number %(number)s. Keep this number to follow it on "
        "our website."
    ),
    Kind.SUGGESTION: _(
        "We have received your suggestion, number %(number)s. Keep this number to follow it on "
        "our website."
    ),
}


def portal_actor(branch: Branch) -> User:
    """The branch's stand-in user for what customers do on the portal (cannot sign in)."""
    return stand_in_user(
        branch,
        username=PORTAL_USERNAME.format(org=branch.organisation.code, branch=branch.code),
        kind=StandIn.PORTAL,
    )


def is_portal_actor(user: User | None) -> bool:
    return user is not None and user.username.startswith(PORTAL_PREFIX) and not user.is_active


def _first_owner(branch: Branch) -> User | None:
    """Who takes a portal complaint that no routing rule gives to someone: a frontline
    colleague of the branch (the one with the fewest open complaints), else a handling manager."""
    return least_busy(branch, Role.FRONTLINE, None) or least_busy(branch, Role.HANDLER, None)


def _check_uploads(uploads) -> None:
    if len(uploads) > MAX_PHOTOS:
        raise ValidationError({"photos": _("Attach at most %(max)s photos.") % {"max": MAX_PHOTOS}})
    for upload in uploads:
        try:
            validate_upload(upload)
        except ValidationError as exc:
            raise ValidationError(
                {"photos": [f"{upload.name}: {m}" for m in exc.message_dict["file"]]}
            ) from None


def _customer_for(actor: User, branch: Branch, phone: str, name: str, language: str) -> Customer:
    """The customer with this mobile number, else a new one; one who has no language of
    messages yet gets the portal's (English when they filed in English)."""
    language = CustomerLanguage.EN if language.startswith("en") else CustomerLanguage.ZH_HANS
    found = (
        Customer.objects.filter(organisation_id=branch.organisation_id, phone=phone)
        .order_by("pk")
        .first()
    )
    if found is None:
        return customer_create(
            actor=actor, name=name, phone=phone, branch=branch, language=language
        )
    if not found.language:
        customer_update(actor=actor, customer=found, language=language)
    return found


def file_complaint(
    *,
    branch: Branch,
    phone: str,
    name: str,
    kind: str,
    title: str,
    account: str,
    uploads=(),
    language: str = "",
) -> Complaint:
    """Register what the customer filed (channel web), with their photos, and text them the
    number once it is committed. `language`: the portal's, for a customer without one."""
    uploads = list(uploads)
    errors: dict = {}
    if kind not in KINDS:
        errors["kind"] = _("Choose a complaint or a suggestion.")
    for field, value in (("name", name), ("title", title), ("account", account)):
        if not (value or "").strip():
            errors[field] = _("This field is required.")
    errors |= length_errors(
        name=(name, NAME_LIMIT),
        title=(title, complaint_limits.TITLE),
        account=(account, complaint_limits.ACCOUNT),
    )
    if errors:
        raise ValidationError(errors)
    _check_uploads(uploads)
    actor = portal_actor(branch)
    with transaction.atomic():
        customer = _customer_for(actor, branch, phone, name.strip(), language)
        complaint, _created = complaint_register(
            actor=actor,
            customer=customer,
            channel=Channel.WEB,
            kind=kind,
            title=title,
            account=account,
            branch=branch,
            owner_if_unrouted=_first_owner(branch),
        )
        for upload in uploads:
            attachment_store(complaint=complaint, actor=actor, upload=upload)
        transaction.on_commit(lambda: _text_number(complaint, phone))
    return complaint


def _text_number(complaint: Complaint, phone: str) -> None:
    if not can_receive_sms(phone):
        return
    branch = complaint.branch
    sender = sender_for(settings_for(complaint.organisation_id), branch)
    with translation.override(sms_language(complaint.customer)):
        wording = NUMBER_TEXTS.get(complaint.kind, NUMBER_TEXTS[Kind.COMPLAINT])
        text = signed(str(wording) % {"number": complaint.number}, sender)
    from kesu.mailboxes.choices import MessageChannel, MessageKind
    from kesu.mailboxes.messaging import record_sent

    sent, error = False, ""
    try:
        sent = get_backend().send(phone=phone, text=text).delivered
    except SmsError as exc:  # the number is on the page already; the text is a copy
        logger.warning("portal: number of complaint %s not texted: %s", complaint.pk, exc)
        error = str(exc) or exc.__class__.__name__
    # On the complaint's page and timeline, like every message to the customer.
    record_sent(
        complaint=complaint,
        kind=MessageKind.ACKNOWLEDGEMENT,
        channel=MessageChannel.SMS,
        to=phone,
        body=text,
        sent=sent,
        error=error,
        by=portal_actor(branch),
    )


def add_information(*, complaint: Complaint, text: str, uploads=()) -> None:
    """What the customer adds later: a note on the timeline (by the portal user, internal, so
    it counts as no contact by staff) and photos; the owner is told."""
    uploads = list(uploads)
    text = (text or "").strip()
    if not text and not uploads:
        raise ValidationError({"text": _("Write something or choose a photo to add.")})
    errors = length_errors(text=(text, complaint_limits.NOTE))
    if errors:
        raise ValidationError(errors)
    if complaint.state in ENDED_STATES:
        raise ValidationError({"text": _("This case is no longer open for additions.")})
    _check_uploads(uploads)
    actor = portal_actor(complaint.branch)
    with transaction.atomic():
        entry = None
        if text:
            entry = complaint_add_note(
                complaint_id=complaint.pk, actor=actor, text=text, kind=ComplaintAction.NOTE
            )
        for upload in uploads:
            attachment_store(complaint=complaint, actor=actor, upload=upload)
        key = f"e{entry.pk}" if entry else f"f{timezone.now().timestamp()}"
        announce(
            event_item(
                complaint,
                NoticeKind.CUSTOMER_ADDED,
                f"portal:{key}",
                actor=actor,
                extra={"photos": len(uploads), "text": text[:200]},
            )
        )


def portal_survey(organisation_id: int) -> Survey:
    """The organisation's questionnaire for ratings given on the portal: "result" (1–5, what
    the monthly report's satisfaction counts) and a comment."""
    survey, created = Survey.objects.get_or_create(
        organisation_id=organisation_id,
        code=SURVEY_CODE,
        defaults={"name": "网上评价", "name_en": "Rating on the portal"},
    )
    if created:
        SurveyQuestion.objects.bulk_create(
            [
                SurveyQuestion(
                    survey=survey,
                    position=1,
                    code="result",
                    kind=QuestionKind.RATING,
                    text="您对投诉处理结果的满意程度？",
                    text_en="How satisfied are you with how your case was handled?",
                ),
                SurveyQuestion(
                    survey=survey,
                    position=2,
                    code="comment",
                    kind=QuestionKind.TEXT,
                    text="您的意见",
                    text_en="Your comment",
                    required=False,
                ),
            ]
        )
    return survey


def round_started(complaint: Complaint) -> datetime | None:
    """When the complaint's current round of handling began: its last reopening, or None for
    the first round. A rating belongs to a round: once reopened and resolved again, the
    customer may rate the new handling."""
    if not complaint.reopen_count:
        return None
    return (
        AuditEntry.objects.filter(complaint_id=complaint.pk, action=Move.REOPEN)
        .order_by("-seq")
        .values_list("at", flat=True)
        .first()
    )


def already_rated(complaint: Complaint) -> bool:
    """Whether the customer rated the current round of handling on the portal."""
    ratings = SurveyResponse.objects.filter(complaint_id=complaint.pk, survey__code=SURVEY_CODE)
    started = round_started(complaint)
    if started is not None:
        ratings = ratings.filter(answered_at__gt=started)
    return ratings.exists()


def rate(*, complaint: Complaint, score, comment: str = "") -> SurveyResponse:
    """The customer's rating of a resolved or closed case, once a round of handling (again
    after a reopening and a new resolution). It is a questionnaire answer, on the complaint's
    timeline by the portal's stand-in, counted in the monthly report's CSAT."""
    if complaint.state not in RATABLE_STATES:
        raise ValidationError({"score": _("You can rate the handling once your case is resolved.")})
    try:
        value = int(score)
    except (TypeError, ValueError):
        value = 0
    if not 1 <= value <= 5:
        raise ValidationError({"score": _("Choose from 1 to 5 stars.")})
    comment = (comment or "").strip()
    errors = length_errors(comment=(comment, complaint_limits.LINE))
    if errors:
        raise ValidationError(errors)
    actor = portal_actor(complaint.branch)
    with transaction.atomic():
        locked = Complaint.objects.select_for_update().filter(pk=complaint.pk).first()
        if locked is not None:
            complaint = locked  # the round as it is now
        if already_rated(complaint):
            raise ValidationError({"score": _("You have rated this case already. Thank you!")})
        survey = portal_survey(complaint.organisation_id)
        answers = {"result": value, **({"comment": comment} if comment else {})}
        return record_response(
            survey=survey,
            customer=complaint.customer,
            answers=answers,
            channel=ResponseChannel.LINK,
            actor=actor,
            complaint=complaint,
            branch_id=complaint.branch_id,
        )
