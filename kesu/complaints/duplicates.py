"""Possible duplicates across customers, found at intake (issue 13, item 6).

The phone lookup finds the caller's own open complaints. This finds the others that may be
the same matter though registered for another customer: the same vehicle (VIN or plate), the
same order reference, the same person calling from another number (a key person's phone, or
the same name with the same vehicle), or a near-identical account received in the last
KESU_DUPLICATE_DAYS days in the same branch.

Only complaints the user may see (complaints_visible_to) are offered, open ones and those
closed within the days. Each reason is one indexed query with a bounded answer (the purchase's
VIN, plate and reference indexes, the key person's phone index, the (organisation,
received_at) index for the newest accounts, whose texts are read for the few close enough),
and the complaints found are read in one more.
"""

from collections.abc import Iterable
from dataclasses import dataclass, field
from datetime import timedelta

from django.conf import settings
from django.db.models import Q, QuerySet
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from kesu.complaints.choices import OPEN_STATES, State
from kesu.complaints.models import Complaint
from kesu.complaints.search import grams_of, reference_forms
from kesu.complaints.selectors import complaints_visible_to
from kesu.core.phones import try_normalise_phone
from kesu.customers.models import KeyPerson, Purchase

# How many of a branch's newest complaints are compared with the account typed.
ACCOUNT_CANDIDATES = 300
# Jaccard similarity of the pieces (grams_of) from which an account counts as near-identical.
ACCOUNT_SIMILARITY = 0.6
# An account with fewer pieces than this is too short to judge.
ACCOUNT_MIN_GRAMS = 8
# At most this many complaints per reason, and in all.
PER_REASON = 20
LIMIT = 10

REASONS = {
    "vin": _("same VIN %(detail)s"),
    "plate": _("same plate %(detail)s"),
    "reference": _("same order reference %(detail)s"),
    "same_person": _("same name and vehicle: %(detail)s"),
    "key_person": _("the phone is a key person's: %(detail)s"),
    "account": _("near-identical account (%(detail)s similar)"),
}


def duplicate_days() -> int:
    return int(getattr(settings, "KESU_DUPLICATE_DAYS", 7))


@dataclass
class Duplicate:
    complaint: Complaint
    reasons: list[tuple[str, str]] = field(default_factory=list)  # (code, detail)

    @property
    def reason_texts(self) -> list[str]:
        return [str(REASONS[code]) % {"detail": detail} for code, detail in self.reasons]


def _forms(values: str | Iterable[str], *, compact: bool = False) -> list[str]:
    """The ways a VIN, plate or reference may be stored: as given, in capitals, small letters
    (a plate also without spaces or the dot of 沪A·12345)."""
    if isinstance(values, str):
        values = [values]
    forms: dict[str, None] = {}
    for value in values:
        value = (value or "").strip()
        variants = [value]
        if compact:
            variants.append(value.replace(" ", "").replace("·", ""))
        for variant in variants:
            for form in reference_forms(variant):
                forms.setdefault(form)
    return list(forms)


def similarity(a: set[str], b: set[str]) -> float:
    """Jaccard similarity of two sets of pieces."""
    if not a or not b:
        return 0.0
    return len(a & b) / len(a | b)


def possible_duplicates(
    user,
    *,
    phone: str = "",
    vin: str | Iterable[str] = "",
    plate: str | Iterable[str] = "",
    reference: str | Iterable[str] = "",
    name: str = "",
    title: str = "",
    account: str = "",
    exclude_customer_id: int | None = None,
    branch_id: int | None = None,
    now=None,
) -> list[Duplicate]:
    """Complaints of other customers that may be this same matter, each with its reasons.

    `vin`, `plate` and `reference` take one value or several (the looked-up customer's
    vehicles); `exclude_customer_id` is the caller found by phone, whose own complaints the
    lookup already shows. `branch_id` is the branch the account is compared in (the user's).
    """
    if not user.is_authenticated or user.organisation_id is None:
        return []
    since = (now or timezone.now()) - timedelta(days=duplicate_days())
    # Open, or closed within the days (not merged or withdrawn: those are not a matter of
    # their own).
    scope = complaints_visible_to(user).filter(
        Q(state__in=OPEN_STATES) | Q(state=State.CLOSED, closed_at__gte=since)
    )
    purchases = Purchase.objects.filter(customer__organisation_id=user.organisation_id)
    people = KeyPerson.objects.filter(customer__organisation_id=user.organisation_id)
    if exclude_customer_id:
        scope = scope.exclude(customer_id=exclude_customer_id)
        purchases = purchases.exclude(customer_id=exclude_customer_id)
        people = people.exclude(customer_id=exclude_customer_id)
    found: dict[int, list[tuple[str, str]]] = {}
    for code, column, forms in (
        ("vin", "vin", _forms(vin, compact=True)),
        ("plate", "plate_number", _forms(plate, compact=True)),
        ("reference", "reference", _forms(reference)),
    ):
        if forms:
            _add(found, code, _by_purchases(scope, purchases, column, forms))
    normalised = try_normalise_phone(phone) if phone else None
    if normalised:
        people = people.filter(phone__in={normalised, phone.strip()})
        _add(found, "key_person", _by_key_person(scope, people))
    typed = set(grams_of(title, account))
    if len(typed) >= ACCOUNT_MIN_GRAMS:
        recent = scope.filter(organisation_id=user.organisation_id, received_at__gte=since)
        if branch_id or user.branch_id:
            recent = recent.filter(branch_id=branch_id or user.branch_id)
        _add(found, "account", _by_account(recent, typed))
    if not found:
        return []
    duplicates = [
        Duplicate(complaint, _with_person(found[complaint.pk], complaint, name.strip()))
        for complaint in _complaints(scope, found)
    ]
    # The strongest first: a vehicle or person match before a similar account, then newest.
    duplicates.sort(key=lambda d: (all(c == "account" for c, _d in d.reasons), -d.complaint.pk))
    return duplicates[:LIMIT]


