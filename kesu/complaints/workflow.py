"""The handling procedure of a complaint (DOMAIN §3): its states, who may move it, and the moves.

This module is the only place that changes `Complaint.state`. Each move is one atomic function
that locks the complaint, checks the actor's role and the current state, applies the change,
bumps the version and appends an audit entry; an illegal move raises a translated error and
changes nothing. A move is also refused while a checklist item the organisation requires
before it is not ticked (`checklist.missing_items`).
"""

from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from datetime import date, datetime, timedelta
from decimal import Decimal

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import models, transaction
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from kesu.audit.models import AuditEntry
from kesu.audit.services import audit_record
from kesu.complaints import hooks, limits
from kesu.complaints.checklist import ITEM_TEXT, ItemList, missing_items, requirements
from kesu.complaints.choices import (
    DONE_STATES,
    OPEN_STATES,
    TERMINAL_STATES,
    CloseReason,
    CompensationType,
    ComplaintAction,
    ConfirmationMethod,
    EscalationLevel,
    Move,
    Resolvability,
    Responsibility,
    Satisfaction,
    Severity,
    State,
)
from kesu.complaints.models import Complaint
from kesu.complaints.people import branch_people
from kesu.complaints.search import search_refresh
from kesu.complaints.selectors import complaints_visible_to
from kesu.complaints.severity import SEVERITY_RANK
from kesu.core.errors import DomainError, InvalidState, NotAllowed, NotFound, StaleVersion
from kesu.core.limits import length_errors
from kesu.organisation.choices import Role
from kesu.organisation.models import CompensationLimit, Department, User
from kesu.organisation.services import DEFAULT_COMPENSATION_LIMITS, may_grant

F, C, H, D, G = Role.FRONTLINE, Role.CALLBACK, Role.HANDLER, Role.DIRECTOR, Role.GENERAL_MANAGER
GR = Role.GROUP
APPROVAL_MOVES = frozenset({Move.APPROVE_COMPENSATION, Move.REJECT_COMPENSATION})
# Who takes a complaint in (front desk, callback staff): the investigation takes it over from them.
FIRST_CONTACT_ROLES = frozenset({F, C})
WORKING_STATES = frozenset(
    {State.CONFIRMED, State.INVESTIGATING, State.SOLUTION_PROPOSED, State.IN_PROGRESS}
)


@dataclass(frozen=True)
class Transition:
    name: str
    label: str
    sources: frozenset
    # The state a successful move ends in; None for actions that keep the state.
    target: str | None
    roles: frozenset


def _t(move: "Move", sources, target, roles) -> Transition:
    return Transition(move, move.label, frozenset(sources), target, frozenset(roles))


TRANSITIONS: dict[str, Transition] = {
    t.name: t
    for t in [
        _t(
            Move.CONFIRM,
            {State.REGISTERED},
            State.CONFIRMED,
            {F, H, D, G},
        ),
        _t(
            Move.START_INVESTIGATION,
            {State.CONFIRMED},
            State.INVESTIGATING,
            {H, D, G},
        ),
        # Ends in awaiting_approval instead when the compensation is above the actor's limit.
        _t(
            Move.PROPOSE_SOLUTION,
            {State.INVESTIGATING},
            State.SOLUTION_PROPOSED,
            {H, D, G},
        ),
        _t(
            Move.APPROVE_COMPENSATION,
            {State.AWAITING_APPROVAL},
            State.SOLUTION_PROPOSED,
            {H, D, G},
        ),
        _t(
            Move.REJECT_COMPENSATION,
            {State.AWAITING_APPROVAL},
            State.INVESTIGATING,
            {H, D, G},
        ),
        _t(
            Move.ACCEPT_SOLUTION,
            {State.SOLUTION_PROPOSED},
            State.IN_PROGRESS,
            {F, H, D, G},
        ),
        _t(
            Move.DECLINE_SOLUTION,
            {State.SOLUTION_PROPOSED},
            State.INVESTIGATING,
            {F, H, D, G},
        ),
        _t(Move.RESOLVE, {State.IN_PROGRESS}, State.RESOLVED, {H, D, G}),
        _t(
            Move.VERIFY,
            {State.RESOLVED},
            State.VERIFIED,
            {C, D, G},
        ),
        _t(Move.CLOSE, {State.VERIFIED}, State.CLOSED, {D, G}),
        _t(
            Move.REOPEN,
            {State.RESOLVED, State.VERIFIED, State.CLOSED},
            State.INVESTIGATING,
            {F, C, D, G},
        ),
        _t(Move.PARK, WORKING_STATES, State.PARKED, {H, D, G}),
        _t(Move.RESUME, {State.PARKED}, State.INVESTIGATING, {H, D, G}),
        _t(Move.MERGE, OPEN_STATES, State.MERGED, {F, H, D, G}),
        _t(Move.WITHDRAW, OPEN_STATES, State.WITHDRAWN, {F, H, D, G}),
        # Actions that keep the state.
        _t(Move.HAND_OVER, OPEN_STATES, None, {F, H, D, G, GR}),
        # A handling manager takes a case of their department (a director or general manager
        # any case of the branch) on as its owner, from whoever took it in.
        _t(Move.TAKE_ON, OPEN_STATES, None, {H, D, G}),
        _t(Move.ESCALATE, OPEN_STATES, None, {H, D, G}),
        # The group customer centre: takes a case over, or sends it back to the branch.
        _t(Move.TAKE_OVER, OPEN_STATES, None, {GR}),
        _t(Move.SEND_BACK, OPEN_STATES, None, {GR}),
        _t(Move.SET_DEADLINE, OPEN_STATES, None, {D, G}),
        _t(Move.OVERRIDE_SEVERITY, OPEN_STATES, None, {F, H, D, G}),
        _t(
            Move.RECORD_ROOT_CAUSE,
            OPEN_STATES | {State.CLOSED},
            None,
            {H, D, G},
        ),
        _t(
            Move.VERIFY_PREVENTION,
            {State.RESOLVED, State.VERIFIED, State.CLOSED},
            None,
            {D, G},
        ),
    ]
}
# The moves that end a complaint (close, merge, withdraw), and those that end it without a result.
ENDING_MOVES = frozenset(n for n, t in TRANSITIONS.items() if t.target in TERMINAL_STATES)
ENDING_WITHOUT_RESULT_MOVES = frozenset(
    n for n, t in TRANSITIONS.items() if t.target in TERMINAL_STATES - DONE_STATES
)


