from decimal import Decimal

from kesu.organisation.choices import Role, StandIn
from kesu.organisation.models import CompensationLimit, User

# The stored display name of a new stand-in (what the admin lists and searches by).
_STORED_NAMES: dict[str, str] = {
    StandIn.PORTAL: "客户本人（客户门户）",
    StandIn.EMAIL: "客户来信（电子邮件）",
}

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


def stand_in_user(branch, *, username: str, kind: str) -> User:
    """The branch's inactive stand-in user (it cannot sign in) for what arrives from outside —
    the portal's customers (`kind` StandIn.PORTAL), the mailbox's e-mails (StandIn.EMAIL) —
    made the first time it is needed. It is named by its kind, in the reader's language
    (User.__str__); display_name keeps the Chinese name for the admin's search."""
    username = username[:150]
    user = User.objects.filter(username=username).first()
    if user is None:
        user = User(
            username=username,
            organisation_id=branch.organisation_id,
            branch=branch,
            role=Role.FRONTLINE,
            display_name=_STORED_NAMES[kind],
            stand_in=kind,
            is_active=False,
        )
        user.set_unusable_password()
        user.save()
    elif user.stand_in != kind and not user.is_active:  # made before the marker existed
        user.stand_in = kind
        user.save(update_fields=["stand_in"])
    return user
