"""Reads of the organisation: what pickers and filters offer a user."""

from django.db.models import Q, QuerySet

from kesu.organisation.choices import ORGANISATION_WIDE_ROLES
from kesu.organisation.models import Branch, Department, User


def branches_visible_to(user) -> QuerySet[Branch]:
    if not user.is_authenticated or user.organisation_id is None:
        return Branch.objects.none()
    return Branch.objects.filter(organisation_id=user.organisation_id).order_by("code")


def departments_visible_to(user) -> QuerySet[Department]:
    if not user.is_authenticated or user.organisation_id is None:
        return Department.objects.none()
    return (
        Department.objects.filter(branch__organisation_id=user.organisation_id)
        .select_related("branch")
        .order_by("branch__code", "code")
    )


def users_for_picker(user) -> QuerySet[User]:
    """Colleagues a case can be handed to: the user's branch and the organisation-wide roles.

    Users who see the whole organisation get everyone in it.
    """
    if not user.is_authenticated or user.organisation_id is None:
        return User.objects.none()
    qs = User.objects.filter(organisation_id=user.organisation_id, is_active=True)
    if not user.sees_whole_organisation:
        qs = qs.filter(Q(branch_id=user.branch_id) | Q(role__in=ORGANISATION_WIDE_ROLES))
    return qs.select_related("branch", "department")
