"""Writes to complaints that are not moves of the procedure (those live in workflow.py)."""

import hashlib
from dataclasses import dataclass
from datetime import datetime
from pathlib import Path

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.files.uploadedfile import UploadedFile
from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from kesu.audit.models import AuditEntry
from kesu.audit.services import audit_record
from kesu.complaints import hooks, limits
from kesu.complaints.attachments import (
    SNIFF_BYTES,
    content_matches,
    shorten_file_name,
    stored_file_name,
)
from kesu.complaints.choices import (
    OPEN_STATES,
    TERMINAL_STATES,
    THIRD_PARTY_CHANNELS,
    CauseClass,
    Channel,
    ComplaintAction,
    Demand,
    Kind,
    Move,
    Severity,
)
from kesu.complaints.models import (
    Attachment,
    Category,
    Complaint,
    IdempotencyKey,
    ManufacturerContact,
    ManufacturerExchange,
)
from kesu.complaints.move_fields import MOVE_OWNED_FIELDS, move_owned_message
from kesu.complaints.numbering import next_complaint_number
from kesu.complaints.routing import Route, route_for
from kesu.complaints.search import SEARCHED_FIELDS, search_grams_for
from kesu.complaints.selectors import complaints_visible_to, manufacturer_contacts_for
from kesu.complaints.severity import SeveritySuggestion, suggest_severity
from kesu.complaints.workflow import TRANSITIONS
from kesu.core.errors import InvalidState, NotAllowed, NotFound, StaleVersion
from kesu.core.limits import check_lengths, length_errors, limited, normalise_newlines
from kesu.customers.choices import PersonalityType
from kesu.customers.models import Customer, Purchase
from kesu.organisation.choices import Role
from kesu.organisation.models import Branch, Department, User

REGISTERING_ROLES = frozenset(
    {Role.FRONTLINE, Role.CALLBACK, Role.HANDLER, Role.DIRECTOR, Role.GENERAL_MANAGER, Role.GROUP}
)


def may_register(user) -> bool:
    """Whether this user may register complaints (the page offers "New complaint" if so)."""
    return user.role in REGISTERING_ROLES and user.organisation_id is not None


# Roles that look at complaints but do not edit their record (complaint_update refuses them).
NON_EDITING_ROLES = frozenset({Role.ADMIN, Role.GROUP})


def may_edit(user) -> bool:
    """Whether this user may edit a complaint's record (the complaint page offers it if so)."""
    return user.role not in NON_EDITING_ROLES


# Fields staff may edit directly; everything else moves through workflow.py. None of the fields
# a move writes (move_fields.MOVE_OWNED_FIELDS) may be here: tests/test_move_fields.py checks it.
EDITABLE_FIELDS = {
    "kind": Kind,
    "channel": Channel,
    "channel_detail": None,
    "third_party_reference": None,
    "third_party_contact": None,
    "title": None,
    "account": None,
    "demand": Demand,
    "demand_detail": None,
    "staff_involved": None,
    "promise_made_by": None,
    "category": None,
    "cause": CauseClass,
    "personality_type": PersonalityType,
    "upset_level": None,
    "purchase": None,
}
# The fields the "register" entry records, so the timeline alone tells the row's first values
# (kesu/complaints/consistency.py replays it); foreign keys as ids.
REGISTER_RECORDED = [
    "branch",
    "customer",
    "purchase",
    "kind",
    "channel",
    "channel_detail",
    "third_party_reference",
    "third_party_contact",
    "title",
    "account",
    "demand",
    "demand_detail",
    "staff_involved",
    "promise_made_by",
    "category",
    "cause",
    "severity",
    "suggested_severity",
    "severity_reasons",
    "is_crisis",
    "crisis_signals",
    "personality_type",
    "upset_level",
    "received_at",
    "severity_override_reason",
    "owner",
    "department",
    "routed_by",
    "due_at",
]


# The texts a complaint is registered or edited with, and their limits (complaints/limits.py).
REGISTER_LIMITS = {
    "title": limits.TITLE,
    "account": limits.ACCOUNT,
    "channel_detail": limits.CHANNEL_DETAIL,
    "demand_detail": limits.LINE,
    "staff_involved": limits.PERSON,
    "promise_made_by": limits.PERSON,
    "severity_override_reason": limits.LINE,
    "third_party_reference": limits.THIRD_PARTY_REFERENCE,
    "third_party_contact": limits.THIRD_PARTY_CONTACT,
}
# What only a complaint forwarded by a third party (THIRD_PARTY_CHANNELS) carries.
THIRD_PARTY_FIELDS = ("third_party_reference", "third_party_contact")


