"""Reads: who sees which emerging issue, the list (open first), one issue with its complaints
and its daily trend, and who may act on it."""

from datetime import date, timedelta

from django.db.models import Case, Exists, IntegerField, OuterRef, QuerySet, Value, When
from django.utils import timezone

from kesu.complaints.choices import Move
from kesu.complaints.models import Complaint
from kesu.complaints.selectors import complaints_visible_to
from kesu.complaints.workflow import TRANSITIONS
from kesu.core.errors import NotFound
from kesu.crises.selectors import LEADING_ROLES
from kesu.emerging.choices import State
from kesu.emerging.models import EmergingIssue, Membership
from kesu.improvements.selectors import may_create as may_create_improvement
from kesu.organisation.choices import ORGANISATION_WIDE_ROLES, Role
from kesu.organisation.models import User

# Who sees emerging issues: those who answer for a branch's or a department's complaints.
# Frontline staff and callback specialists register and call; they are not the ones to act.
READING_ROLES = frozenset(
    {Role.HANDLER, Role.DIRECTOR, Role.GENERAL_MANAGER, Role.GROUP, Role.ADMIN}
)
# Who decides what becomes of one: dismisses it. A crisis is started by those of them who also
# flag a complaint as a crisis (the severity override of the procedure): not the group.
DECIDING_ROLES = LEADING_ROLES
CRISIS_ROLES = LEADING_ROLES & TRANSITIONS[Move.OVERRIDE_SEVERITY].roles
STATE_FILTERS = ("", *State.values)
TREND_DAYS = 31
# The trend shows at least a week, so that a burst stands out against the days before it.
TREND_MIN_DAYS = 7


def may_read(user) -> bool:
    return bool(user.is_authenticated and user.organisation_id and user.role in READING_ROLES)


def issues_visible_to(user) -> QuerySet[EmergingIssue]:
    """The group and administrators see every issue of the organisation; a branch's customer
    director and general manager those with a complaint of their branch; a handling manager
    those their department owns."""
    qs = EmergingIssue.objects.all()
    if not may_read(user):
        return qs.none()
    qs = qs.filter(organisation_id=user.organisation_id)
    if user.role in ORGANISATION_WIDE_ROLES:
        return qs
    if user.role == Role.HANDLER:
        return qs.filter(department_id=user.department_id) if user.department_id else qs.none()
    if user.branch_id:
        mine = Membership.objects.filter(issue_id=OuterRef("pk"), branch_id=user.branch_id)
        return qs.filter(Exists(mine))
    return qs.none()


def issue_list(user: User, *, state: str = "") -> QuerySet[EmergingIssue]:
    """Open ones first, then the newest."""
    qs = issues_visible_to(user)
    if state:
        qs = qs.filter(state=state)
    return (
        qs.select_related("branch", "category", "department")
        .annotate(
            open_first=Case(
                When(state=State.OPEN, then=Value(0)), default=Value(1), output_field=IntegerField()
            )
        )
        .order_by("open_first", "-last_seen", "-id")
    )


def open_issues_for_home(user: User, limit: int) -> list[EmergingIssue]:
    if not may_read(user) or user.role == Role.HANDLER and not user.department_id:
        return []
    return list(issue_list(user, state=State.OPEN)[:limit])


def issue_get(user: User, pk) -> EmergingIssue:
    try:
        return (
            issues_visible_to(user)
            .select_related("branch", "category", "department", "improvement", "crisis")
            .get(pk=pk)
        )
    except (EmergingIssue.DoesNotExist, ValueError, TypeError):
        raise NotFound() from None


def issue_complaints(user: User, issue: EmergingIssue) -> QuerySet[Complaint]:
    """The issue's complaints the user may open, oldest first."""
    ids = Membership.objects.filter(issue_id=issue.pk).values("complaint_id")
    return (
        complaints_visible_to(user)
        .filter(pk__in=ids)
        .select_related("branch", "purchase")
        .order_by("received_at", "id")
    )


def trend(issue: EmergingIssue, today: date | None = None) -> list[tuple[date, int]]:
    """Complaints per day up to the last one, from the first (at least TREND_MIN_DAYS days, at
    most TREND_DAYS)."""
    days: dict[date, int] = {}
    for received in Membership.objects.filter(issue_id=issue.pk).values_list(
        "received_at", flat=True
    ):
        day = timezone.localdate(received)
        days[day] = days.get(day, 0) + 1
    if not days:
        return []
    last = max(days)
    first = min(min(days), last - timedelta(days=TREND_MIN_DAYS - 1))
    first = max(first, last - timedelta(days=TREND_DAYS - 1))
    return [
        (first + timedelta(days=i), days.get(first + timedelta(days=i), 0))
        for i in range((last - first).days + 1)
    ]


def _leads(user, issue: EmergingIssue, roles=DECIDING_ROLES) -> bool:
    if user.role not in roles or user.organisation_id != issue.organisation_id:
        return False
    if user.role == Role.GROUP:
        return True
    return (
        bool(user.branch_id)
        and Membership.objects.filter(issue_id=issue.pk, branch_id=user.branch_id).exists()
    )


def may_dismiss(user: User, issue: EmergingIssue) -> bool:
    return issue.state == State.OPEN and _leads(user, issue)


def may_start_crisis(user: User, issue: EmergingIssue) -> bool:
    return (
        issue.state != State.DISMISSED
        and issue.crisis_id is None
        and _leads(user, issue, CRISIS_ROLES)
    )


def may_start_improvement(user: User, issue: EmergingIssue) -> bool:
    return (
        issue.state != State.DISMISSED
        and issue.improvement_id is None
        and may_create_improvement(user)
        and issues_visible_to(user).filter(pk=issue.pk).exists()
    )
