from django.db.models import QuerySet

from kesu.core.errors import NotFound
from kesu.core.phones import try_normalise_phone
from kesu.customers.models import Customer


def customers_visible_to(user) -> QuerySet[Customer]:
    """Customers of the user's organisation (a customer may complain at any branch)."""
    if not user.is_authenticated or user.organisation_id is None:
        return Customer.objects.none()
    return Customer.objects.filter(organisation_id=user.organisation_id)


def customers_by_phone(user, phone: str) -> QuerySet[Customer]:
    """Instant lookup by the phone number as typed; an unparseable number finds nobody."""
    normalised = try_normalise_phone(phone)
    if normalised is None:
        return Customer.objects.none()
    return customers_visible_to(user).filter(phone=normalised)


def customer_get(user, customer_id: int) -> Customer:
    """One customer of the user's organisation, or NotFound."""
    try:
        return customers_visible_to(user).select_related("branch").get(pk=customer_id)
    except (Customer.DoesNotExist, ValueError, TypeError):
        raise NotFound() from None