# Choice fields of a registration and the codes each accepts ("" for none given).
REGISTER_CHOICES = {
    "kind": Kind,
    "channel": Channel,
    "demand": Demand,
    "cause": CauseClass,
    "personality_type": PersonalityType,
    "severity": Severity,
}


@dataclass
class Intake:
    """What a complaint is registered with, as given (complaint_register's arguments)."""

    actor: User
    customer: Customer
    branch: Branch | None
    channel: str
    title: str
    account: str
    kind: str
    demand: str
    demand_detail: str
    staff_involved: str
    promise_made_by: str
    channel_detail: str
    category: Category | None
    cause: str
    purchase: Purchase | None
    received_at: datetime | None
    personality_type: str
    upset_level: int | None
    severity: str | None
    severity_override_reason: str
    department: Department | None
    third_party_reference: str
    third_party_contact: str
    triage: dict | None

    @property
    def cause_or_default(self) -> str:
        """The cause given, else the category's usual one."""
        return self.cause or (self.category.default_cause if self.category else "")

    def texts(self) -> dict[str, str]:
        """The free texts, by field (REGISTER_LIMITS names them)."""
        return {name: getattr(self, name) for name in REGISTER_LIMITS}

    def codes(self) -> dict[str, str | None]:
        """The coded fields, by field (REGISTER_CHOICES names them)."""
        return {name: getattr(self, name) for name in REGISTER_CHOICES}


def complaint_register(
    *,
    actor: User,
    customer: Customer,
    channel: str,
    title: str,
    account: str,
    kind: str = Kind.COMPLAINT,
    demand: str = Demand.OTHER,
    demand_detail: str = "",
    staff_involved: str = "",
    promise_made_by: str = "",
    channel_detail: str = "",
    category: Category | None = None,
    cause: str = "",
    purchase: Purchase | None = None,
    branch: Branch | None = None,
    received_at: datetime | None = None,
    personality_type: str = "",
    upset_level: int | None = None,
    severity: str | None = None,
    severity_override_reason: str = "",
    idempotency_key: str | None = None,
    department: Department | None = None,
    third_party_reference: str = "",
    third_party_contact: str = "",
    triage: dict | None = None,
    owner_if_unrouted: User | None = None,
) -> tuple[Complaint, bool]:
    """Register a complaint; the registering user becomes its first-contact owner.

    `triage` is what the triage suggestions offered, {field: suggested value}
    (kesu/complaints/triage_suggestions.py); the "register" entry records it next to what
    was chosen, so the overrides can be counted and learnt from.

    The handling department is `department` when staff chose one, else the one the routing
    rules name (kesu/complaints/routing.py); where no rule names an owner, `owner_if_unrouted`
    (the portal's and integrations' stand-ins cannot handle one). Returns (complaint, created).
    With an idempotency key this user used before, the complaint created then is returned and
    nothing new is written.

    The steps: the role, the idempotency key, the input checked (`_checked_intake`, which
    also suggests the severity), the route (`_route_of`), the row (`_complaint_row`), then
    `_save_registration` plans the deadlines, numbers, saves, audits and runs the hooks.
    """
    _check_may_register(actor)
    if idempotency_key:
        previous = _complaint_for_key(actor, idempotency_key)
        if previous is not None:
            return previous, False
    intake = Intake(
        actor=actor,
        customer=customer,
        branch=branch or actor.branch,
        channel=channel,
        title=title,
        account=account,
        kind=kind,
        demand=demand,
        demand_detail=demand_detail,
        staff_involved=staff_involved,
        promise_made_by=promise_made_by,
        channel_detail=channel_detail,
        category=category,
        cause=cause,
        purchase=purchase,
        received_at=received_at,
        personality_type=personality_type,
        upset_level=upset_level,
        severity=severity,
        severity_override_reason=severity_override_reason,
        department=department,
        third_party_reference=third_party_reference,
        third_party_contact=third_party_contact,
        triage=triage,
    )
    suggestion = _checked_intake(intake)
    route = _unrouted_to(_route_of(intake, suggestion), owner_if_unrouted)
    complaint = _complaint_row(intake, suggestion, route)
    return _save_registration(complaint, actor, idempotency_key, triage)


def _check_may_register(actor: User) -> None:
    if not may_register(actor) or actor.organisation_id is None:  # the second for mypy
        raise NotAllowed(_("Your role may not register complaints."), code="role_not_allowed")


