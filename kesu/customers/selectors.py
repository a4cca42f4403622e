"""Reads: which customers and purchases a user may see.

A customer record belongs to the organisation, but a branch sees only the customers it deals
with: those whose home branch it is, and those who complained or bought at the branch. The
group and admins see every customer. Of a customer seen by a branch, the branch sees its own
purchases only (a purchase with no branch recorded counts as made at the home branch).
Every reader (API, intake lookup, registration, printing) goes through these functions.
"""

import re
from dataclasses import dataclass

from django.db.models import Exists, OuterRef, Prefetch, Q, QuerySet, Subquery

from kesu.audit.models import AuditEntry
from kesu.core.api.fields import mask_email
from kesu.core.errors import NotFound
from kesu.core.phones import mask_phone, mask_text, try_normalise_phone
from kesu.customers.models import Customer, KeyPerson, Purchase


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
    acting = getattr(user, "acting_branch_ids", None)
    if user.sees_whole_organisation and acting is not None:
        # An integration's token that may act in some branches only (kesu/integrations).
        complaint_model = _complaint_model()
        ids = sorted(acting)
        return qs.filter(
            Q(branch_id__in=ids)
            | Exists(complaint_model.objects.filter(customer_id=OuterRef("pk"), branch_id__in=ids))
            | Exists(Purchase.objects.filter(customer_id=OuterRef("pk"), branch_id__in=ids))
        )
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
    acting = getattr(user, "acting_branch_ids", None)
    if user.sees_whole_organisation and acting is not None:
        ids = sorted(acting)
        return qs.filter(Q(branch_id__in=ids) | Q(branch__isnull=True, customer__branch_id__in=ids))
    if user.sees_whole_organisation:
        return qs
    branch_id = user.branch_id
    if branch_id is None:
        return qs.filter(customer__in=customers_visible_to(user))
    return qs.filter(Q(branch_id=branch_id) | Q(branch__isnull=True, customer__branch_id=branch_id))


def customer_purchases(user, customer: Customer) -> QuerySet[Purchase]:
    """The purchases of one (visible) customer this user may see, newest first."""
    return (
        purchases_visible_to(user)
        .filter(customer_id=customer.pk)
        .select_related("sales_advisor")
        .order_by("-id")
    )


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


# How each piece of contact data is masked for roles that do not talk to customers: the rule
# the API's serializers apply (kesu/core/api/fields.py), for the pages.
CONTACT_MASKS = {
    "phone": mask_phone,
    "email": mask_email,
    "wechat_id": mask_text,
    "id_number": mask_text,
}


def contact_as_seen(user, value: str, field: str = "phone") -> str:
    """A phone, e-mail, WeChat ID or ID number in full for roles that call customers (the
    organisation's CONTACT_DATA_ROLES), masked for the others."""
    if not value or getattr(user, "sees_contact_data", False):
        return value or ""
    return CONTACT_MASKS[field](value)


_PHONE_LIKE = re.compile(r"\+\d{7,15}")
_EMAIL_LIKE = re.compile(r"[^@\s<>]+@[^@\s<>]+\.[^@\s<>]+")


def contact_data_as_seen(user, data):
    """A timeline entry's data as the user may see it: for roles without the right to contact
    data, every phone number (E.164) and e-mail address in it masked, however deep (the
    recipient of a message, a mail's sender, an edit's before and after)."""
    if getattr(user, "sees_contact_data", False):
        return data
    if isinstance(data, dict):
        return {key: contact_data_as_seen(user, value) for key, value in data.items()}
    if isinstance(data, list):
        return [contact_data_as_seen(user, value) for value in data]
    if isinstance(data, str):
        if _PHONE_LIKE.fullmatch(data):
            return mask_phone(data)
        return _EMAIL_LIKE.sub(lambda found: mask_email(found.group(0)), data)
    return data


@dataclass(frozen=True)
class ContactCard:
    phone: str
    email: str
    wechat_id: str
    id_number: str
    masked: bool


def customer_contact(user, customer: Customer) -> ContactCard:
    """The customer's contact data as this user may see it."""
    return ContactCard(
        **{name: contact_as_seen(user, getattr(customer, name), name) for name in CONTACT_MASKS},
        masked=not getattr(user, "sees_contact_data", False),
    )


def customer_key_persons(user, customer: Customer) -> list[dict]:
    """The key persons of a (visible) corporate customer, their phone and e-mail as seen."""
    return [
        {
            "person": person,
            "phone": contact_as_seen(user, person.phone),
            "email": contact_as_seen(user, person.email, "email"),
        }
        for person in customer.key_persons.order_by("id")
    ]


CUSTOMER_TYPE = Customer._meta.label_lower
KEY_PERSON_TYPE = KeyPerson._meta.label_lower
PURCHASE_TYPE = Purchase._meta.label_lower
HISTORY_LIMIT = 50


def customer_history(
    user, customer: Customer, also: list[tuple[str, list[int]]] | None = None
) -> list[AuditEntry]:
    """The latest recorded changes of a (visible) customer: the record, its key persons, the
    purchases the user sees and the objects of the apps above named in `also` (object type,
    ids). One query over the audit trail's (object type, object id) index."""
    person_ids = list(customer.key_persons.values_list("pk", flat=True))
    purchase_ids = list(customer_purchases(user, customer).values_list("pk", flat=True))
    wanted = Q(object_type=CUSTOMER_TYPE, object_id=customer.pk)
    for object_type, ids in [
        (KEY_PERSON_TYPE, person_ids),
        (PURCHASE_TYPE, purchase_ids),
        *(also or []),
    ]:
        if ids:
            wanted |= Q(object_type=object_type, object_id__in=ids)
    return list(
        AuditEntry.objects.filter(wanted, organisation_id=customer.organisation_id)
        .select_related("actor")
        .order_by("-at", "-seq")[:HISTORY_LIMIT]
    )
