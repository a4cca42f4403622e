"""Reads: who sees and handles which crisis, the list, one crisis with its plan, statements and
posts, the people a spokesperson or a step's owner is chosen from, and the home page's list."""

from django.db.models import Count, Prefetch, Q, QuerySet
from django.utils import timezone

from kesu.complaints.models import Complaint
from kesu.core.errors import NotFound
from kesu.crises.choices import Status
from kesu.crises.models import Crisis, CrisisStatement, CrisisStep, WatchedPost
from kesu.organisation.choices import ORGANISATION_WIDE_ROLES, Role
from kesu.organisation.models import User

# Who opens a crisis, names its spokesperson, ends and reviews it (DOMAIN §7: the general
# manager is alerted at once and names one spokesperson): the branch's general manager and
# customer director, and the group customer centre for any branch.
LEADING_ROLES = frozenset({Role.DIRECTOR, Role.GENERAL_MANAGER, Role.GROUP})
# Who sees the open crises first on their home page.
HOME_ROLES = LEADING_ROLES
STATUS_FILTERS = ("", Status.OPEN, Status.ENDED)


def may_read(user) -> bool:
    """Everyone of an organisation reads their branch's crises: the internal notice is for all."""
    return bool(user.is_authenticated and user.organisation_id)


def _in_scope(user, organisation_id: int, branch_id: int | None) -> bool:
    if user.organisation_id != organisation_id or user.role not in LEADING_ROLES:
        return False
    return user.role == Role.GROUP or (bool(branch_id) and branch_id == user.branch_id)


def may_open(user, complaint: Complaint) -> bool:
    """A crisis is opened on a complaint flagged as a crisis, by who leads its branch."""
    return (
        complaint.is_crisis
        and bool(complaint.branch_id)
        and _in_scope(user, complaint.organisation_id, complaint.branch_id)
    )


def leads(user, crisis: Crisis) -> bool:
    """The user is one who leads this crisis's handling (not only its spokesperson)."""
    return _in_scope(user, crisis.organisation_id, crisis.branch_id)


def may_work(user, crisis: Crisis) -> bool:
    """Add steps, statements and posts: who leads it, and the spokesperson, while it is open."""
    return crisis.is_open and (leads(user, crisis) or crisis.spokesperson_id == user.pk)


def may_complete(user, step: CrisisStep, crisis: Crisis) -> bool:
    return step.done_at is None and (
        may_work(user, crisis) or (crisis.is_open and step.owner_id == user.pk)
    )


def may_end(user, crisis: Crisis) -> bool:
    return crisis.is_open and leads(user, crisis)


def crises_visible_to(user) -> QuerySet[Crisis]:
    """The group and administrators see every crisis of the organisation, everyone else their
    branch's."""
    qs = Crisis.objects.all()
    if not may_read(user):
        return qs.none()
    qs = qs.filter(organisation_id=user.organisation_id)
    if user.role in ORGANISATION_WIDE_ROLES:
        return qs
    if user.branch_id:
        return qs.filter(branch_id=user.branch_id)
    return qs.none()


def with_step_counts(qs: QuerySet[Crisis], now=None) -> QuerySet[Crisis]:
    now = now or timezone.now()
    return qs.annotate(
        open_steps=Count("steps", filter=Q(steps__done_at__isnull=True)),
        overdue_steps=Count("steps", filter=Q(steps__done_at__isnull=True, steps__due_at__lt=now)),
    )


def crisis_list(user, *, status: str = "", branch: int | None = None) -> QuerySet[Crisis]:
    """The list: newest first, with the open and overdue steps of each."""
    qs = crises_visible_to(user)
    if status:
        qs = qs.filter(status=status)
    if branch:
        qs = qs.filter(branch_id=branch)
    return with_step_counts(
        qs.select_related("complaint", "branch", "spokesperson").order_by("-opened_at", "-id")
    )


def crisis_get(user, pk) -> Crisis:
    try:
        return (
            crises_visible_to(user)
            .select_related("complaint", "branch", "spokesperson", "opened_by", "ended_by")
            .get(pk=pk)
        )
    except (Crisis.DoesNotExist, ValueError, TypeError):
        raise NotFound() from None


def crisis_parts(crisis: Crisis) -> dict:
    """Its steps, statements and posts, one query each."""
    return {
        "steps": list(crisis.steps.select_related("owner", "done_by").order_by("due_at", "id")),
        "statements": list(
            crisis.statements.select_related("made_by", "recorded_by").order_by("made_at", "id")
        ),
        "posts": list(
            crisis.posts.select_related("screenshot", "recorded_by").order_by("first_seen_at", "id")
        ),
    }


def crisis_with_parts(user, pk) -> Crisis:
    """One crisis with its step counts, steps, statements and posts (the API's detail)."""
    qs = with_step_counts(crises_visible_to(user)).select_related("complaint", "spokesperson")
    qs = qs.prefetch_related(
        Prefetch(
            "steps", CrisisStep.objects.select_related("owner", "done_by").order_by("due_at", "id")
        ),
        Prefetch(
            "statements",
            CrisisStatement.objects.select_related("made_by").order_by("made_at", "id"),
        ),
        Prefetch("posts", WatchedPost.objects.order_by("first_seen_at", "id")),
    )
    try:
        return qs.get(pk=pk)
    except (Crisis.DoesNotExist, ValueError, TypeError):
        raise NotFound() from None


def crisis_of_complaint(complaint: Complaint) -> Crisis | None:
    return (
        Crisis.objects.filter(complaint_id=complaint.pk)
        .select_related("spokesperson", "complaint")
        .first()
    )


def people_for(organisation_id: int, branch_id: int | None) -> QuerySet[User]:
    """Who may be named spokesperson or own a step: the active staff of the crisis's branch and
    the organisation-wide group customer centre."""
    return (
        User.objects.filter(organisation_id=organisation_id, is_active=True)
        .filter(Q(branch_id=branch_id) | Q(role=Role.GROUP))
        .exclude(role=Role.ADMIN)
        .select_related("branch")
        .order_by("role", "pk")
    )


def open_crises_for_home(user, limit: int) -> list[Crisis]:
    """The open crises the user leads or sees, oldest first: for the home page's top panel."""
    if user.role not in HOME_ROLES:
        return []
    qs = crises_visible_to(user).filter(status=Status.OPEN)
    return list(
        with_step_counts(qs.select_related("complaint", "spokesperson", "branch")).order_by(
            "opened_at", "id"
        )[:limit]
    )
