"""Who stands where around a complaint: its department's managers, the branch's director and
general manager, the group centre, a user's manager. Reads only.

The deadline chain (sla) and the notifications both address people by these roles, so both ask
here and a role means the same people everywhere.
"""

from kesu.organisation.choices import Role
from kesu.organisation.models import Department, User


def _active(organisation_id: int):
    return User.objects.filter(organisation_id=organisation_id, is_active=True).order_by("pk")


def department_managers(organisation_id: int, department_id: int | None) -> list[User]:
    """The handling managers of a department."""
    if not department_id:
        return []
    return list(_active(organisation_id).filter(department_id=department_id, role=Role.HANDLER))


def handling_managers(organisation_id: int, department_id, branch_id) -> list[User]:
    """Who answers for a complaint of a department: its handling managers, or, where it has
    none (a department nobody manages complaints in yet), the branch's customer directors."""
    return department_managers(organisation_id, department_id) or (
        branch_people(organisation_id, branch_id, Role.DIRECTOR) if department_id else []
    )


def unmanaged_departments(branch_id: int | None) -> list[int]:
    """The branch's departments without an active handling manager."""
    if not branch_id:
        return []
    managed = User.objects.filter(
        role=Role.HANDLER, is_active=True, department__isnull=False
    ).values("department_id")
    return list(
        Department.objects.filter(branch_id=branch_id)
        .exclude(pk__in=managed)
        .values_list("pk", flat=True)
    )


def branch_people(organisation_id: int, branch_id: int | None, role: str) -> list[User]:
    """The branch's users of one role (its customer directors, its general managers)."""
    if not branch_id:
        return []
    return list(_active(organisation_id).filter(branch_id=branch_id, role=role))


def group_centre(organisation_id: int) -> list[User]:
    """The group customer centre: organisation-wide staff of the group role."""
    return list(_active(organisation_id).filter(role=Role.GROUP))


def manager_of(user: User | None) -> list[User]:
    """Whom a user answers to for a complaint: the handling managers of their department, or,
    for a handling manager (or someone without a department), the branch's customer directors."""
    if user is None or user.organisation_id is None:
        return []
    if user.role != Role.HANDLER and user.department_id:
        managers = [
            u for u in department_managers(user.organisation_id, user.department_id) if u != user
        ]
        if managers:
            return managers
    if user.role in (Role.DIRECTOR, Role.GENERAL_MANAGER, Role.GROUP):
        return []
    return branch_people(user.organisation_id, user.branch_id, Role.DIRECTOR)