def transitions_for(complaint: Complaint, user: User) -> list[Transition]:
    """The moves this user may make on this complaint now (what the UI and API offer).

    Approving or rejecting a compensation is offered only to a user whose limit covers it.
    """
    possible = [
        t
        for t in TRANSITIONS.values()
        if complaint.state in t.sources and (user.role in t.roles or _owner_may(t, complaint, user))
    ]
    if any(t.name in APPROVAL_MOVES for t in possible) and not may_grant(
        user, complaint.compensation_amount
    ):
        possible = [t for t in possible if t.name not in APPROVAL_MOVES]
    if complaint.owner_id == user.pk:
        possible = [t for t in possible if t.name not in (Move.TAKE_OVER, Move.TAKE_ON)]
    elif not may_take_on(complaint, user):
        possible = [t for t in possible if t.name != Move.TAKE_ON]
    if not is_with_group(complaint):
        possible = [t for t in possible if t.name != Move.SEND_BACK]
    if not complaint.preventive_action or prevention_waits(complaint):
        # Nothing to verify yet (the move would only be refused): not offered.
        possible = [t for t in possible if t.name != Move.VERIFY_PREVENTION]
    return possible


@dataclass(frozen=True)
class NextStep:
    label: str
    roles: list[str]  # the labels of the roles that make it


# The moves that take a case forward, in the procedure's order (not park, merge, withdraw).
FORWARD_MOVES = (
    Move.CONFIRM,
    Move.START_INVESTIGATION,
    Move.PROPOSE_SOLUTION,
    Move.APPROVE_COMPENSATION,
    Move.ACCEPT_SOLUTION,
    Move.RESOLVE,
    Move.VERIFY,
    Move.CLOSE,
)


def next_steps_by_others(complaint: Complaint, user: User) -> list[NextStep]:
    """When this user cannot take the case forward, the steps that do and who makes them (a
    handling manager who resolved a case reads that the callback specialist or the customer
    director verifies it with the customer, and the director closes it)."""
    mine = {t.name for t in transitions_for(complaint, user)}
    if mine & set(FORWARD_MOVES):
        return []
    return [
        NextStep(str(t.label), [str(Role(r).label) for r in Role.values if r in t.roles])
        for name in FORWARD_MOVES
        if complaint.state in (t := TRANSITIONS[name]).sources
    ]


def today() -> date:
    """The local date the date rules compare with (one place, so tests can move it)."""
    return timezone.localdate()


def prevention_verify_default(on: date | None = None) -> date:
    """When a preventive action recorded on `on` (default today) may be verified: after
    KESU_PREVENTION_VERIFY_AFTER_DAYS, the time for the problem to come back if it will."""
    return (on or today()) + timedelta(days=settings.KESU_PREVENTION_VERIFY_AFTER_DAYS)


def prevention_waits(complaint: Complaint) -> bool:
    """The preventive action's verification date has not come yet."""
    verify_on = complaint.preventive_verify_on
    return verify_on is not None and today() < verify_on


def is_with_group(complaint: Complaint) -> bool:
    """Escalated to the group, or held by the group customer centre."""
    return complaint.escalation_level >= EscalationLevel.GROUP or (
        complaint.owner_id is not None and complaint.owner.role == Role.GROUP
    )


