from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils.translation import gettext_lazy as _

from kesu.audit.services import audit_record
from kesu.core.errors import NotAllowed
from kesu.core.limits import check_lengths, length_errors, limited
from kesu.core.phones import normalise_phone
from kesu.customers import hooks, limits
from kesu.customers.choices import (
    ContactChannel,
    CustomerAction,
    CustomerLanguage,
    PersonalityType,
    PurchaseKind,
    Tier,
)
from kesu.customers.models import Customer, KeyPerson, Purchase
from kesu.organisation.choices import Role

CUSTOMER_FIELDS = [
    "name",
    "phone",
    "email",
    "wechat_id",
    "id_number",
    "is_company",
    "tier",
    "personality_type",
    "birthday",
    "founded_on",
    "address",
    "notes",
    "preferred_channel",
    "language",
    "branch",
]
# The purchase fields that refer to another row (recorded by id).
PURCHASE_REFERENCES = frozenset({"branch", "sales_advisor"})
# Who may be recorded as a purchase's sales advisor: the branch's frontline staff, who make the
# advisor's call after a delivery from the callback list (callbacks/defaults.py, "delivery_3").
SALES_ADVISOR_ROLES = frozenset({Role.FRONTLINE})
PURCHASE_FIELDS = [
    "kind",
    "reference",
    "product",
    "vin",
    "plate_number",
    "amount",
    "order_effective_on",
    "delivered_on",
    "service_completed_on",
    "branch",
    "sales_advisor",
]


CUSTOMER_TEXT_LIMITS = {
    "name": limits.NAME,
    "address": limits.ADDRESS,
    "notes": limits.NOTES,
}
CUSTOMER_CHOICES = {
    "tier": Tier,
    "personality_type": PersonalityType,
    "preferred_channel": ContactChannel,
    "language": CustomerLanguage,
}
KEY_PERSON_TEXT_LIMITS = {"name": limits.NAME, "title": limits.TITLE}
PURCHASE_TEXT_LIMITS = {"product": limits.PRODUCT, "reference": limits.REFERENCE}


def _clean_customer(data: dict) -> dict:
    errors: dict[str, object] = {}
    cleaned = dict(data)
    if "name" in cleaned and not (cleaned["name"] or "").strip():
        errors["name"] = _("This field is required.")
    if "phone" in cleaned:
        try:
            cleaned["phone"] = normalise_phone(cleaned["phone"])
        except ValidationError as exc:
            errors["phone"] = exc.messages[0]
    for name, choices in CUSTOMER_CHOICES.items():
        if cleaned.get(name) and cleaned[name] not in choices.values:
            errors[name] = _("“%(value)s” is not a valid choice.") % {"value": cleaned[name]}
    errors |= {
        name: messages
        for name, messages in length_errors(**limited(cleaned, CUSTOMER_TEXT_LIMITS)).items()
        if name not in errors
    }
    if errors:
        raise ValidationError(errors)
    return {k: v.strip() if isinstance(v, str) else v for k, v in cleaned.items()}


# Roles that look at customers but do not change them: the administrators keep the system.
NON_WRITING_ROLES = frozenset({Role.ADMIN})


def may_change_customers(user) -> bool:
    """Whether this user may add and edit customers (the customer's page offers it if so)."""
    return user.organisation_id is not None and user.role not in NON_WRITING_ROLES


def _check_writer(actor) -> None:
    if not may_change_customers(actor):
        raise NotAllowed(_("Your role may not change customers."), code="role_not_allowed")


@transaction.atomic
def customer_create(*, actor, **data) -> Customer:
    _check_writer(actor)
    data = _clean_customer({k: v for k, v in data.items() if k in CUSTOMER_FIELDS})
    if "name" not in data or "phone" not in data:
        raise ValidationError(
            {f: _("This field is required.") for f in ("name", "phone") if f not in data}
        )
    if data.get("branch") is None and not actor.sees_whole_organisation:
        data["branch"] = actor.branch
    customer = Customer.objects.create(organisation_id=actor.organisation_id, **data)
    audit_record(
        organisation_id=customer.organisation_id,
        actor=actor,
        action=CustomerAction.CUSTOMER_CREATE,
        obj=customer,
        data={k: getattr(customer, k if k != "branch" else "branch_id") for k in CUSTOMER_FIELDS},
    )
    return customer


