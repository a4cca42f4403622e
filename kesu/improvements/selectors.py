"""Reads: which improvement actions a user sees and may change, the list and its filters, one
action's history, and the rows the monthly report lists."""

from dataclasses import dataclass
from datetime import date, datetime, time
from decimal import Decimal

from django.core.exceptions import FieldDoesNotExist
from django.db.models import Q, QuerySet
from django.urls import reverse
from django.utils import timezone

from kesu.audit.actions import action_label
from kesu.audit.models import AuditEntry
from kesu.complaints.choices import CauseClass
from kesu.complaints.models import Category, Complaint
from kesu.complaints.selectors import complaints_visible_to
from kesu.core.errors import NotFound
from kesu.improvements.choices import (
    ACTIVE,
    CLOSED_STATUSES,
    REVIEWED_STATUSES,
    WORKING_STATUSES,
    Status,
    Unit,
)
from kesu.improvements.measures import unit_suffix
from kesu.improvements.models import ImprovementAction
from kesu.organisation.choices import ORGANISATION_WIDE_ROLES, Role
from kesu.organisation.models import Department, User

# Who creates and changes improvement actions: the handling managers for their department,
# the customer director and the general manager for their branch, the group for any (DOMAIN §8,
# seed 001 §4.4: the customer director plans and follows up the improvements).
EDITING_ROLES = frozenset({Role.HANDLER, Role.DIRECTOR, Role.GENERAL_MANAGER, Role.GROUP})
# Who judges whether a done action worked (seed 001 §4.4.1: the customer director verifies).
REVIEWING_ROLES = frozenset({Role.DIRECTOR, Role.GENERAL_MANAGER, Role.GROUP})
OBJECT_TYPE = ImprovementAction._meta.label_lower
REPORT_LIMIT = 50


def may_read(user) -> bool:
    """Everyone of an organisation reads the improvement actions of their branch."""
    return bool(user.is_authenticated and user.organisation_id)


def may_create(user) -> bool:
    if not may_read(user) or user.role not in EDITING_ROLES:
        return False
    if user.role == Role.GROUP:
        return True
    if user.role == Role.HANDLER:
        return bool(user.branch_id and user.department_id)
    return bool(user.branch_id)


def _answers_for(user, action: ImprovementAction) -> bool:
    """The action is within what the user's role answers for."""
    if user.organisation_id != action.organisation_id or user.role not in EDITING_ROLES:
        return False
    if user.role == Role.GROUP:
        return True
    if action.branch_id is None or action.branch_id != user.branch_id:
        return False  # a group-wide action is the group's
    if user.role == Role.HANDLER:
        return bool(user.department_id) and action.department_id == user.department_id
    return True


def may_edit(user, action: ImprovementAction) -> bool:
    """Change what the action is (title, measure, dates, links): not once it is reviewed."""
    return action.status not in CLOSED_STATUSES and _answers_for(user, action)


def may_progress(user, action: ImprovementAction) -> bool:
    """Start it, mark it done or back in progress: those who may edit it, and its owner."""
    if action.status in CLOSED_STATUSES:
        return False
    return action.owner_id == user.pk or _answers_for(user, action)


def may_cancel(user, action: ImprovementAction) -> bool:
    return action.status in WORKING_STATUSES | {Status.DONE} and _answers_for(user, action)


def reviews(user, action: ImprovementAction) -> bool:
    """The user is one who judges this action once it is done."""
    return user.role in REVIEWING_ROLES and _answers_for(user, action)


def may_review(user, action: ImprovementAction) -> bool:
    return action.status == Status.DONE and reviews(user, action)


def improvements_visible_to(user) -> QuerySet[ImprovementAction]:
    """The group and administrators see every action of the organisation; everyone else their
    branch's and the group-wide ones."""
    qs = ImprovementAction.objects.all()
    if not may_read(user):
        return qs.none()
    qs = qs.filter(organisation_id=user.organisation_id)
    if user.role in ORGANISATION_WIDE_ROLES:
        return qs
    if user.branch_id:
        return qs.filter(Q(branch_id=user.branch_id) | Q(branch__isnull=True))
    return qs.filter(branch__isnull=True)


def improvement_list(user) -> QuerySet[ImprovementAction]:
    return improvements_visible_to(user).select_related("branch", "department", "owner")


def improvement_get(user, pk) -> ImprovementAction:
    try:
        return improvement_list(user).select_related("reviewed_by", "created_by").get(pk=pk)
    except (ImprovementAction.DoesNotExist, ValueError, TypeError):
        raise NotFound() from None


def overdue(qs: QuerySet[ImprovementAction], today: date | None = None):
    return qs.filter(status__in=sorted(WORKING_STATUSES), due_on__lt=today or timezone.localdate())


def filtered(
    qs: QuerySet[ImprovementAction],
    *,
    status: str = "",
    owner: int | None = None,
    branch: int | None = None,
    overdue_only: bool = False,
) -> QuerySet[ImprovementAction]:
    """The list's filters; an unknown status is the caller's to refuse."""
    if status == ACTIVE:  # not reviewed or cancelled yet
        qs = qs.exclude(status__in=sorted(CLOSED_STATUSES))
    elif status:
        qs = qs.filter(status=status)
    if owner:
        qs = qs.filter(owner_id=owner)
    if branch:
        qs = qs.filter(branch_id=branch)
    if overdue_only:
        qs = overdue(qs)
    return qs