# The roles that can hold a complaint and work it: those with a move of their own besides
# handing it over (which its owner always has). A case handed to any other role (the group
# customer centre, the administrator) would sit with someone who cannot move it on.
CASE_WORKING_ROLES = frozenset().union(
    *(t.roles for t in TRANSITIONS.values() if t.name != Move.HAND_OVER)
)


@dataclass(frozen=True)
class Approvers:
    role: str
    role_label: str
    users: list


def who_may_approve(complaint: Complaint) -> list[Approvers]:
    """The roles whose compensation limit covers the complaint's amount, with their active users
    in its branch (or organisation-wide); for telling someone below the limit whom to ask."""
    roles = TRANSITIONS[Move.APPROVE_COMPENSATION].roles
    configured = dict(
        CompensationLimit.objects.filter(
            organisation_id=complaint.organisation_id, role__in=roles
        ).values_list("role", "max_amount")
    )
    amount = complaint.compensation_amount or Decimal("0")
    covering = []
    for role in Role.values:  # lowest role first
        if role not in roles:
            continue
        limit = configured[role] if role in configured else DEFAULT_COMPENSATION_LIMITS.get(role)
        if limit is None or amount <= limit:
            covering.append(role)
    users = list(
        User.objects.filter(
            organisation_id=complaint.organisation_id, role__in=covering, is_active=True
        )
        .filter(models.Q(branch_id=complaint.branch_id) | models.Q(branch__isnull=True))
        .order_by("pk")[:50]
    )
    return [
        Approvers(role, str(Role(role).label), [u for u in users if u.role == role])
        for role in covering
    ]


class ChecklistIncomplete(DomainError):
    """A move refused because checklist items the organisation requires are not ticked."""

    status_code = 400
    default_code = "checklist_incomplete"

    def __init__(self, action_label, items: list[str]):
        self.items = items
        # The structured part of the error: the missing items by their checklist text.
        self.fields = {"checklist": [ITEM_TEXT[code] for code in items]}
        super().__init__(
            _("Before “%(action)s”, tick these checklist items: %(items)s."),
            params={"action": action_label, "items": ItemList(items)},
        )


# The moves the group customer centre makes on a case it owns (taken over, or registered by
# it): it works the case as a branch's handling manager would. Elsewhere it only takes cases
# over, sends them back and hands them on; deciding on compensation stays with the branch.
GROUP_OWNER_MOVES = frozenset(
    {
        Move.CONFIRM,
        Move.START_INVESTIGATION,
        Move.PROPOSE_SOLUTION,
        Move.ACCEPT_SOLUTION,
        Move.DECLINE_SOLUTION,
        Move.RESOLVE,
        Move.PARK,
        Move.RESUME,
        Move.RECORD_ROOT_CAUSE,
    }
)


def _owner_may(t: Transition, complaint: Complaint, user: User) -> bool:
    """A move the user may make as the case's owner, beyond what their role allows."""
    if complaint.owner_id != user.pk:
        return False
    # First-contact ownership: whoever owns the case may always pass it on.
    return t.name == Move.HAND_OVER or (user.role == Role.GROUP and t.name in GROUP_OWNER_MOVES)


class _Move:
    """The complaint being moved, and a record of what the move changed."""

    def __init__(self, complaint: Complaint):
        self.complaint = complaint
        self.changes: dict[str, list] = {}
        self.data: dict = {}

    def set(self, **fields) -> None:
        for name, value in fields.items():
            old = getattr(self.complaint, name)
            if old != value:
                self.changes[name] = [old, value]
                setattr(self.complaint, name, value)


@contextmanager
def _move(
    complaint_id: int, actor: User, name: str, expected_version: int | None = None
) -> Iterator[_Move]:
    transition = TRANSITIONS[name]
    with transaction.atomic():
        try:
            complaint = complaints_visible_to(actor).select_for_update().get(pk=complaint_id)
        except Complaint.DoesNotExist:
            raise NotFound() from None
        if expected_version is not None and complaint.version != expected_version:
            raise StaleVersion()
        if actor.role not in transition.roles and not _owner_may(transition, complaint, actor):
            raise NotAllowed(
                _("A %(role)s may not do “%(action)s”."),
                code="role_not_allowed",
                params={"role": actor.get_role_display(), "action": transition.label},
            )
        if complaint.state not in transition.sources:
            raise InvalidState(
                _("“%(action)s” is not possible while the complaint is “%(state)s”."),
                code="invalid_state",
                params={"action": transition.label, "state": complaint.get_state_display()},
            )
        missing = missing_items(complaint, name)
        if missing:
            raise ChecklistIncomplete(transition.label, missing)
        move = _Move(complaint)
        from_state = complaint.state
        yield move
        if transition.target is not None and "state" not in move.changes:
            move.set(state=transition.target)
        if "owner" in move.changes:
            # The timeline says whose the case was and whose it is now, by name.
            move.data["owners"] = [str(o) if o is not None else "" for o in move.changes["owner"]]
        complaint.version += 1
        fields = [*move.changes, "version", "updated_at"]
        fields += search_refresh(complaint, move.changes, move.data)  # summary, reasons: searchable
        complaint.save(update_fields=fields)
        audit_record(
            organisation_id=complaint.organisation_id,
            actor=actor,
            action=name,
            obj=complaint,
            complaint_id=complaint.pk,
            data={
                "from": from_state,
                "to": complaint.state,
                "changes": {k: [_code(v[0]), _code(v[1])] for k, v in move.changes.items()},
                **move.data,
            },
        )
        hooks.after_move(complaint, name, actor)  # sla's deadlines, then callbacks' tasks
        hooks.move_recorded(complaint, name, actor, move.changes, move.data)  # notifications