def _add(found: dict, code: str, matches: Iterable[tuple[int, str]]) -> None:
    for pk, detail in matches:
        reasons = found.setdefault(pk, [])
        if (code, detail) not in reasons:
            reasons.append((code, detail))


def _by_purchases(scope, purchases, column: str, forms: list[str]) -> list[tuple[int, str]]:
    """(complaint id, the value matched) for the complaints about another customer's purchase
    with this VIN, plate or reference (or of its customer, naming no purchase)."""
    rows = list(
        purchases.filter(**{f"{column}__in": forms}).values_list("id", "customer_id", column)[
            :PER_REASON
        ]
    )
    if not rows:
        return []
    by_purchase = {pk: value for pk, _customer, value in rows}
    by_customer = {customer: value for _pk, customer, value in rows}
    matches = scope.filter(
        Q(purchase_id__in=list(by_purchase))
        | Q(customer_id__in=list(by_customer), purchase__isnull=True)
    ).values_list("id", "purchase_id", "customer_id")[:PER_REASON]
    return [
        (pk, by_purchase.get(purchase_id) or by_customer.get(customer_id, ""))
        for pk, purchase_id, customer_id in matches
    ]


def _by_key_person(scope, people) -> list[tuple[int, str]]:
    names = dict(people.values_list("customer_id", "name")[:PER_REASON])
    if not names:
        return []
    matches = scope.filter(customer_id__in=list(names)).values_list("id", "customer_id")
    return [(pk, names[customer_id]) for pk, customer_id in matches[:PER_REASON]]


def _by_account(recent, typed: set[str]) -> list[tuple[int, str]]:
    """The newest complaints (ACCOUNT_CANDIDATES of them) whose summary and account are near
    the typed ones.

    The stored pieces hold those of the summary and account and more (the notes of later
    moves, the customer's name), so holding 60 % of the typed pieces is necessary for a
    Jaccard of 60 % with the summary and account: that picks the few rows whose texts are
    then read and compared.
    """
    rows = recent.order_by("-received_at").values_list("id", "search_grams")
    picked = [
        pk
        for pk, grams in rows[:ACCOUNT_CANDIDATES]
        if len(typed & set(grams.split())) >= ACCOUNT_SIMILARITY * len(typed)
    ]
    if not picked:
        return []
    matches = []
    texts = recent.filter(pk__in=picked).values_list("id", "title", "account")
    for pk, title, account in texts:
        score = similarity(typed, set(grams_of(title, account)))
        if score >= ACCOUNT_SIMILARITY:
            matches.append((pk, f"{round(score * 100)}%"))
    return matches


def _with_person(reasons: list, complaint: Complaint, name: str) -> list:
    """The same name as the caller's on the same vehicle or order: the same person."""
    if name and complaint.customer_id and complaint.customer.name == name:
        vehicle = [r for r in reasons if r[0] in ("vin", "plate", "reference")]
        if vehicle:
            rest = [r for r in reasons if r not in vehicle]
            return [("same_person", f"{name} · {vehicle[0][1]}"), *rest]
    return reasons


def _complaints(scope: QuerySet[Complaint], found: dict) -> list[Complaint]:
    return list(
        scope.filter(pk__in=list(found))
        .select_related("customer", "branch")
        .only(
            "id",
            "number",
            "title",
            "state",
            "received_at",
            "branch__name",
            "customer__name",
            "customer__phone",
        )
        .order_by("-id")
    )
