"""Forms for the moves of the procedure, built from the API's input serializers.

The browser and the API validate a move with the same serializer and run it through the same
workflow function; this module only describes the serializer's fields for the template.
"""

from dataclasses import dataclass, field

from django.core.exceptions import ValidationError
from django.db.models import Q
from rest_framework import serializers

from kesu.complaints.api.transitions import TRANSITION_INPUTS, run_transition
from kesu.complaints.checklist import ITEM_TEXT, requirements
from kesu.complaints.choices import OPEN_STATES, Move, State
from kesu.complaints.models import Complaint
from kesu.complaints.selectors import complaints_visible_to
from kesu.complaints.workflow import (
    APPROVAL_MOVES,
    CASE_WORKING_ROLES,
    TRANSITIONS,
    who_may_approve,
)
from kesu.core.characters import REFUSED_CHARACTER, refused_fields
from kesu.core.errors import DomainError
from kesu.core.limits import length_errors, normalise_newlines
from kesu.organisation.choices import ORGANISATION_WIDE_ROLES
from kesu.organisation.models import Department, User

# Fields naming another complaint: a select of the customer's other open complaints plus a
# text input (`<name>_other`) for any number.
COMPLAINT_PICKERS = {Move.MERGE: {"into"}}
PICKER_CHOICES = 50

LONG_TEXT = {
    "note",
    "reason",
    "solution",
    "result",
    "summary",
    "root_cause",
    "corrective_action",
    "preventive_action",
    "verification",
    "instructions",
    "lesson_advice",
}


@dataclass
class FieldView:
    name: str
    label: str
    widget: str  # text, textarea, select, date, datetime, number, checkbox, complaint
    required: bool
    value: str = ""
    choices: list[tuple[str, str]] = field(default_factory=list)
    errors: list[str] = field(default_factory=list)
    help: str = ""
    other_value: str = ""  # the typed number of a complaint picker
    max_length: int | None = None  # a text's limit: the input's maxlength and its counter
    # A box that may also mean "not given" (the API's null): the form says it was shown, so
    # an unticked box is posted as False (OVERRIDE_SEVERITY's crisis flag: untick to clear).
    nullable: bool = False


# Moves whose form starts from the complaint's current values: changing the severity shows
# the current severity and crisis flag, so clearing a false crisis is unticking one box.
CURRENT_VALUES = {Move.OVERRIDE_SEVERITY: ("severity", "is_crisis")}
SHOWN = "{}__shown"


def _label(name: str, f) -> str:
    return str(f.label or name.replace("_", " ").capitalize())


def _other_open_complaints(request, complaint) -> list[tuple[str, str]]:
    """The customer's other open complaints the user can see, newest first: (number, label)."""
    rows = (
        complaints_visible_to(request.user)
        .filter(customer_id=complaint.customer_id, state__in=OPEN_STATES)
        .exclude(pk=complaint.pk)
        .order_by("-id")
        .values_list("number", "title")[:PICKER_CHOICES]
    )
    return [(number, f"{number} · {title}") for number, title in rows]


def _within_branch(qs, complaint):
    """Only what the move would accept for this complaint: its branch's departments, its
    branch's people and those who work for the whole organisation; of the people, only those
    whose role can work a case (not the administrator, whose only move would be to pass it on)."""
    if qs.model is User:
        qs = qs.filter(role__in=CASE_WORKING_ROLES)
    if complaint is None:
        return qs
    if qs.model is Department:
        return qs.filter(branch_id=complaint.branch_id)
    if qs.model is User:
        return qs.filter(Q(branch_id=complaint.branch_id) | Q(role__in=ORGANISATION_WIDE_ROLES))
    return qs


def _required_by_organisation(name: str, serializer, complaint) -> set[str]:
    """Fields the serializer leaves optional that this organisation requires for the move
    (the close's summary: a checklist item of that name, enforced by the workflow). Asked only
    of moves that have such a field, so other move forms cost no query."""
    optional = {n for n, f in serializer.fields.items() if not f.required} & set(ITEM_TEXT)
    if complaint is None or not optional:
        return set()
    return optional & set(requirements(complaint.organisation_id, [name]).get(name, []))


def describe(name: str, request, data=None, errors=None, complaint=None) -> list[FieldView]:
    serializer = TRANSITION_INPUTS[name](context={"request": request})
    views = []
    required_here = _required_by_organisation(name, serializer, complaint)
    for field_name, f in serializer.fields.items():
        if field_name == "version" or f.read_only:
            continue
        value = "" if data is None else str(data.get(field_name, ""))
        if data is None and complaint is not None and field_name in CURRENT_VALUES.get(name, ()):
            value = str(getattr(complaint, field_name))
        required = f.required or field_name in required_here
        view = FieldView(field_name, _label(field_name, f), "text", required, value)
        view.help = str(f.help_text or "")
        if isinstance(f, serializers.CharField):
            view.max_length = f.max_length
        view.nullable = isinstance(f, serializers.BooleanField) and f.allow_null
        if field_name in COMPLAINT_PICKERS.get(name, ()):
            _complaint_picker(view, request, complaint, data)
        else:
            _widget(view, f, complaint)
        if name == Move.ESCALATE and field_name == "level" and complaint is not None:
            # Only upwards: the levels above the one the case has reached, the next one first.
            view.choices = [(k, v) for k, v in view.choices if int(k) > complaint.escalation_level]
        if errors and field_name in errors:
            view.errors = [str(e) for e in errors[field_name]]
        views.append(view)
    return views