def _code(value):
    return value.pk if hasattr(value, "pk") else value


def _require(**fields) -> None:
    missing = {
        name: _("This field is required.") for name, value in fields.items() if value in (None, "")
    }
    if missing:
        raise ValidationError(missing)


def _check_choice(field: str, value: str, choices) -> None:
    if value not in choices.values:
        raise ValidationError({field: _("“%(value)s” is not a valid choice.") % {"value": value}})


# ---- Stage 1: accept -----------------------------------------------------------------------


def complaint_confirm(
    *,
    complaint_id: int,
    actor: User,
    method: str,
    note: str = "",
    expected_version: int | None = None,
) -> Complaint:
    """The customer confirmed the record as read back to them (signature or recorded consent)."""
    _check_choice("method", method, ConfirmationMethod)
    with _move(complaint_id, actor, Move.CONFIRM, expected_version) as m:
        m.set(confirmation_method=method, confirmed_at=timezone.now())
        m.data["note"] = note
    return m.complaint


def complaint_hand_over(
    *,
    complaint_id: int,
    actor: User,
    to_user: User | None = None,
    department: Department | None = None,
    note: str = "",
    expected_version: int | None = None,
) -> Complaint:
    """Pass ownership (and/or the handling department) on; first-contact ownership ends here."""
    if to_user is None and department is None:
        raise ValidationError({"to_user": _("Name the new owner or the handling department.")})
    with _move(complaint_id, actor, Move.HAND_OVER, expected_version) as m:
        branch_id = m.complaint.branch_id
        if to_user is not None and (
            to_user.organisation_id != m.complaint.organisation_id
            or (to_user.branch_id != branch_id and not to_user.sees_whole_organisation)
            or not to_user.is_active
        ):
            raise ValidationError(
                {"to_user": _("The new owner must be an active user of this branch.")}
            )
        if to_user is not None and to_user.role not in CASE_WORKING_ROLES:
            raise ValidationError(
                {
                    "to_user": _(
                        "The new owner's role cannot work a complaint; choose someone who can."
                    )
                }
            )
        if department is not None and department.branch_id != branch_id:
            raise ValidationError(
                {"department": _("The department must belong to this complaint's branch.")}
            )
        if to_user is not None:
            m.set(owner=to_user)
        elif department is not None and department.pk != m.complaint.department_id:
            # To a department, nobody named: it waits for that department's managers (their
            # "waiting for me"), no longer with whoever had it.
            m.set(owner=None)
        if department is not None:
            m.set(department=department)
        elif to_user is not None and to_user.department_id:
            m.set(department_id=to_user.department_id)
        m.data["note"] = note
    return m.complaint


# ---- Stage 2 and 3: clarify and resolve ------------------------------------------------------


def complaint_start_investigation(
    *, complaint_id: int, actor: User, note: str = "", expected_version: int | None = None
) -> Complaint:
    with _move(complaint_id, actor, Move.START_INVESTIGATION, expected_version) as m:
        if m.complaint.owner_id is None or m.complaint.owner.role in FIRST_CONTACT_ROLES:
            # The handling manager who starts the investigation takes the case over.
            m.set(owner=actor)
        if m.complaint.department_id is None and actor.department_id:
            m.set(department_id=actor.department_id)
        m.data["note"] = note
    return m.complaint


def complaint_propose_solution(
    *,
    complaint_id: int,
    actor: User,
    solution: str,
    resolvability: str = Resolvability.NOW,
    solution_due_on: date | None = None,
    compensation_type: str = "",
    compensation_amount: Decimal | None = None,
    expected_version: int | None = None,
) -> Complaint:
    """Propose a solution; compensation above the actor's limit waits for someone who may grant it."""
    _require(solution=(solution or "").strip())
    _check_choice("resolvability", resolvability, Resolvability)
    if compensation_type:
        _check_choice("compensation_type", compensation_type, CompensationType)
    if compensation_amount is not None and compensation_amount < 0:
        raise ValidationError({"compensation_amount": _("The amount cannot be negative.")})
    if solution_due_on is not None and solution_due_on < timezone.localdate():
        raise ValidationError(
            {"solution_due_on": _("The date the solution is carried out by cannot be past.")}
        )
    if compensation_amount and not compensation_type:
        raise ValidationError(
            {"compensation_type": _("Say what kind of compensation the amount is for.")}
        )
    with _move(complaint_id, actor, Move.PROPOSE_SOLUTION, expected_version) as m:
        m.set(
            solution=solution.strip(),
            resolvability=resolvability,
            solution_due_on=solution_due_on,
            compensation_type=compensation_type,
            compensation_amount=compensation_amount,
        )
        if may_grant(actor, compensation_amount):
            if compensation_amount:
                m.set(compensation_approved_by=actor, compensation_approved_at=timezone.now())
        else:
            m.set(
                state=State.AWAITING_APPROVAL,
                compensation_approved_by=None,
                compensation_approved_at=None,
            )
    return m.complaint


