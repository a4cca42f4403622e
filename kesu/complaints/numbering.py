"""Complaint numbers people can read out on the phone: KS-2026-000123.

Unique per organisation; a counter row per organisation and year is locked while a number is
taken, so concurrent intake never hands out the same number twice (on SQLite the IMMEDIATE
transaction mode serialises writers; on PostgreSQL SELECT ... FOR UPDATE does).
"""

from django.db import IntegrityError, transaction

from kesu.complaints.models import ComplaintCounter
from kesu.organisation.models import Organisation


def next_complaint_number(organisation: Organisation, year: int) -> str:
    # No savepoint inside the caller's transaction: the number belongs to its complaint.
    with transaction.atomic(savepoint=False):
        counter = _locked_counter(organisation.pk, year)
        counter.last_value += 1
        counter.save(update_fields=["last_value"])
    return format_number(organisation.number_prefix, year, counter.last_value)


def reserve_complaint_numbers(organisation: Organisation, year: int, count: int) -> list[str]:
    """`count` consecutive numbers of `year` at once (an import): one locked counter update."""
    if count <= 0:
        return []
    with transaction.atomic(savepoint=False):
        counter = _locked_counter(organisation.pk, year)
        first = counter.last_value + 1
        counter.last_value += count
        counter.save(update_fields=["last_value"])
    return [
        format_number(organisation.number_prefix, year, value)
        for value in range(first, first + count)
    ]


def format_number(prefix: str, year: int, value: int) -> str:
    return f"{prefix}-{year}-{value:06d}"


def _locked_counter(organisation_id: int, year: int) -> ComplaintCounter:
    try:
        return ComplaintCounter.objects.select_for_update().get(
            organisation_id=organisation_id, year=year
        )
    except ComplaintCounter.DoesNotExist:
        pass
    try:
        # A savepoint, so losing the race to create the row leaves the outer transaction usable.
        with transaction.atomic():
            ComplaintCounter.objects.create(organisation_id=organisation_id, year=year)
    except IntegrityError:
        pass
    return ComplaintCounter.objects.select_for_update().get(
        organisation_id=organisation_id, year=year
    )
