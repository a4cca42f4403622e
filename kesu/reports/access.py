"""Who reads the monthly analysis: those who answer for a department, a branch or the group."""

from kesu.organisation.choices import Role

REPORT_ROLES = frozenset({Role.HANDLER, Role.DIRECTOR, Role.GENERAL_MANAGER, Role.GROUP})


def may_read_reports(user) -> bool:
    return bool(user.is_authenticated and user.organisation_id and user.role in REPORT_ROLES)