def _complaint_picker(view: FieldView, request, complaint, data) -> None:
    """Another open complaint, picked from a list or typed as a number."""
    view.widget = "complaint"
    view.choices = _other_open_complaints(request, complaint) if complaint else []
    view.other_value = "" if data is None else str(data.get(f"{view.name}_other", ""))
    if view.value and view.value not in {v for v, _label in view.choices}:
        view.other_value, view.value = view.value, ""


# The input each other kind of serializer field is shown as; a text stays a text input unless
# it is one of the LONG_TEXT fields.
_WIDGETS = (
    (serializers.BooleanField, "checkbox"),
    (serializers.DateTimeField, "datetime"),
    (serializers.DateField, "date"),
    (serializers.DecimalField | serializers.IntegerField, "number"),
)


def _widget(view: FieldView, f, complaint) -> None:
    if isinstance(f, serializers.ChoiceField):
        view.widget = "select"
        view.choices = [(str(k), str(v)) for k, v in f.choices.items()]
    elif isinstance(f, serializers.RelatedField):
        view.widget = "select"
        options = _within_branch(f.get_queryset(), complaint)
        view.choices = [(str(obj.pk), str(obj)) for obj in options[:500]]
    else:
        widget = next((w for kind, w in _WIDGETS if isinstance(f, kind)), None)
        if widget is not None:
            view.widget = widget
        elif view.name in LONG_TEXT:
            view.widget = "textarea"


def _in_kesu_words(errors: dict, data: dict, fields) -> dict:
    """The serializer's errors, a too-long text told as every web form tells it (TextLimit:
    the limit and how many characters there are) rather than in the API framework's words."""
    out = {}
    for name, messages in errors.items():
        f = fields.get(name)
        limit = getattr(f, "max_length", None) if isinstance(f, serializers.CharField) else None
        told = []
        for message in messages:
            if limit and getattr(message, "code", None) == "max_length":
                ours = length_errors(text=(str(data.get(name, "")).strip(), limit))
                told += ours.get("text", [message])
            else:
                told.append(message)
        out[name] = told
    return out


class MoveRefused(Exception):
    def __init__(self, field_errors: dict, message: str = ""):
        self.field_errors = field_errors
        self.message = message
        super().__init__(message)


def _validate(serializer, post, data: dict, known) -> None:
    """The serializer's errors and the fields that held refused characters, as MoveRefused."""
    valid = serializer.is_valid()
    refused = _refused(post, known)
    if not valid or refused:
        errors = _in_kesu_words(serializer.errors, data, known) if not valid else {}
        for name, messages in refused.items():
            errors[name] = [*errors.get(name, []), *messages]
        raise MoveRefused(errors)


def _refused(post, known) -> dict[str, list[str]]:
    """The fields whose posted text held characters no field takes (taken out before the view
    ran, kesu/core/characters.py): the move is refused with the field marked, its text kept."""
    errors: dict[str, list[str]] = {}
    for key in refused_fields(post):
        name = key.removesuffix("_other") if key.removesuffix("_other") in known else key
        if name in known:
            errors[name] = [str(REFUSED_CHARACTER)]
    return errors


def perform(name: str, request, complaint_id: int, post) -> Complaint:
    """Validate the posted form with the move's serializer and run the move: the complaint
    as the move left it."""
    serializer_class = TRANSITION_INPUTS[name]
    known = serializer_class(context={"request": request}).fields
    data = {}
    for key, f in known.items():
        if isinstance(f, serializers.BooleanField):
            # An unticked box is not posted at all.
            if key in post:
                data[key] = True
            elif not f.allow_null or SHOWN.format(key) in post:
                data[key] = False
            continue
        value = post.get(key)
        if key in COMPLAINT_PICKERS.get(name, ()) and not value:
            value = post.get(f"{key}_other", "").strip() or None
        if value is None or (value == "" and not isinstance(f, serializers.CharField)):
            continue  # an empty optional input means "not given"
        # A textarea's line breaks come as CRLF but count as one, as its maxlength counts them.
        data[key] = normalise_newlines(value)
    serializer = serializer_class(data=data, context={"request": request})
    _validate(serializer, post, data, known)
    validated = dict(serializer.validated_data)
    version = validated.pop("version", None)
    if post.get("version", "").isdigit():
        version = int(post["version"])
    try:
        return run_transition(
            name,
            complaint_id=complaint_id,
            actor=request.user,
            data=validated,
            expected_version=version,
        )
    except ValidationError as exc:
        if hasattr(exc, "error_dict"):
            raise MoveRefused(
                {k: [m for e in v for m in e.messages] for k, v in exc.error_dict.items()}
            ) from exc
        raise MoveRefused({}, " ".join(exc.messages)) from exc
    except DomainError as exc:
        raise MoveRefused({}, exc.render()) from exc


def approval_note(complaint, user, available) -> dict | None:
    """A compensation awaiting approval that this user may not approve: who can approve it."""
    if complaint.state != State.AWAITING_APPROVAL:
        return None
    if any(t.name in APPROVAL_MOVES for t in available):
        return None
    return {
        "amount": complaint.compensation_amount,
        "approvers": who_may_approve(complaint),
        # A role that approves, but not this much (rather than one that never approves).
        "over_limit": any(user.role in TRANSITIONS[n].roles for n in APPROVAL_MOVES),
    }
