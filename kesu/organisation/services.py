from decimal import Decimal

from kesu.organisation.choices import Role
from kesu.organisation.models import CompensationLimit

# Used when an organisation has not configured a limit for a role (None: no limit).
DEFAULT_COMPENSATION_LIMITS: dict[str, Decimal | None] = {
    Role.FRONTLINE: Decimal("0"),
    Role.CALLBACK: Decimal("0"),
    Role.HANDLER: Decimal("2000"),
    Role.DIRECTOR: Decimal("10000"),
    Role.GENERAL_MANAGER: None,
    Role.GROUP: None,
    Role.ADMIN: Decimal("0"),
}


def compensation_limit_for(user) -> Decimal | None:
    limit = CompensationLimit.objects.filter(
        organisation_id=user.organisation_id, role=user.role
    ).first()
    if limit is not None:
        return limit.max_amount
    return DEFAULT_COMPENSATION_LIMITS.get(user.role, Decimal("0"))


def may_grant(user, amount: Decimal | None) -> bool:
    if not amount:
        return True
    limit = compensation_limit_for(user)
    return limit is None or amount <= limit