def complaint_approve_compensation(
    *, complaint_id: int, actor: User, note: str = "", expected_version: int | None = None
) -> Complaint:
    with _move(complaint_id, actor, Move.APPROVE_COMPENSATION, expected_version) as m:
        _check_limit(actor, m.complaint.compensation_amount)
        m.set(compensation_approved_by=actor, compensation_approved_at=timezone.now())
        m.data["note"] = note
    return m.complaint


def complaint_reject_compensation(
    *, complaint_id: int, actor: User, reason: str, expected_version: int | None = None
) -> Complaint:
    _require(reason=(reason or "").strip())
    with _move(complaint_id, actor, Move.REJECT_COMPENSATION, expected_version) as m:
        _check_limit(actor, m.complaint.compensation_amount)
        m.data["reason"] = reason.strip()
    return m.complaint


def _check_limit(actor: User, amount: Decimal | None) -> None:
    if not may_grant(actor, amount):
        raise NotAllowed(
            _("The compensation of %(amount)s yuan is above your approval limit."),
            code="over_limit",
            params={"amount": amount},
        )


def complaint_accept_solution(
    *, complaint_id: int, actor: User, note: str = "", expected_version: int | None = None
) -> Complaint:
    """The customer agreed to the proposed solution; the back office carries it out."""
    with _move(complaint_id, actor, Move.ACCEPT_SOLUTION, expected_version) as m:
        m.data["note"] = note
    return m.complaint


def complaint_decline_solution(
    *,
    complaint_id: int,
    actor: User,
    reason: str,
    escalate: bool = False,
    expected_version: int | None = None,
) -> Complaint:
    _require(reason=(reason or "").strip())
    with _move(complaint_id, actor, Move.DECLINE_SOLUTION, expected_version) as m:
        if escalate and m.complaint.escalation_level < EscalationLevel.CUSTOMER_DIRECTOR:
            m.set(escalation_level=EscalationLevel.CUSTOMER_DIRECTOR)
        m.data["reason"] = reason.strip()
    return m.complaint


def complaint_resolve(
    *, complaint_id: int, actor: User, result: str, expected_version: int | None = None
) -> Complaint:
    """The solution has been carried out and the customer told the result."""
    _require(result=(result or "").strip())
    with _move(complaint_id, actor, Move.RESOLVE, expected_version) as m:
        m.set(resolved_at=timezone.now())
        m.data["result"] = result.strip()
    return m.complaint


# ---- Stage 4: follow up ----------------------------------------------------------------------


def complaint_verify(
    *,
    complaint_id: int,
    actor: User,
    satisfaction: str,
    note: str = "",
    expected_version: int | None = None,
) -> Complaint:
    """The satisfaction callback after resolution found the customer content."""
    _check_choice("satisfaction", satisfaction, Satisfaction)
    if satisfaction == Satisfaction.DISSATISFIED:
        raise ValidationError(
            {"satisfaction": _("A dissatisfied customer's case is reopened, not verified.")}
        )
    with _move(complaint_id, actor, Move.VERIFY, expected_version) as m:
        m.set(satisfaction=satisfaction)
        m.data["note"] = note
    return m.complaint


def complaint_close(
    *,
    complaint_id: int,
    actor: User,
    summary: str = "",
    share_as_lesson: bool = False,
    lesson_title: str = "",
    lesson_advice: str = "",
    expected_version: int | None = None,
) -> Complaint:
    """The case is done. Its closer may share it as a lesson (DOMAIN §6): a short title, the
    case summary as its text and what to do differently; the lessons app stores it in the same
    transaction (hooks.closed_with_lesson), so a refused lesson refuses the close too."""
    with transaction.atomic():
        with _move(complaint_id, actor, Move.CLOSE, expected_version) as m:
            required = requirements(m.complaint.organisation_id, [Move.CLOSE]).get(Move.CLOSE, [])
            if "summary" in required and not (summary or "").strip():
                # A ticked "wrote a case summary" is not a summary: the close carries the text.
                raise ValidationError(
                    {"summary": _("Write the case summary: it is required before closing.")}
                )
            if share_as_lesson:
                _check_lesson(summary, lesson_title, lesson_advice)
            m.set(closed_at=timezone.now(), close_reason=CloseReason.COMPLETED)
            m.data["summary"] = summary
        if share_as_lesson:
            hooks.closed_with_lesson(
                m.complaint,
                actor,
                title=lesson_title.strip(),
                text=(summary or "").strip(),
                advice=(lesson_advice or "").strip(),
            )
    return m.complaint


