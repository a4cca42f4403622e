"""Writes: sharing a closed complaint's summary as a lesson, editing it, taking it back.

Each is one atomic function that fetches the complaint through the user's scope, checks the
role and the state, and writes the lesson and its entry on the complaint's timeline in the same
transaction. The complaint itself is not changed (its version stays), as with a note.
"""

import re

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from kesu.audit.services import audit_record
from kesu.complaints import limits
from kesu.complaints.checklist import checklist_tick, ticked_items
from kesu.complaints.choices import State
from kesu.complaints.models import Complaint
from kesu.complaints.search import grams_of
from kesu.complaints.selectors import complaints_visible_to
from kesu.core.errors import InvalidState, NotAllowed, NotFound
from kesu.core.limits import length_errors, normalise_newlines
from kesu.lessons.choices import MARKING_ROLES, LessonAction
from kesu.lessons.models import Lesson
from kesu.organisation.models import User

# The texts of a lesson, in the order they are searched and shown.
TEXT_FIELDS = ("title", "text", "advice")
# The close form's fields the lesson's texts come from (workflow.complaint_close).
CLOSE_FIELDS = {"title": "lesson_title", "text": "summary", "advice": "lesson_advice"}


def may_mark(user: User, complaint: Complaint) -> bool:
    """Whether the user may share this complaint as a lesson (or edit or take back its lesson):
    a handling manager, director or general manager who sees it; sharing needs it closed."""
    return user.role in MARKING_ROLES and (
        complaint.state == State.CLOSED or Lesson.objects.filter(complaint=complaint).exists()
    )


def lesson_mark(
    *, complaint_id: int, actor: User, title: str, text: str = "", advice: str = ""
) -> Lesson:
    """Share a closed complaint as a lesson, or edit the lesson it has."""
    with transaction.atomic():
        complaint = _locked(actor, complaint_id)
        existing = Lesson.objects.select_for_update().filter(complaint=complaint).first()
        if existing is None and complaint.state != State.CLOSED:
            raise InvalidState(
                _("Only a closed complaint can be shared as a lesson."), code="not_closed"
            )
        return _save(complaint, actor, existing, title=title, text=text, advice=advice)


def lesson_mark_at_close(
    complaint: Complaint, actor: User, *, title: str, text: str, advice: str
) -> Lesson:
    """The closer shared the case as a lesson (hooks.closed_with_lesson): in the close's
    transaction, on the complaint the move has locked; its role was checked by the move. The
    errors name the close form's fields."""
    existing = Lesson.objects.select_for_update().filter(complaint=complaint).first()
    try:
        return _save(complaint, actor, existing, title=title, text=text, advice=advice)
    except ValidationError as exc:
        raise ValidationError(
            {CLOSE_FIELDS.get(field, field): errors for field, errors in exc.error_dict.items()}
        ) from exc


def lesson_unmark(*, complaint_id: int, actor: User) -> None:
    """Take the complaint's lesson back: it is no longer listed; its timeline keeps the entry."""
    with transaction.atomic():
        complaint = _locked(actor, complaint_id)
        lesson = Lesson.objects.select_for_update().filter(complaint=complaint).first()
        if lesson is None:
            raise NotFound(_("This complaint is not shared as a lesson."))
        audit_record(
            organisation_id=complaint.organisation_id,
            actor=actor,
            action=LessonAction.UNMARKED,
            obj=lesson,
            complaint_id=complaint.pk,
            data={"lesson_id": lesson.pk, "lesson_title": lesson.title},
        )
        lesson.delete()


def _locked(actor: User, complaint_id: int) -> Complaint:
    complaint = (
        complaints_visible_to(actor)
        .select_for_update()
        .select_related("customer")
        .filter(pk=complaint_id)
        .first()
    )
    if complaint is None:
        raise NotFound()
    if actor.role not in MARKING_ROLES:
        raise NotAllowed(
            _("Handling managers, customer directors and general managers share lessons."),
            code="role_not_allowed",
        )
    return complaint