def _check_home_branch_change(actor, customer: Customer, branch) -> None:
    """A branch may claim a customer with no home branch, not take another branch's."""
    new_id = getattr(branch, "pk", branch)
    if new_id == customer.branch_id or actor.sees_whole_organisation:
        return
    if customer.branch_id not in (None, actor.branch_id) or new_id != actor.branch_id:
        raise ValidationError(
            {"branch": _("Only the home branch or the group may change a customer's home branch.")}
        )


@transaction.atomic
def customer_update(*, actor, customer: Customer, **data) -> Customer:
    _check_writer(actor)
    data = _clean_customer({k: v for k, v in data.items() if k in CUSTOMER_FIELDS})
    customer = Customer.objects.select_for_update().get(pk=customer.pk)
    if "branch" in data:
        _check_home_branch_change(actor, customer, data["branch"])
    diff = {}
    for name, value in data.items():
        old = getattr(customer, name)
        if old != value:
            diff[name] = [getattr(old, "pk", old), getattr(value, "pk", value)]
            setattr(customer, name, value)
    if diff:
        customer.save(update_fields=[*diff, "updated_at"])
        audit_record(
            organisation_id=customer.organisation_id,
            actor=actor,
            action=CustomerAction.CUSTOMER_UPDATE,
            obj=customer,
            data={"changes": diff},
        )
    return customer


def _check_sales_advisor(customer: Customer, data: dict) -> None:
    """The sales advisor, if given: an active frontline colleague of the purchase's branch."""
    advisor = data.get("sales_advisor")
    if advisor is None:
        return
    branch = data.get("branch") or customer.branch
    branch_id = branch.pk if branch is not None else None
    if (
        advisor.organisation_id != customer.organisation_id
        or not advisor.is_active
        or advisor.role not in SALES_ADVISOR_ROLES
        or branch_id is None
        or advisor.branch_id != branch_id
    ):
        raise ValidationError(
            {
                "sales_advisor": _(
                    "Choose a sales advisor among the active frontline staff of the purchase's "
                    "branch: the call after delivery goes to them."
                )
            }
        )


@transaction.atomic
def purchase_create(*, actor, customer: Customer, **data) -> Purchase:
    _check_writer(actor)
    data = {k: v for k, v in data.items() if k in PURCHASE_FIELDS}
    check_lengths(**limited(data, PURCHASE_TEXT_LIMITS))
    if data.get("kind") not in PurchaseKind.values:
        raise ValidationError(
            {"kind": _("“%(value)s” is not a valid choice.") % {"value": data.get("kind")}}
        )
    _check_sales_advisor(customer, data)
    purchase = Purchase.objects.create(customer=customer, **data)
    audit_record(
        organisation_id=customer.organisation_id,
        actor=actor,
        action=CustomerAction.PURCHASE_CREATE,
        obj=purchase,
        data={
            k: getattr(purchase, k + ("_id" if k in PURCHASE_REFERENCES else ""))
            for k in PURCHASE_FIELDS
        },
    )
    hooks.after_purchase(purchase, actor)
    return purchase


@transaction.atomic
def key_person_create(*, actor, customer: Customer, **data) -> KeyPerson:
    _check_writer(actor)
    if not customer.is_company:
        raise ValidationError({"customer": _("Key persons belong to corporate customers.")})
    check_lengths(**limited(data, KEY_PERSON_TEXT_LIMITS))
    if data.get("phone"):
        data["phone"] = normalise_phone(data["phone"])
    person = KeyPerson.objects.create(customer=customer, **data)
    audit_record(
        organisation_id=customer.organisation_id,
        actor=actor,
        action=CustomerAction.KEY_PERSON_CREATE,
        obj=person,
        data={k: data.get(k) for k in ("name", "title", "phone", "email", "birthday")},
    )
    return person
