"""Reads of the webhooks: who manages them, an organisation's endpoints and its delivery log."""

from django.db.models import QuerySet

from kesu.core.errors import NotFound
from kesu.organisation.choices import Role
from kesu.organisation.models import User
from kesu.webhooks.models import Attempt, Delivery, Endpoint

# Integrations are the administrator's: the secrets sign messages other systems trust, and the
# log shows what left Kesu (docs/decisions.md).
MANAGING_ROLES = frozenset({Role.ADMIN})


def may_manage(user) -> bool:
    return (
        getattr(user, "is_authenticated", False)
        and user.role in MANAGING_ROLES
        and user.organisation_id is not None
    )


def endpoints_for(user: User) -> QuerySet[Endpoint]:
    org_id = user.organisation_id
    if org_id is None or not may_manage(user):
        return Endpoint.objects.none()
    return (
        Endpoint.objects.filter(organisation_id=org_id)
        .prefetch_related("branches")
        .order_by("description", "id")
    )


def endpoint_get(user: User, pk) -> Endpoint:
    try:
        return endpoints_for(user).get(pk=pk)
    except (Endpoint.DoesNotExist, ValueError, TypeError):
        raise NotFound() from None


def deliveries_for(
    user: User, *, endpoint_id: int | None = None, event: str = "", status: str = ""
) -> QuerySet[Delivery]:
    """The organisation's deliveries, newest first (indexes: webhook_dl_*_idx)."""
    org_id = user.organisation_id
    if org_id is None or not may_manage(user):
        return Delivery.objects.none()
    qs = Delivery.objects.filter(organisation_id=org_id)
    if endpoint_id:
        qs = qs.filter(endpoint_id=endpoint_id)
    if event:
        qs = qs.filter(event=event)
    if status:
        qs = qs.filter(status=status)
    return qs.select_related("endpoint", "branch").order_by("-id")


def delivery_get(user: User, pk) -> Delivery:
    try:
        return deliveries_for(user).select_related("replay_of").get(pk=pk)
    except (Delivery.DoesNotExist, ValueError, TypeError):
        raise NotFound() from None


def attempts_of(delivery: Delivery) -> QuerySet[Attempt]:
    return Attempt.objects.filter(delivery=delivery).order_by("id")