def _checked_intake(intake: Intake) -> SeveritySuggestion:
    """The suggested severity of a valid intake; ValidationError with every field's fault."""
    errors = _registration_errors(
        intake.actor,
        branch=intake.branch,
        customer=intake.customer,
        purchase=intake.purchase,
        category=intake.category,
        upset_level=intake.upset_level,
        texts=intake.texts(),
        codes=intake.codes(),
    )
    errors |= _routing_and_triage_errors(intake)
    suggestion = None
    if not errors:
        suggestion = _suggested_severity(intake)
        errors |= _severity_errors(intake, suggestion)
    if errors:
        raise ValidationError(errors)
    assert suggestion is not None  # set above when there were no errors
    return suggestion


def _routing_and_triage_errors(intake: Intake) -> dict:
    """A chosen department of another branch; triage suggestions in the wrong shape."""
    errors: dict[str, object] = {}
    department, branch = intake.department, intake.branch
    if department is not None and (branch is None or department.branch_id != branch.pk):
        errors["department"] = _("Choose a department of the complaint's branch.")
    if intake.triage is not None and not _triage_valid(intake.triage):
        errors["triage"] = _(
            "Give the suggestions shown as {field: value}, fields among: %(fields)s."
        ) % {"fields": ", ".join(TRIAGE_FIELDS)}
    return errors


def _suggested_severity(intake: Intake) -> SeveritySuggestion:
    assert intake.actor.organisation_id is not None  # _check_may_register
    return suggest_severity(
        organisation_id=intake.actor.organisation_id,
        title=intake.title,
        account=intake.account,
        demand=intake.demand,
        channel=intake.channel,
        category=intake.category,
    )


def _severity_errors(intake: Intake, suggestion: SeveritySuggestion) -> dict:
    """A severity other than the suggested one needs its reason."""
    severity = intake.severity
    if severity and severity != suggestion.severity and not intake.severity_override_reason.strip():
        return {
            "severity_override_reason": _("Say why the severity differs from the suggested one.")
        }
    return {}


def _route_of(intake: Intake, suggestion: SeveritySuggestion) -> Route:
    """The department (and owner) chosen by staff, else the one the routing rules name."""
    if intake.department is not None:
        return Route(intake.department, None)
    assert intake.branch is not None  # _checked_intake
    return route_for(
        actor=intake.actor,
        branch=intake.branch,
        category=intake.category,
        cause=intake.cause_or_default,
        channel=intake.channel,
        severity=intake.severity or suggestion.severity,
        demand=intake.demand,
    )


def _unrouted_to(route: Route, owner: User | None) -> Route:
    """The route, with `owner` as its owner where no rule named one."""
    if route.owner is not None or owner is None:
        return route
    return Route(route.department or owner.department, route.rule, owner)


def _complaint_row(intake: Intake, suggestion: SeveritySuggestion, route: Route) -> Complaint:
    """The unsaved complaint of a checked intake (texts stripped, severity as suggested or
    chosen, routed)."""
    actor, severity = intake.actor, intake.severity
    assert actor.organisation_id is not None  # _check_may_register
    return Complaint(
        organisation_id=actor.organisation_id,
        branch=intake.branch,
        kind=intake.kind,
        channel=intake.channel,
        channel_detail=intake.channel_detail,
        third_party_reference=(intake.third_party_reference or "").strip(),
        third_party_contact=(intake.third_party_contact or "").strip(),
        customer=intake.customer,
        purchase=intake.purchase,
        received_at=intake.received_at or timezone.now(),
        title=intake.title.strip(),
        account=intake.account.strip(),
        demand=intake.demand,
        demand_detail=intake.demand_detail,
        staff_involved=intake.staff_involved.strip(),
        promise_made_by=intake.promise_made_by.strip(),
        category=intake.category,
        cause=intake.cause_or_default,
        severity=severity or suggestion.severity,
        suggested_severity=suggestion.severity,
        severity_reasons=suggestion.reasons,
        severity_override_reason=intake.severity_override_reason.strip() if severity else "",
        is_crisis=suggestion.crisis,
        crisis_signals=suggestion.crisis_signals,
        personality_type=intake.personality_type,
        upset_level=intake.upset_level,
        registered_by=actor,
        owner=route.owner or actor,
        department=route.department,
        routed_by=route.rule,
    )


# The fields triage suggests that registration sets (kesu/complaints/triage_suggestions.py).
TRIAGE_FIELDS = (
    "category",
    "cause",
    "department",
    "demand",
    "upset_level",
    "personality_type",
    "severity",
)