def _check_lesson(summary: str, title: str, advice: str) -> None:
    """A lesson shared at the close has a title and something to learn from."""
    errors: dict[str, list] = {}
    if not (title or "").strip():
        errors["lesson_title"] = [_("Give the lesson a short title.")]
    if not (summary or "").strip() and not (advice or "").strip():
        errors["lesson_advice"] = [_("A lesson needs the case summary or what to do differently.")]
    errors.update(
        length_errors(
            lesson_title=((title or "").strip(), limits.LESSON_TITLE),
            lesson_advice=((advice or "").strip(), limits.TEXT),
        )
    )
    if errors:
        raise ValidationError(errors)


def complaint_reopen(
    *, complaint_id: int, actor: User, reason: str, expected_version: int | None = None
) -> Complaint:
    """The customer is still unsatisfied: the case opens again and goes to the general manager."""
    _require(reason=(reason or "").strip())
    with _move(complaint_id, actor, Move.REOPEN, expected_version) as m:
        complaint = m.complaint
        general_manager = (
            User.objects.filter(
                organisation_id=complaint.organisation_id,
                branch_id=complaint.branch_id,
                role=Role.GENERAL_MANAGER,
                is_active=True,
            )
            .order_by("pk")
            .first()
        )
        m.set(
            escalation_level=max(complaint.escalation_level, EscalationLevel.GENERAL_MANAGER),
            satisfaction=Satisfaction.DISSATISFIED,
            reopen_count=complaint.reopen_count + 1,
            resolved_at=None,
            closed_at=None,
            close_reason="",
        )
        if general_manager is not None:
            m.set(owner=general_manager)
        m.data["reason"] = reason.strip()
    return m.complaint


# ---- Side roads ------------------------------------------------------------------------------


def complaint_park(
    *,
    complaint_id: int,
    actor: User,
    reason: str,
    follow_up_on: date,
    expected_version: int | None = None,
) -> Complaint:
    """Not solvable for now: the reason is what the customer is told; follow up on a date."""
    _require(reason=(reason or "").strip(), follow_up_on=follow_up_on)
    if follow_up_on <= timezone.localdate():
        raise ValidationError({"follow_up_on": _("The follow-up date must be in the future.")})
    with _move(complaint_id, actor, Move.PARK, expected_version) as m:
        m.set(
            resolvability=Resolvability.NOT_FOR_NOW,
            not_solvable_reason=reason.strip(),
            follow_up_on=follow_up_on,
        )
    return m.complaint


def complaint_resume(
    *, complaint_id: int, actor: User, note: str = "", expected_version: int | None = None
) -> Complaint:
    with _move(complaint_id, actor, Move.RESUME, expected_version) as m:
        m.set(follow_up_on=None)
        m.data["note"] = note
    return m.complaint


def complaint_merge(
    *,
    complaint_id: int,
    actor: User,
    into_id: int | None = None,
    into_number: str = "",
    expected_version: int | None = None,
) -> Complaint:
    """A duplicate is merged into the complaint that carries on, named by number (or id).

    The survivor keeps the higher severity and the crisis flag of the two; both timelines
    record the merge.
    """
    _require(into=into_number or into_id)
    with _move(complaint_id, actor, Move.MERGE, expected_version) as m:
        duplicate = m.complaint
        survivor = _merge_target(actor, duplicate, into_id, into_number)
        m.set(merged_into=survivor, closed_at=timezone.now(), close_reason=CloseReason.MERGED)
        m.data["into"] = survivor.number
        m.data["into_id"] = survivor.pk
        taken = {}
        if SEVERITY_RANK.get(duplicate.severity, 0) > SEVERITY_RANK.get(survivor.severity, 0):
            taken["severity"] = [survivor.severity, duplicate.severity]
            survivor.severity = duplicate.severity
        if duplicate.is_crisis and not survivor.is_crisis:
            taken["is_crisis"] = [False, True]
            survivor.is_crisis = True
        if taken:
            survivor.version += 1
            survivor.save(update_fields=[*taken, "version", "updated_at"])
        audit_record(
            organisation_id=survivor.organisation_id,
            actor=actor,
            action=ComplaintAction.MERGED_IN,
            obj=survivor,
            complaint_id=survivor.pk,
            data={
                "duplicate": duplicate.number,
                "duplicate_id": duplicate.pk,
                "changes": taken,
            },
        )
    return m.complaint


