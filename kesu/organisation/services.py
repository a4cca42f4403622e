from decimal import Decimal

from kesu.organisation.choices import Role
from kesu.organisation.models import CompensationLimit, User

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


def stand_in_user(branch, *, username: str, display_name) -> User:
    """The branch's inactive stand-in user (it cannot sign in) for what arrives from outside —
    the portal's customers, the mailbox's e-mails — made the first time it is needed."""
    username = username[:150]
    user = User.objects.filter(username=username).first()
    if user is None:
        user = User(
            username=username,
            organisation_id=branch.organisation_id,
            branch=branch,
            role=Role.FRONTLINE,
            display_name=display_name,
            is_active=False,
        )
        user.set_unusable_password()
        user.save()
    return user