def _triage_valid(triage) -> bool:
    return isinstance(triage, dict) and all(
        key in TRIAGE_FIELDS and isinstance(value, str) and len(value) <= 40
        for key, value in triage.items()
    )


def triage_outcome(complaint: Complaint, triage: dict | None) -> dict:
    """{field: {"suggested", "chosen", "accepted"}} for each field a suggestion was shown for."""
    if not triage:
        return {}
    chosen = {
        "category": complaint.category_id,
        "cause": complaint.cause,
        "department": complaint.department_id,
        "demand": complaint.demand,
        "upset_level": complaint.upset_level,
        "personality_type": complaint.personality_type,
        "severity": complaint.severity,
    }
    outcome = {}
    for field, suggested in sorted(triage.items()):
        value = "" if chosen[field] is None else str(chosen[field])
        outcome[field] = {"suggested": suggested, "chosen": value, "accepted": suggested == value}
    return outcome


def _registration_errors(
    actor: User,
    *,
    branch: Branch | None,
    customer: Customer,
    purchase: Purchase | None,
    category: Category | None,
    upset_level: int | None,
    texts: dict[str, str],
    codes: dict[str, str | None],
) -> dict:
    """What is wrong with a registration, field by field, before the severity is suggested."""
    errors: dict[str, object] = {}
    branch_error = _branch_error(actor, branch)
    if branch_error:
        errors["branch"] = branch_error
    if customer.organisation_id != actor.organisation_id:
        errors["customer"] = _("Unknown customer.")
    if purchase is not None and purchase.customer_id != customer.pk:
        errors["purchase"] = _("This purchase belongs to another customer.")
    if category is not None and (
        category.organisation_id != actor.organisation_id or not category.is_active
    ):
        errors["category"] = _("Choose an active category.")
    if upset_level is not None and not 1 <= upset_level <= 5:
        errors["upset_level"] = _("Give a value from 1 to 5.")
    for required in ("title", "account"):
        if not (texts[required] or "").strip():
            errors[required] = _("This field is required.")
    errors |= length_errors(**limited(texts, REGISTER_LIMITS))
    for field, value in codes.items():
        if value and value not in REGISTER_CHOICES[field].values:
            errors[field] = _("“%(value)s” is not a valid choice.") % {"value": value}
    return errors | {
        field: message
        for field, message in _third_party_errors(codes["channel"], texts).items()
        if field not in errors
    }


def _third_party_errors(channel, texts: dict[str, str]) -> dict:
    """The third party's fields on a complaint not forwarded by one; the reference missing on
    one that was."""
    errors: dict[str, object] = dict.fromkeys(
        _third_party_misplaced(channel, texts), THIRD_PARTY_ONLY
    )
    if _third_party_reference_missing(channel, texts["third_party_reference"]):
        errors["third_party_reference"] = third_party_reference_required(channel)
    return errors


def _branch_error(actor: User, branch: Branch | None):
    if branch is None or branch.organisation_id != actor.organisation_id:
        return _("Choose the branch the complaint is for.")
    if not actor.sees_whole_organisation and branch.pk != actor.branch_id:
        return _("You can only register complaints for your own branch.")
    if actor.acting_branch_ids is not None and branch.pk not in actor.acting_branch_ids:
        # An integration's token that may act in some branches only (kesu/integrations).
        return _("This integration may not act in that branch.")
    return None


def _third_party_reference_missing(channel, reference) -> bool:
    """A forwarded complaint (THIRD_PARTY_CHANNELS) without the third party's reference."""
    return channel in THIRD_PARTY_CHANNELS and not (reference or "").strip()


def third_party_reference_required(channel) -> str:
    """Which field is missing and why, naming the channel the complaint came through."""
    return _(
        "Their reference number is required: a complaint forwarded by %(channel)s is answered "
        "back to them under their own case number (the 12315 work order, the manufacturer's "
        "case, …). Ask them for it before saving."
    ) % {"channel": Channel(channel).label}


THIRD_PARTY_ONLY = _(
    "Only a complaint forwarded by a third party (the manufacturer, 12315, a consumer "
    "association, the media or a court) has a third party's reference and contact."
)


def _third_party_misplaced(channel, values: dict) -> list[str]:
    """The third party's fields given for a complaint whose channel is not a forwarding one."""
    if channel in THIRD_PARTY_CHANNELS:
        return []
    return [name for name in THIRD_PARTY_FIELDS if (values.get(name) or "").strip()]


