"""Reads: what a user may see, and the querysets lists and pages are built from."""

from django.db.models import Q, QuerySet

from kesu.complaints.models import Complaint
from kesu.core.errors import NotFound
from kesu.organisation.choices import Role


def complaints_visible_to(user) -> QuerySet[Complaint]:
    """The complaints a user may see: the group all, a branch its own, a department its own."""
    qs = Complaint.objects.all()
    if not user.is_authenticated:
        return qs.none()
    if user.organisation_id is None:
        return qs if user.is_superuser else qs.none()
    qs = qs.filter(organisation_id=user.organisation_id)
    if user.sees_whole_organisation:
        return qs
    if user.role == Role.HANDLER and user.department_id:
        return qs.filter(Q(department_id=user.department_id) | Q(owner_id=user.pk))
    if user.branch_id:
        return qs.filter(branch_id=user.branch_id)
    return qs.filter(owner_id=user.pk)


def complaint_list(user) -> QuerySet[Complaint]:
    return (
        complaints_visible_to(user)
        .select_related("branch", "customer", "owner", "department", "category")
        .order_by("-id")
    )


def complaint_get(user, complaint_id: int) -> Complaint:
    """One complaint the user may see, or NotFound (never reveals another branch's cases)."""
    try:
        return complaint_list(user).select_related("purchase", "registered_by").get(pk=complaint_id)
    except (Complaint.DoesNotExist, ValueError, TypeError):
        raise NotFound() from None
