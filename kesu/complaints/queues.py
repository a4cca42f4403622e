"""Work queues: what a user should look at first (the "my work" page). Reads only."""

from dataclasses import dataclass
from datetime import UTC, datetime

from django.db.models import Count, F, Q, QuerySet, Value
from django.db.models.functions import Coalesce
from django.utils import timezone

from kesu.complaints.choices import OPEN_STATES, WAITING_STATES, EscalationLevel, Move
from kesu.complaints.models import Complaint, ComplaintMember
from kesu.complaints.people import unmanaged_departments
from kesu.complaints.selectors import DUE_SOON, complaint_rows
from kesu.complaints.workflow import FIRST_CONTACT_ROLES, GROUP_OWNER_MOVES, TRANSITIONS
from kesu.organisation.choices import Role
from kesu.organisation.services import compensation_limit_for

RUNNING_STATES = OPEN_STATES - WAITING_STATES
# The forward moves of the procedure; who makes them comes from TRANSITIONS.
FORWARD_MOVES = (
    Move.CONFIRM,
    Move.START_INVESTIGATION,
    Move.PROPOSE_SOLUTION,
    Move.ACCEPT_SOLUTION,
    Move.DECLINE_SOLUTION,
    Move.RESOLVE,
    Move.VERIFY,
    Move.CLOSE,
    Move.RESUME,
)


def _next_step_roles() -> dict[str, frozenset]:
    """By the state that waits for a forward move: the roles that may make it."""
    roles: dict[str, frozenset] = {}
    for move in FORWARD_MOVES:
        for state in TRANSITIONS[move].sources:
            roles[state] = roles.get(state, frozenset()) | TRANSITIONS[move].roles
    return roles


NEXT_STEP_ROLES = _next_step_roles()

# The moves that finish a case are made for the whole branch, not only by the case's owner:
# whoever may make one sees every case of the branch waiting for it.
BRANCH_WIDE_MOVES = (Move.VERIFY, Move.CLOSE)


def _branch_wide_states() -> dict[str, frozenset]:
    """By role: the states of the branch's cases that wait for one of its branch-wide moves."""
    states: dict[str, frozenset] = {}
    for move in BRANCH_WIDE_MOVES:
        for role in TRANSITIONS[move].roles:
            states[role] = states.get(role, frozenset()) | TRANSITIONS[move].sources
    return states


BRANCH_WIDE_STATES = _branch_wide_states()
GROUP_WORKING_STATES = sorted(
    frozenset().union(
        *(TRANSITIONS[m].sources for m in GROUP_OWNER_MOVES if TRANSITIONS[m].target is not None)
    )
)
# Roles that answer for the whole branch, not only for the cases they own.
BRANCH_WIDE_ROLES = frozenset(BRANCH_WIDE_STATES)


@dataclass
class Queue:
    code: str
    items: QuerySet
    count: int


# Sorting on an expression keeps PostgreSQL from walking the whole due-date index (closed
# cases keep theirs) looking for a user's few open ones: it filters by owner or branch and
# state through their indexes and sorts the small result instead.
NO_DEADLINE = datetime(9999, 1, 1, tzinfo=UTC)


def _urgency(qs: QuerySet) -> QuerySet:
    """Most urgent first: the earliest deadline (so overdue cases lead), no deadline last."""
    return qs.order_by(Coalesce("due_at", Value(NO_DEADLINE)), "id")


def _routed_or_escalated_to(user, states: list[str]) -> Q:
    """Cases routed to the user's department and not yet taken on (still with whoever took
    them in, or nobody), and cases escalated to the user's level of the chain."""
    wanted = Q()  # nothing: OR-ed with the user's own cases, it adds none
    untaken = (
        Q(owner_id__isnull=True)
        | Q(owner__role__in=sorted(FIRST_CONTACT_ROLES))
        | Q(owner_id=F("registered_by_id"))
    )
    if user.role == Role.HANDLER and user.department_id:
        wanted |= Q(department_id=user.department_id, state__in=states) & untaken
    if user.role == Role.DIRECTOR:
        # The director stands in for the managers of a department that has none.
        unmanaged = unmanaged_departments(user.branch_id)
        if unmanaged:
            wanted |= Q(department_id__in=unmanaged, state__in=states) & untaken
    level = ESCALATED_TO.get(user.role)
    if level is not None and user.branch_id:
        wanted |= Q(branch_id=user.branch_id, escalation_level=level, state__in=sorted(OPEN_STATES))
    return wanted


# The level of the escalation chain each branch role answers at.
ESCALATED_TO = {
    Role.DIRECTOR: EscalationLevel.CUSTOMER_DIRECTOR,
    Role.GENERAL_MANAGER: EscalationLevel.GENERAL_MANAGER,
}