def _save_registration(
    complaint: Complaint, actor: User, idempotency_key: str | None, triage: dict | None = None
) -> tuple[Complaint, bool]:
    """Number and save a validated complaint with what the hooks add, and its "register" entry.

    Everything that only reads (deadline policies, the calendar) happens before the number is
    taken: the counter row stays locked from then until the commit, so concurrent intakes of
    one organisation queue only for the writes.
    """
    # Planning the deadlines (and whatever else the hooks add), before the number is taken.
    parts = [part for part in hooks.registration_planned(complaint) if part is not None]
    try:
        with transaction.atomic():
            _number(complaint, actor)
            _insert(complaint, actor, parts, idempotency_key)
            _audit_registration(complaint, actor, parts, triage_outcome(complaint, triage))
            hooks.after_registration(complaint)
    except IntegrityError:
        # Two retries with one key raced: the other one won, return what it created.
        if idempotency_key:
            previous = _complaint_for_key(actor, idempotency_key)
            if previous is not None:
                return previous, False
        raise
    return complaint, True


def _number(complaint: Complaint, actor: User) -> None:
    """The next number of the organisation's year (locks its counter until the commit)."""
    complaint.number = next_complaint_number(
        actor.organisation,  # type: ignore[arg-type]  # organisation_id checked by the caller
        timezone.localtime(complaint.received_at).year,
    )


def _insert(complaint: Complaint, actor: User, parts, idempotency_key: str | None) -> None:
    """The row, its search grams, what the hooks planned and the idempotency key."""
    complaint.search_grams = search_grams_for(complaint)
    complaint.save(force_insert=True)
    for part in parts:
        part.save(complaint)
    if idempotency_key:
        IdempotencyKey.objects.create(user=actor, key=idempotency_key, complaint=complaint)


def _audit_registration(complaint: Complaint, actor: User, parts, triage: dict) -> None:
    audit_record(
        organisation_id=complaint.organisation_id,
        actor=actor,
        action=ComplaintAction.REGISTER,
        obj=complaint,
        complaint_id=complaint.pk,
        data={
            "to": complaint.state,
            "number": complaint.number,
            **{key: value for part in parts for key, value in part.audit_data.items()},
            "fields": {
                # REGISTER_RECORDED names concrete fields, which have an attname.
                name: getattr(complaint, Complaint._meta.get_field(name).attname)  # type: ignore[union-attr]
                for name in REGISTER_RECORDED
            },
            **({"triage": triage} if triage else {}),
        },
    )


def _complaint_for_key(actor: User, key: str) -> Complaint | None:
    row = IdempotencyKey.objects.filter(user=actor, key=key).select_related("complaint").first()
    return row.complaint if row else None


def complaint_update(
    *, complaint_id: int, actor: User, expected_version: int | None, changes: dict
) -> Complaint:
    """Edit the record's descriptive fields with optimistic concurrency.

    `expected_version` is the version the client last read; if someone saved in between, the
    write is refused with StaleVersion and nothing changes.
    """
    unknown = set(changes) - set(EDITABLE_FIELDS)
    if unknown:
        raise ValidationError(
            {
                name: move_owned_message(name)
                if name in MOVE_OWNED_FIELDS
                else _("This field cannot be changed here.")
                for name in sorted(unknown)
            }
        )
    if not may_edit(actor):
        raise NotAllowed(_("Your role may not edit complaints."), code="role_not_allowed")
    errors = _update_errors(changes)
    if errors:
        raise ValidationError(errors)
    with transaction.atomic():
        try:
            complaint = complaints_visible_to(actor).select_for_update().get(pk=complaint_id)
        except Complaint.DoesNotExist:
            raise NotFound() from None
        if expected_version is not None and complaint.version != expected_version:
            raise StaleVersion()
        if complaint.state in TERMINAL_STATES:
            raise InvalidState(
                _("A closed complaint cannot be edited; reopen it first."), code="closed"
            )
        _check_update_references(complaint, changes)
        diff = _apply_update(complaint, changes)
        if not diff:
            return complaint
        complaint.version += 1
        fields = [*diff, "version", "updated_at"]
        if set(SEARCHED_FIELDS) & set(diff):
            complaint.search_grams = search_grams_for(complaint)
            fields.append("search_grams")
        complaint.save(update_fields=fields)
        audit_record(
            organisation_id=complaint.organisation_id,
            actor=actor,
            action=ComplaintAction.UPDATE,
            obj=complaint,
            complaint_id=complaint.pk,
            data={"changes": diff},
        )
    return complaint