def _save(complaint: Complaint, actor: User, existing: Lesson | None, **texts: str) -> Lesson:
    values = {name: normalise_newlines(texts.get(name) or "").strip() for name in TEXT_FIELDS}
    _check(values, complaint)
    copied = {
        "organisation_id": complaint.organisation_id,
        "branch_id": complaint.branch_id,
        "department_id": complaint.department_id,
        "category_id": complaint.category_id,
        "cause": complaint.cause,
    }
    grams = " ".join(grams_of(*values.values()))
    if existing is None:
        lesson = Lesson.objects.create(
            complaint=complaint,
            marked_by=actor,
            marked_at=timezone.now(),
            search_grams=grams,
            **values,
            **copied,
        )
        action = LessonAction.MARKED
        data: dict = {"category": complaint.category_id, "cause": complaint.cause}
        _tick_shared(complaint, actor)
    else:
        lesson = existing
        changes = {
            name: [getattr(lesson, name), value]
            for name, value in {**values, **copied}.items()
            if getattr(lesson, name) != value
        }
        if not changes:
            return lesson
        for name, (_old, value) in changes.items():
            setattr(lesson, name, value)
        lesson.search_grams = grams
        lesson.save(update_fields=[*changes, "search_grams"])
        action, data = LessonAction.CHANGED, {"changes": changes}
    audit_record(
        organisation_id=complaint.organisation_id,
        actor=actor,
        action=action,
        obj=lesson,
        complaint_id=complaint.pk,
        data={
            "lesson_id": lesson.pk,
            "lesson_title": lesson.title,
            "lesson_text": lesson.text,
            "lesson_advice": lesson.advice,
            **data,
        },
    )
    return lesson


# The checklist item of stage 4 that sharing a lesson fulfils (complaints/checklist.py).
SHARED_ITEM = "lesson"


def _tick_shared(complaint: Complaint, actor: User) -> None:
    """Sharing the lesson is what "shared the lesson with managers" asks: ticked, once."""
    if SHARED_ITEM not in ticked_items(complaint):
        checklist_tick(complaint=complaint, actor=actor, item=SHARED_ITEM, done=True)


def _check(values: dict[str, str], complaint: Complaint) -> None:
    """A title, something to learn from, within the limits, and nothing that names the
    customer: lessons are read in every branch."""
    errors: dict[str, list[str]] = {}
    if not values["title"]:
        errors["title"] = [_("Give the lesson a short title.")]
    if not values["text"] and not values["advice"]:
        errors["advice"] = [_("A lesson needs the case summary or what to do differently.")]
    errors.update(
        length_errors(
            title=(values["title"], limits.LESSON_TITLE),
            text=(values["text"], limits.TEXT),
            advice=(values["advice"], limits.TEXT),
        )
    )
    for name in TEXT_FIELDS:
        if name not in errors and names_the_customer(values[name], complaint):
            errors[name] = [
                _(
                    "This names the customer (a name, phone number, plate number or VIN). "
                    "Lessons are read in every branch: leave the customer out."
                )
            ]
    if errors:
        raise ValidationError(errors)


# Whoever's they are, these identify a person or their car: a mainland mobile number, a plate
# (province, letter, five or six more, with or without a separator) and a VIN.
_MOBILE = re.compile(r"(?<!\d)1[3-9]\d{9}(?!\d)")
_PLATE = re.compile(
    r"[京津沪渝冀豫云辽黑湘皖鲁新苏浙赣鄂桂甘晋蒙陕吉闽贵粤青藏川宁琼][A-Za-z]"
    r"\s*[·•・.\-]?\s*[A-Za-z0-9]{5,6}(?![A-Za-z0-9])"
)
_VIN = re.compile(r"(?<![A-Za-z0-9])[A-HJ-NPR-Za-hj-npr-z0-9]{17}(?![A-Za-z0-9])")


def names_the_customer(text: str, complaint: Complaint) -> bool:
    """Whether `text` holds the complaint's customer's name or phone number, or any mobile
    number, plate number or VIN."""
    if not text:
        return False
    customer = complaint.customer
    name = (customer.name or "").strip()
    if len(name) >= 2 and name.lower() in text.lower():
        return True
    digits = re.sub(r"\D", "", customer.phone or "")
    national = digits[2:] if digits.startswith("86") and len(digits) > 11 else digits
    typed = re.sub(r"[\s\-]", "", text)
    if len(national) >= 7 and national in typed:
        return True
    return bool(_MOBILE.search(typed) or _PLATE.search(text) or _VIN.search(text))