def _merge_target(actor: User, duplicate: Complaint, into_id, into_number: str) -> Complaint:
    visible = complaints_visible_to(actor).select_for_update()
    if into_number:
        number = into_number.strip().upper()
        survivor = visible.filter(organisation_id=duplicate.organisation_id, number=number).first()
    else:
        number = str(into_id)
        survivor = visible.filter(pk=into_id).first()
    if survivor is None:
        raise ValidationError(
            {"into": _("There is no complaint “%(number)s” that you can see.") % {"number": number}}
        )
    if survivor.pk == duplicate.pk:
        raise ValidationError({"into": _("A complaint cannot be merged into itself.")})
    if survivor.customer_id != duplicate.customer_id:
        raise ValidationError(
            {
                "into": _(
                    "%(number)s is another customer's complaint; only complaints of the same customer can be merged."
                )
                % {"number": survivor.number}
            }
        )
    if survivor.state not in OPEN_STATES:
        raise ValidationError(
            {
                "into": _("%(number)s is “%(state)s”; merge only into an open complaint.")
                % {"number": survivor.number, "state": survivor.get_state_display()}
            }
        )
    return survivor


def complaint_withdraw(
    *, complaint_id: int, actor: User, reason: str, expected_version: int | None = None
) -> Complaint:
    _require(reason=(reason or "").strip())
    with _move(complaint_id, actor, Move.WITHDRAW, expected_version) as m:
        m.set(
            closed_at=timezone.now(),
            close_reason=CloseReason.WITHDRAWN,
            close_note=reason.strip(),
        )
    return m.complaint


def complaint_escalate(
    *, complaint_id: int, actor: User, level: int, reason: str, expected_version: int | None = None
) -> Complaint:
    _require(reason=(reason or "").strip())
    if level not in EscalationLevel.values:
        raise ValidationError({"level": _("“%(value)s” is not a valid choice.") % {"value": level}})
    with _move(complaint_id, actor, Move.ESCALATE, expected_version) as m:
        if level <= m.complaint.escalation_level:
            raise ValidationError({"level": _("Escalation only goes up.")})
        m.set(escalation_level=level)
        m.data["reason"] = reason.strip()
    return m.complaint


def may_take_on(complaint: Complaint, user: User) -> bool:
    """A handling manager takes on only the cases of their own department."""
    return user.role != Role.HANDLER or (
        user.department_id is not None and complaint.department_id == user.department_id
    )


def complaint_take_on(
    *, complaint_id: int, actor: User, note: str = "", expected_version: int | None = None
) -> Complaint:
    """The actor becomes the case's owner (from whoever took it in, or held it before)."""
    with _move(complaint_id, actor, Move.TAKE_ON, expected_version) as m:
        if m.complaint.owner_id == actor.pk:
            raise InvalidState(_("You already handle this complaint."), code="already_owner")
        if not may_take_on(m.complaint, actor):
            raise NotAllowed(
                _("A handling manager takes on only the complaints of their own department."),
                code="other_department",
            )
        m.set(owner=actor)
        if m.complaint.department_id is None and actor.department_id:
            m.set(department_id=actor.department_id)
        m.data["note"] = note
    return m.complaint


def complaint_take_over(
    *, complaint_id: int, actor: User, note: str = "", expected_version: int | None = None
) -> Complaint:
    """The group customer centre takes a case over: it owns it, at the group's level."""
    with _move(complaint_id, actor, Move.TAKE_OVER, expected_version) as m:
        m.set(owner=actor)
        if m.complaint.escalation_level < EscalationLevel.GROUP:
            m.set(escalation_level=EscalationLevel.GROUP)
        m.data["note"] = note
    return m.complaint


def complaint_send_back(
    *, complaint_id: int, actor: User, instructions: str, expected_version: int | None = None
) -> Complaint:
    """The group returns a case to its branch with instructions: to whoever held it before the
    group took it over (else the branch's general manager), at the general manager's level."""
    _require(instructions=(instructions or "").strip())
    with _move(complaint_id, actor, Move.SEND_BACK, expected_version) as m:
        complaint = m.complaint
        if not is_with_group(complaint):
            raise InvalidState(
                _("Only a complaint escalated to the group or held by it can be sent back."),
                code="not_with_group",
            )
        if complaint.owner_id is None or complaint.owner.role == Role.GROUP:
            back_to = _owner_before_group(complaint)
            if back_to is not None:
                m.set(owner=back_to)
        m.set(escalation_level=EscalationLevel.GENERAL_MANAGER)
        m.data["instructions"] = instructions.strip()
    return m.complaint