def _update_errors(changes: dict) -> dict:
    """What is wrong with the edited values themselves (before the complaint is read)."""
    errors: dict[str, object] = {}
    for name, value in changes.items():
        choices = EDITABLE_FIELDS[name]
        if choices is not None and value not in ("", None) and value not in choices.values:
            errors[name] = _("“%(value)s” is not a valid choice.") % {"value": value}
        if name in {"title", "account", "channel", "kind", "demand"} and not value:
            errors[name] = _("This field is required.")
    if (
        "upset_level" in changes
        and changes["upset_level"] is not None
        and not 1 <= changes["upset_level"] <= 5
    ):
        errors["upset_level"] = _("Give a value from 1 to 5.")
    errors |= {
        name: messages
        for name, messages in length_errors(**limited(changes, REGISTER_LIMITS)).items()
        if name not in errors
    }
    return errors


def _check_update_references(complaint: Complaint, changes: dict) -> None:
    """A new category of the complaint's organisation and active; a purchase of its customer;
    a third party's reference and contact only while the channel is a forwarding one, and
    the reference required then (checked when the edit touches the channel or the
    reference, so an old forwarded complaint without one can still be edited otherwise)."""
    after = {name: changes.get(name, getattr(complaint, name)) for name in THIRD_PARTY_FIELDS}
    misplaced = _third_party_misplaced(changes.get("channel", complaint.channel), after)
    if misplaced:
        given = [name for name in misplaced if name in changes]
        raise ValidationError(
            {name: THIRD_PARTY_ONLY for name in given}
            or {
                "channel": _(
                    "This complaint carries a third party's reference or contact: clear them "
                    "in the same edit to give it a channel that is not a forwarding one."
                )
            }
        )
    channel = changes.get("channel", complaint.channel)
    touched = {"channel", "third_party_reference"} & set(changes)
    if touched and _third_party_reference_missing(channel, after["third_party_reference"]):
        raise ValidationError({"third_party_reference": third_party_reference_required(channel)})
    category = changes.get("category")
    if category is not None and (
        category.organisation_id != complaint.organisation_id or not category.is_active
    ):
        raise ValidationError({"category": _("Choose an active category.")})
    purchase = changes.get("purchase")
    if purchase is not None and purchase.customer_id != complaint.customer_id:
        raise ValidationError({"purchase": _("This purchase belongs to another customer.")})


def _apply_update(complaint: Complaint, changes: dict) -> dict:
    """Set the values that differ (texts stripped); {field: [old, new]} of those, ids for
    foreign keys."""
    diff = {}
    for name, value in changes.items():
        if isinstance(value, str):
            value = value.strip()
        old = getattr(complaint, name)
        if old != value:
            diff[name] = [_pk(old), _pk(value)]
            setattr(complaint, name, value)
    return diff


def _pk(value):
    return value.pk if hasattr(value, "pk") else value


def complaint_add_note(
    *,
    complaint_id: int,
    actor: User,
    text: str,
    shared_with_customer: bool = False,
    kind: str = ComplaintAction.NOTE,
) -> AuditEntry:
    """A note or a call on the timeline; shared notes are what the customer may be shown."""
    text = (text or "").strip()
    if not text:
        raise ValidationError({"text": _("This field is required.")})
    if kind not in {ComplaintAction.NOTE, ComplaintAction.CALL}:
        raise ValidationError({"kind": _("“%(value)s” is not a valid choice.") % {"value": kind}})
    with transaction.atomic():
        complaint = complaints_visible_to(actor).filter(pk=complaint_id).first()
        if complaint is None:
            raise NotFound()
        entry = audit_record(
            organisation_id=complaint.organisation_id,
            actor=actor,
            action=kind,
            obj=complaint,
            complaint_id=complaint.pk,
            data={"text": text, **({"shared_with_customer": True} if shared_with_customer else {})},
            visibility=AuditEntry.Visibility.SHARED
            if shared_with_customer
            else AuditEntry.Visibility.INTERNAL,
        )
        if shared_with_customer or kind == ComplaintAction.CALL:
            hooks.after_contact(complaint, actor)
        if shared_with_customer:
            hooks.note_shared(complaint, entry)
        return entry


def _sizes(size: int, limit: int) -> tuple[str, ...]:
    """Two file sizes written so that they differ: in MB with one or two decimals, or in
    bytes when even two decimals would show a file just over the limit as equal to it."""
    for places in (1, 2):
        shown = [f"{n / 1048576:.{places}f}" for n in (size, limit)]
        if shown[0] != shown[1]:
            return tuple(_("%(n)s MB") % {"n": n} for n in shown)
    return tuple(_("%(n)s bytes") % {"n": f"{n:,}"} for n in (size, limit))


