"""A complaint's team beside its one owner: co-handlers from other departments (the
cross-department team the general manager leads), the visiting team of a big case, and
watchers. Members see the complaint in their queue ("With my team") and hear of its news.

Writes (`team_add`, `team_remove`) are audited like every change to a complaint; putting
someone on the team and changing their role (co-handler ↔ watcher) are two actions of the
timeline, and both call the `team_changed` hook (notifications tells the person, once per
change, in words that say which of the two it was).
"""

from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import Q
from django.utils.translation import gettext as _

from kesu.audit.services import audit_record
from kesu.complaints import hooks
from kesu.complaints.choices import OPEN_STATES, ComplaintAction, TeamRole
from kesu.complaints.models import Complaint, ComplaintMember
from kesu.complaints.selectors import complaints_visible_to
from kesu.core.errors import NotAllowed, NotFound
from kesu.organisation.choices import ORGANISATION_WIDE_ROLES, Role
from kesu.organisation.models import User

# Who may put people on a complaint's team besides its owner: those who lead its handling.
TEAM_LEADING_ROLES = frozenset({Role.HANDLER, Role.DIRECTOR, Role.GENERAL_MANAGER, Role.GROUP})


def may_manage_team(user: User, complaint: Complaint) -> bool:
    return complaint.state in OPEN_STATES and (
        user.role in TEAM_LEADING_ROLES or complaint.owner_id == user.pk
    )


def team_of(complaint: Complaint) -> list[ComplaintMember]:
    return list(
        ComplaintMember.objects.filter(complaint=complaint)
        .select_related("user__department")
        .order_by("role", "pk")
    )


def team_candidates(complaint: Complaint):
    """The people who may join: active staff of the complaint's branch and the group."""
    return (
        User.objects.filter(organisation_id=complaint.organisation_id, is_active=True)
        .filter(Q(branch_id=complaint.branch_id) | Q(role__in=ORGANISATION_WIDE_ROLES))
        .exclude(role=Role.ADMIN)
        .exclude(pk=complaint.owner_id)
        .select_related("department")
        .order_by("department__name", "pk")
    )


def _locked(actor: User, complaint_id: int) -> Complaint:
    complaint = complaints_visible_to(actor).select_for_update().filter(pk=complaint_id).first()
    if complaint is None:
        raise NotFound()
    require_may_manage_team(actor, complaint)
    return complaint


def require_may_manage_team(user: User, complaint: Complaint) -> None:
    if not may_manage_team(user, complaint):
        raise NotAllowed(
            _("Only the owner and those who lead the handling may change the team."),
            code="role_not_allowed",
        )


def team_add(*, actor: User, complaint_id: int, user_id, role: str) -> ComplaintMember:
    """Put a person on the complaint's team (again: their role changes, recorded as such)."""
    with transaction.atomic():
        complaint = _locked(actor, complaint_id)
        if role not in TeamRole.values:
            raise ValidationError(
                {"role": _("“%(value)s” is not a valid choice.") % {"value": role}}
            )
        try:
            user = team_candidates(complaint).get(pk=int(user_id))
        except (User.DoesNotExist, TypeError, ValueError):
            raise ValidationError(
                {"user": _("Choose an active colleague of this complaint's branch.")}
            ) from None
        member, created = ComplaintMember.objects.get_or_create(
            complaint=complaint, user=user, defaults={"role": role, "added_by": actor}
        )
        if not created and member.role == role:
            return member
        previous = "" if created else member.role
        if not created:
            member.role = role
            member.save(update_fields=["role"])
        entry = audit_record(
            organisation_id=complaint.organisation_id,
            actor=actor,
            action=ComplaintAction.TEAM_ADDED if created else ComplaintAction.TEAM_ROLE_CHANGED,
            obj=complaint,
            complaint_id=complaint.pk,
            data={"user": user.pk, "name": str(user), "role": role, "previous": previous},
        )
        hooks.team_changed(complaint, member, actor, previous=previous, entry=entry)
        return member


def team_remove(*, actor: User, complaint_id: int, user_id: int) -> None:
    with transaction.atomic():
        complaint = _locked(actor, complaint_id)
        member = (
            ComplaintMember.objects.filter(complaint=complaint, user_id=user_id)
            .select_related("user")
            .first()
        )
        if member is None:
            raise NotFound()
        member.delete()
        audit_record(
            organisation_id=complaint.organisation_id,
            actor=actor,
            action=ComplaintAction.TEAM_REMOVED,
            obj=complaint,
            complaint_id=complaint.pk,
            data={"user": member.user_id, "name": str(member.user), "role": member.role},
        )