def waiting_for_me(user) -> QuerySet[Complaint]:
    """Cases whose next step of the procedure is this user's to take."""
    states = [state for state, roles in NEXT_STEP_ROLES.items() if user.role in roles]
    scope = complaint_rows(user)
    mine = Q(owner_id=user.pk, state__in=states) | _routed_or_escalated_to(user, states)
    if user.role == Role.GROUP:
        # The cases the group customer centre owns and works itself.
        mine |= Q(owner_id=user.pk, state__in=GROUP_WORKING_STATES)
    if user.role in TRANSITIONS[Move.TAKE_OVER].roles:
        # Escalated to the group and not yet taken over by anyone of it.
        mine |= Q(escalation_level__gte=EscalationLevel.GROUP, state__in=sorted(OPEN_STATES)) & (
            Q(owner_id__isnull=True) | ~Q(owner__role__in=sorted(TRANSITIONS[Move.TAKE_OVER].roles))
        )
    if user.role in BRANCH_WIDE_ROLES:
        shared = Q(state__in=sorted(BRANCH_WIDE_STATES[user.role]))
        if user.branch_id:
            shared &= Q(branch_id=user.branch_id)
        mine |= shared
    if user.role in TRANSITIONS[Move.APPROVE_COMPENSATION].roles:
        limit = compensation_limit_for(user)
        approvals = Q(state__in=sorted(TRANSITIONS[Move.APPROVE_COMPENSATION].sources))
        # Name the column the scope rests on, so this branch of the OR has an index to use.
        if user.role == Role.HANDLER and user.department_id:
            approvals &= Q(department_id=user.department_id)
        elif user.branch_id:
            approvals &= Q(branch_id=user.branch_id)
        if limit is not None:
            approvals &= Q(compensation_amount__lte=limit)
        mine |= approvals
    return scope.filter(mine)


QUEUE_CODES = ("waiting", "assigned", "due_soon", "overdue", "team")


def queue_querysets(user) -> dict[str, QuerySet[Complaint]]:
    now = timezone.now()
    scope = complaint_rows(user)
    mine = scope.filter(owner_id=user.pk, state__in=OPEN_STATES)
    # Who answers for a branch (or, for the group, for all of them) watches all its deadlines;
    # others their own cases and those waiting for them to take on (routed to their department,
    # escalated to them), whose clock runs all the same.
    if user.role in BRANCH_WIDE_ROLES or user.sees_whole_organisation:
        watched = scope
    else:
        states = [state for state, roles in NEXT_STEP_ROLES.items() if user.role in roles]
        watched = scope.filter(
            Q(owner_id=user.pk) | _routed_or_escalated_to(user, states), state__in=OPEN_STATES
        )
    return {
        "waiting": waiting_for_me(user),
        "assigned": mine,
        "due_soon": watched.filter(
            state__in=RUNNING_STATES, due_at__gte=now, due_at__lt=now + DUE_SOON
        ),
        "overdue": watched.filter(state__in=RUNNING_STATES, due_at__lt=now),
        # Open cases the user is on the team of (co-handler, visiting team, watcher).
        "team": scope.filter(
            pk__in=ComplaintMember.objects.filter(user_id=user.pk).values("complaint_id"),
            state__in=OPEN_STATES,
        ),
    }


def my_queues(user, limit: int = 10) -> list[Queue]:
    return [
        Queue(code=code, items=_most_urgent(qs, limit), count=qs.count())
        for code, qs in queue_querysets(user).items()
    ]


def _most_urgent(qs: QuerySet, limit: int) -> list[Complaint]:
    """The first ids in order of urgency, then their rows: the joins run for `limit` rows only."""
    ids = list(_urgency(qs).values_list("id", flat=True)[:limit])
    rows = {c.pk: c for c in qs.filter(id__in=ids)}
    return [rows[i] for i in ids if i in rows]


@dataclass
class BranchLoad:
    branch_id: int
    name: str
    open: int
    overdue: int
    at_group: int


def branch_overview(user) -> list[BranchLoad]:
    """For who sees every branch (the group): each branch's open, overdue and escalated-to-
    the-group cases, in one grouped query over the open cases."""
    if not user.sees_whole_organisation or user.organisation_id is None:
        return []
    now = timezone.now()
    rows = (
        Complaint.objects.filter(organisation_id=user.organisation_id, state__in=OPEN_STATES)
        .values("branch_id", "branch__name")
        .annotate(
            open=Count("id"),
            overdue=Count("id", filter=Q(state__in=RUNNING_STATES, due_at__lt=now)),
            at_group=Count("id", filter=Q(escalation_level__gte=EscalationLevel.GROUP)),
        )
        .order_by("branch__name")
    )
    return [
        BranchLoad(r["branch_id"], r["branch__name"], r["open"], r["overdue"], r["at_group"])
        for r in rows
    ]