def validate_upload(upload: UploadedFile) -> None:
    extension = Path(upload.name or "").suffix.lower().lstrip(".")
    if not extension:
        raise ValidationError(
            {
                "file": _(
                    "The file has no file extension (such as .jpg or .pdf), so its type cannot "
                    "be told. Accepted: %(allowed)s."
                )
                % {"allowed": ", ".join(settings.KESU_ATTACHMENT_EXTENSIONS)}
            }
        )
    if extension not in settings.KESU_ATTACHMENT_EXTENSIONS:
        raise ValidationError(
            {
                "file": _("Files of type “%(ext)s” are not accepted. Accepted: %(allowed)s.")
                % {
                    "ext": extension or "?",
                    "allowed": ", ".join(settings.KESU_ATTACHMENT_EXTENSIONS),
                }
            }
        )
    # A received upload always has a size and a name (the stubs allow None for either).
    if upload.size > settings.KESU_ATTACHMENT_MAX_BYTES:  # type: ignore[operator]
        raise ValidationError(
            {
                "file": _("The file is %(size)s; at most %(max)s is accepted.")
                % dict(
                    zip(
                        ("size", "max"),
                        _sizes(upload.size, settings.KESU_ATTACHMENT_MAX_BYTES),  # type: ignore[arg-type]
                        strict=True,
                    )
                )
            }
        )
    upload.seek(0)
    head = upload.read(SNIFF_BYTES)
    upload.seek(0)
    if not content_matches(extension, head):
        raise ValidationError(
            {
                "file": _(
                    "The content of this file is not a “%(ext)s” file, as its name says. "
                    "Save it in the right format and upload it again."
                )
                % {"ext": extension}
            }
        )


def complaint_attach(
    *, complaint_id: int, actor: User, upload: UploadedFile, description: str = ""
) -> Attachment:
    validate_upload(upload)
    description = description.strip()
    limit = Attachment._meta.get_field("description").max_length
    if len(description) > limit:  # type: ignore[operator]  # a CharField has a max_length
        raise ValidationError(
            {"description": _("Describe the file in at most %(max)s characters.") % {"max": limit}}
        )
    with transaction.atomic():
        complaint = complaints_visible_to(actor).filter(pk=complaint_id).first()
        if complaint is None:
            raise NotFound()
        attachment = attachment_store(
            complaint=complaint, actor=actor, upload=upload, description=description
        )
    return attachment


def attachment_store(
    *, complaint: Complaint, actor: User, upload: UploadedFile, description: str = ""
) -> Attachment:
    """Keep an upload (checked already) as one of the complaint's files, with its "file added"
    entry on the timeline, in the caller's transaction."""
    digest = hashlib.sha256()
    for chunk in upload.chunks():
        digest.update(chunk)
    upload.seek(0)
    name = Path(upload.name or "file").name
    attachment = Attachment(
        complaint=complaint,
        original_name=shorten_file_name(name),
        content_type=(upload.content_type or "application/octet-stream")[:100],
        size=upload.size or 0,
        sha256=digest.hexdigest(),
        description=description,
        uploaded_by=actor,
    )
    attachment.file.save(stored_file_name(name), upload, save=False)
    attachment.save()
    audit_record(
        organisation_id=complaint.organisation_id,
        actor=actor,
        action=ComplaintAction.ATTACH,
        obj=attachment,
        complaint_id=complaint.pk,
        data={
            "name": attachment.original_name,
            "size": attachment.size,
            "sha256": attachment.sha256,
        },
    )
    return attachment


# ---- The manufacturer (DOMAIN §10) ------------------------------------------------------------


def may_escalate_to_manufacturer(user) -> bool:
    """Whether this user may put complaints to the manufacturer's regional staff, record their
    answers and the feedback sent back: the roles that may escalate a complaint (TRANSITIONS)."""
    return user.role in TRANSITIONS[Move.ESCALATE].roles


def _manufacturer_case(actor: User, complaint_id: int, *, lock: bool = False) -> Complaint:
    if not may_escalate_to_manufacturer(actor):
        raise NotAllowed(
            _("Your role may not deal with the manufacturer about complaints."),
            code="role_not_allowed",
        )
    visible = complaints_visible_to(actor)
    complaint = (visible.select_for_update() if lock else visible).filter(pk=complaint_id).first()
    if complaint is None:
        raise NotFound()
    return complaint


def _required_text(field: str, text: str, limit: int) -> str:
    text = normalise_newlines(text or "").strip()
    if not text:
        raise ValidationError({field: _("This field is required.")})
    check_lengths(**{field: (text, limit)})
    return text