def owners_for_picker(user, branch_id: int | None) -> QuerySet[User]:
    """Who may own an action of this branch: its active staff and the organisation-wide roles
    (for a group-wide action: anyone active in the organisation)."""
    qs = User.objects.filter(organisation_id=user.organisation_id, is_active=True)
    if branch_id is not None:
        qs = qs.filter(Q(branch_id=branch_id) | Q(role__in=ORGANISATION_WIDE_ROLES))
    return qs.exclude(role=Role.ADMIN).order_by("branch_id", "role", "pk")


def departments_for(user, branch_id: int | None) -> QuerySet[Department]:
    if branch_id is None:
        return Department.objects.none()
    qs = Department.objects.filter(
        branch_id=branch_id, branch__organisation_id=user.organisation_id
    )
    if user.role == Role.HANDLER:
        qs = qs.filter(pk=user.department_id)
    return qs.order_by("name")


def categories_for(organisation_id: int) -> QuerySet[Category]:
    return Category.objects.filter(organisation_id=organisation_id, is_active=True).order_by("path")


def linked_complaints(user, action: ImprovementAction) -> list[Complaint]:
    """The action's complaints that the user may see (a handling manager: their department's)."""
    return list(
        complaints_visible_to(user)
        .filter(improvement_actions=action)
        .only("pk", "number", "title", "state")
        .order_by("-id")[:100]
    )


def actions_of_complaint(user, complaint, limit: int) -> list[ImprovementAction]:
    """The improvement actions linked to the complaint that the user sees (one query)."""
    return list(
        improvements_visible_to(user)
        .filter(complaints=complaint)
        .only("pk", "title", "status", "due_on")
        .order_by("-created_at", "-id")[:limit]
    )


def open_actions_owned_by(user, limit: int) -> list[ImprovementAction]:
    """The user's own actions still being carried out, earliest due first (one query)."""
    if not getattr(user, "is_authenticated", False):
        return []
    return list(
        improvements_visible_to(user)
        .filter(owner_id=user.pk, status__in=sorted(WORKING_STATUSES))
        .only("pk", "title", "status", "due_on")
        .order_by("due_on", "id")[:limit]
    )


def cause_labels(codes) -> list[str]:
    labels = dict(CauseClass.choices)
    return [str(labels.get(code, code)) for code in codes]


@dataclass(frozen=True)
class HistoryLine:
    at: object
    actor: User | None
    action: str
    label: str
    data: dict
    changed: list[str]  # an edit: the names of the fields it changed


def _field_label(name: str) -> str:
    try:
        field = ImprovementAction._meta.get_field(name)
    except FieldDoesNotExist:
        return name
    return str(getattr(field, "verbose_name", name))


def history(action: ImprovementAction) -> list[HistoryLine]:
    """The action's audit entries, oldest first."""
    entries = (
        AuditEntry.objects.filter(object_type=OBJECT_TYPE, object_id=action.pk)
        .select_related("actor")
        .order_by("at", "id")[:500]
    )
    return [
        HistoryLine(
            e.at,
            e.actor,
            e.action,
            action_label(e.action),
            e.data,
            [_field_label(name) for name in (e.data or {}).get("changes", {})],
        )
        for e in entries
    ]


# ---- The monthly report ------------------------------------------------------------------------


@dataclass
class ReportRow:
    """An improvement action in the monthly report."""

    pk: int
    title: str
    branch: str
    owner: str
    status: str
    status_label: str
    due_on: date
    overdue: bool
    review_on: date
    unit: str
    before_value: Decimal | None
    after_value: Decimal | None
    change: Decimal | None
    change_pct: int | None
    effect: str  # "effective", "not_effective", or "" while not reviewed
    link: str
    unit_suffix: str = ""  # what the values are counted in: "/ 30 days"


def improvements_for_report(user, start: date, end: date, scope: dict | None = None):
    """The actions the user sees that were under way at some time from `start` to the day
    before `end` — created before its end and not reviewed or cancelled before its start —
    within the report's branch and department (the other scope filters do not narrow them).
    At most REPORT_LIMIT, earliest due first; returns (rows, how many there are)."""
    scope = scope or {}
    tz = timezone.get_current_timezone()
    starts = timezone.make_aware(datetime.combine(start, time.min), tz)
    ends = timezone.make_aware(datetime.combine(end, time.min), tz)
    qs = (
        improvement_list(user)
        .filter(created_at__lt=ends)
        .filter(Q(closed_at__isnull=True) | Q(closed_at__gte=starts))
    )
    if str(scope.get("branch", "")).isdigit():
        qs = qs.filter(Q(branch_id=int(scope["branch"])) | Q(branch__isnull=True))
    department = str(scope.get("department") or "")
    if user.role == Role.HANDLER and user.department_id:
        department = str(user.department_id)
    if department.isdigit():
        qs = qs.filter(Q(department_id=int(department)) | Q(department__isnull=True))
    total = qs.count()
    rows = [
        ReportRow(
            pk=a.pk,
            title=a.title,
            branch=a.branch.name if a.branch is not None else "",
            owner=str(a.owner),
            status=a.status,
            status_label=str(a.get_status_display()),
            due_on=a.due_on,
            overdue=a.is_overdue,
            review_on=a.review_on,
            unit=str(Unit(a.unit).label) if a.unit in Unit.values else a.unit,
            before_value=a.before_value,
            after_value=a.after_value,
            change=a.change,
            change_pct=a.change_pct,
            effect=a.status if a.status in REVIEWED_STATUSES else "",
            link=reverse("improvements:detail", args=[a.pk]),
            unit_suffix=unit_suffix(a.unit, a.denominator_label),
        )
        for a in qs.order_by("due_on", "id")[:REPORT_LIMIT]
    ]
    return rows, total
