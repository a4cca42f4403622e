"""Reads: which customers and purchases a user may see.

A customer record belongs to the organisation, but a branch sees only the customers it deals
with: those whose home branch it is, and those who complained or bought at the branch. The
group and admins see every customer. Of a customer seen by a branch, the branch sees its own
purchases only (a purchase with no branch recorded counts as made at the home branch).
Every reader (API, intake lookup, registration, printing) goes through these functions.
"""

from django.db.models import Exists, OuterRef, Prefetch, Q, QuerySet, Subquery

from kesu.core.errors import NotFound
from kesu.core.phones import try_normalise_phone
from kesu.customers.models import Customer, Purchase


def _complaint_model():
    """The Complaint model, reached through its relation to Customer ("complaints"): the
    complaints app sits above this one and is not imported here."""
    return Customer._meta.get_field("complaints").related_model


def customers_visible_to(user) -> QuerySet[Customer]:
    """The customers a user may see: the group all, a branch those it deals with.

    Each row is checked with index probes (complaint by customer, purchase by customer), so a
    list ordered by id stays cheap at a million complaints: no scan of a branch's complaints.
    """
    if not user.is_authenticated or user.organisation_id is None:
        return Customer.objects.none()
    qs = Customer.objects.filter(organisation_id=user.organisation_id)
    if user.sees_whole_organisation:
        return qs
    complaint_model = _complaint_model()
    branch_id = user.branch_id
    if branch_id is None:
        # A user without a branch (and not organisation-wide): the customers of their own cases.
        return qs.filter(
            Exists(complaint_model.objects.filter(customer_id=OuterRef("pk"), owner_id=user.pk))
        )
    # Scalar subqueries, not EXISTS: PostgreSQL turns an EXISTS under OR into a hash of all
    # the branch's complaints (read whole for the first row); these are probed per row and
    # stop at the first match, so a page costs a few index probes per customer it looks at.
    return qs.alias(
        complained_here=_branch_probe(complaint_model, branch_id),
        bought_here=_branch_probe(Purchase, branch_id),
    ).filter(Q(branch_id=branch_id) | Q(complained_here=branch_id) | Q(bought_here=branch_id))


def _branch_probe(model, branch_id: int) -> Subquery:
    """The branch id if this customer has a row of `model` at the branch, else NULL."""
    rows = model.objects.filter(customer_id=OuterRef("pk"), branch_id=branch_id)
    return Subquery(rows.order_by().values("branch_id")[:1])


def purchases_visible_to(user) -> QuerySet[Purchase]:
    """Purchases of visible customers; a branch sees its own (or the home branch's unrecorded)."""
    if user is None or not user.is_authenticated or user.organisation_id is None:
        return Purchase.objects.none()
    qs = Purchase.objects.filter(customer__organisation_id=user.organisation_id)
    if user.sees_whole_organisation:
        return qs
    branch_id = user.branch_id
    if branch_id is None:
        return qs.filter(customer__in=customers_visible_to(user))
    return qs.filter(Q(branch_id=branch_id) | Q(branch__isnull=True, customer__branch_id=branch_id))


def customer_purchases(user, customer: Customer) -> QuerySet[Purchase]:
    """The purchases of one (visible) customer this user may see, newest first."""
    return purchases_visible_to(user).filter(customer_id=customer.pk).order_by("-id")


def customers_by_phone(user, phone: str) -> QuerySet[Customer]:
    """Instant lookup by the phone number as typed; an unparseable number finds nobody.

    One probe of the organisation+phone index, then the visibility check on those few rows.
    `customer.purchases.all()` on the result gives only the purchases the user may see.
    """
    normalised = try_normalise_phone(phone)
    if normalised is None:
        return Customer.objects.none()
    return (
        customers_visible_to(user)
        .filter(phone=normalised)
        .prefetch_related(
            Prefetch("purchases", queryset=purchases_visible_to(user).order_by("-id"))
        )
    )


def customer_get(user, customer_id: int) -> Customer:
    """One customer the user may see, or NotFound (never reveals another branch's customer)."""
    try:
        return customers_visible_to(user).select_related("branch").get(pk=customer_id)
    except (Customer.DoesNotExist, ValueError, TypeError):
        raise NotFound() from None