def _owner_before_group(complaint: Complaint) -> User | None:
    """Who held the case before the group took it over, if still active; else the branch's
    general manager."""
    taken = (
        AuditEntry.objects.filter(complaint_id=complaint.pk, action=Move.TAKE_OVER)
        .order_by("-id")
        .values_list("data", flat=True)
        .first()
    )
    before = (taken or {}).get("changes", {}).get("owner", [None])[0]
    user = (
        User.objects.filter(
            pk=before,
            organisation_id=complaint.organisation_id,
            branch_id=complaint.branch_id,
            is_active=True,
        ).first()
        if before
        else None
    )
    if user is not None:
        return user
    managers = branch_people(complaint.organisation_id, complaint.branch_id, Role.GENERAL_MANAGER)
    return managers[0] if managers else None


def complaint_set_deadline(
    *, complaint_id: int, actor: User, due_at, reason: str, expected_version: int | None = None
) -> Complaint:
    _require(due_at=due_at, reason=(reason or "").strip())
    if isinstance(due_at, datetime) and timezone.is_naive(due_at):
        due_at = timezone.make_aware(due_at)
    if isinstance(due_at, datetime) and due_at <= timezone.now():
        # A deadline already past would count the case met or overdue at once.
        raise ValidationError({"due_at": _("The due time cannot be in the past.")})
    with _move(complaint_id, actor, Move.SET_DEADLINE, expected_version) as m:
        m.set(due_at=due_at)
        m.data["reason"] = reason.strip()
    return m.complaint


def complaint_override_severity(
    *,
    complaint_id: int,
    actor: User,
    severity: str,
    reason: str,
    is_crisis: bool | None = None,
    expected_version: int | None = None,
) -> Complaint:
    _check_choice("severity", severity, Severity)
    _require(reason=(reason or "").strip())
    with _move(complaint_id, actor, Move.OVERRIDE_SEVERITY, expected_version) as m:
        m.set(severity=severity, severity_override_reason=reason.strip())
        if is_crisis is not None:
            m.set(is_crisis=is_crisis)  # False clears a false alarm; the reason says why
        m.data["reason"] = reason.strip()  # on the timeline
    return m.complaint


def complaint_record_root_cause(
    *,
    complaint_id: int,
    actor: User,
    root_cause: str | None = None,
    corrective_action: str | None = None,
    preventive_action: str | None = None,
    responsibility: str | None = None,
    preventive_verify_on: date | None = None,
    expected_version: int | None = None,
) -> Complaint:
    """Why it happened, what was corrected, how it will not happen again (stage 4).

    A preventive action gets the day from which it may be verified: `preventive_verify_on`,
    after today, or by default KESU_PREVENTION_VERIFY_AFTER_DAYS from today; a changed preventive
    action starts its wait again, a cleared one has none.
    """
    if responsibility:
        _check_choice("responsibility", responsibility, Responsibility)
    if preventive_verify_on is not None and preventive_verify_on <= today():
        raise ValidationError(
            {
                "preventive_verify_on": _(
                    "Choose a day after today: the verification needs time to show whether "
                    "the problem comes back."
                )
            }
        )
    given = {
        k: v.strip() if isinstance(v, str) else v
        for k, v in {
            "root_cause": root_cause,
            "corrective_action": corrective_action,
            "preventive_action": preventive_action,
            "responsibility": responsibility,
        }.items()
        if v is not None
    }
    if not given and preventive_verify_on is None:
        raise ValidationError(
            {"root_cause": _("Give at least one of root cause, corrective or preventive action.")}
        )
    with _move(complaint_id, actor, Move.RECORD_ROOT_CAUSE, expected_version) as m:
        m.set(**given)
        changed = "preventive_action" in m.changes
        m.set(preventive_verify_on=_verify_on(m.complaint, changed, preventive_verify_on))
    return m.complaint


def _verify_on(complaint: Complaint, action_changed: bool, chosen: date | None) -> date | None:
    """The preventive action's verification date after a root-cause move."""
    if not complaint.preventive_action:
        if chosen is not None:
            raise ValidationError(
                {"preventive_verify_on": _("Record the preventive action to be verified.")}
            )
        return None
    if chosen is not None:
        return chosen
    if action_changed:
        return prevention_verify_default()
    return complaint.preventive_verify_on  # cases from before the rule keep none


def complaint_verify_prevention(
    *, complaint_id: int, actor: User, verification: str, expected_version: int | None = None
) -> Complaint:
    """Later: did the preventive action work? Recorded by a director, from the verification
    date on (`preventive_verify_on`)."""
    _require(verification=(verification or "").strip())
    with _move(complaint_id, actor, Move.VERIFY_PREVENTION, expected_version) as m:
        if not m.complaint.preventive_action:
            raise ValidationError({"verification": _("Record a preventive action first.")})
        if prevention_waits(m.complaint):
            raise InvalidState(
                _(
                    "The preventive action can be verified from %(date)s on: until then it "
                    "is too early to tell whether the problem comes back."
                ),
                code="too_early",
                params={"date": m.complaint.preventive_verify_on.isoformat()},
            )
        m.set(
            preventive_verification=verification.strip(),
            preventive_verified_at=timezone.now(),
            preventive_verified_by=actor,
        )
    return m.complaint