def manufacturer_ask(
    *, complaint_id: int, actor: User, contact: ManufacturerContact | None, asked: str
) -> ManufacturerExchange:
    """Escalate to the manufacturer: what was asked of one of its configured regional contacts.

    Only an open complaint is escalated; the contact must be one the complaint's branch may
    use (manufacturer_contacts_for). The exchange is an entry of the timeline.
    """
    asked = _required_text("asked", asked, limits.TEXT)
    with transaction.atomic():
        complaint = _manufacturer_case(actor, complaint_id, lock=True)
        if complaint.state not in OPEN_STATES:
            raise InvalidState(
                _("Only an open complaint is escalated to the manufacturer; reopen it first."),
                code="closed",
            )
        if (
            contact is None
            or not manufacturer_contacts_for(complaint).filter(pk=contact.pk).exists()
        ):
            raise ValidationError(
                {
                    "contact": _(
                        "Choose one of the manufacturer's contacts configured for this branch."
                    )
                }
            )
        exchange = ManufacturerExchange.objects.create(
            complaint=complaint,
            contact=contact,
            asked=asked,
            asked_at=timezone.now(),
            asked_by=actor,
        )
        audit_record(
            organisation_id=complaint.organisation_id,
            actor=actor,
            action=ComplaintAction.MANUFACTURER_ASKED,
            obj=complaint,
            complaint_id=complaint.pk,
            data={
                "exchange_id": exchange.pk,
                "contact_id": contact.pk,
                "contact": str(contact),
                "text": asked,
            },
        )
    return exchange


def manufacturer_answer(
    *,
    complaint_id: int,
    exchange_id: int,
    actor: User,
    answer: str,
    feedback_expected: bool = False,
) -> ManufacturerExchange:
    """The manufacturer's answer to an exchange, once; in any state, since answers come late.

    When the manufacturer expects a report back, the deadline for that feedback starts (sla,
    through the `manufacturer_feedback_expected` hook).
    """
    answer = _required_text("answer", answer, limits.TEXT)
    with transaction.atomic():
        complaint = _manufacturer_case(actor, complaint_id, lock=True)
        exchange = (
            ManufacturerExchange.objects.select_for_update()
            .filter(pk=exchange_id, complaint_id=complaint.pk)
            .select_related("contact")
            .first()
        )
        if exchange is None:
            raise NotFound()
        if exchange.answered_at is not None:
            raise InvalidState(
                _("This question was answered already; ask the manufacturer again instead."),
                code="answered",
            )
        exchange.answer = answer
        exchange.answered_at = timezone.now()
        exchange.answered_by = actor
        exchange.feedback_expected = bool(feedback_expected)
        exchange.save(update_fields=["answer", "answered_at", "answered_by", "feedback_expected"])
        audit_record(
            organisation_id=complaint.organisation_id,
            actor=actor,
            action=ComplaintAction.MANUFACTURER_ANSWERED,
            obj=complaint,
            complaint_id=complaint.pk,
            data={
                "exchange_id": exchange.pk,
                "contact": str(exchange.contact),
                "text": answer,
                "feedback_expected": exchange.feedback_expected,
            },
        )
        if exchange.feedback_expected:
            hooks.manufacturer_feedback_expected(complaint, actor)
    return exchange


def manufacturer_feedback_owed(complaint: Complaint) -> bool:
    """Whether the manufacturer is concerned: it forwarded the complaint or was asked about it."""
    return (
        complaint.channel == Channel.MANUFACTURER
        or ManufacturerExchange.objects.filter(complaint_id=complaint.pk).exists()
    )


def manufacturer_feedback(*, complaint_id: int, actor: User, text: str) -> AuditEntry:
    """Record the feedback sent to the manufacturer (what the branch reported, e.g. the cause
    found and what was done); it meets the feedback deadline. In any state: the manufacturer
    is owed its answer even after the case is closed."""
    text = _required_text("text", text, limits.TEXT)
    with transaction.atomic():
        complaint = _manufacturer_case(actor, complaint_id, lock=True)
        if not manufacturer_feedback_owed(complaint):
            raise ValidationError(
                {
                    "text": _(
                        "This complaint was neither forwarded by the manufacturer nor "
                        "escalated to it."
                    )
                }
            )
        entry = audit_record(
            organisation_id=complaint.organisation_id,
            actor=actor,
            action=ComplaintAction.MANUFACTURER_FEEDBACK,
            obj=complaint,
            complaint_id=complaint.pk,
            data={"text": text},
        )
        hooks.manufacturer_feedback_sent(complaint, actor)
    return entry
