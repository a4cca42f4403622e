"""Inserting many rows at once (kesu/core/bulk.py), as bulk_create would."""

from datetime import date
from decimal import Decimal

from django.utils import timezone

from kesu.audit.models import AuditEntry
from kesu.core.bulk import BulkInserter
from kesu.customers.models import Purchase
from kesu.customers.tests.factories import CustomerFactory


def test_rows_are_inserted_with_their_ids_and_values(db):
    customer = CustomerFactory()
    rows = [
        Purchase(
            customer=customer,
            kind="vehicle",
            product=f"车型{i}",
            amount=Decimal("123456.78"),
            delivered_on=date(2024, 3, i + 1),
        )
        for i in range(7)
    ]
    inserter = BulkInserter(Purchase)
    inserter.batch = 3  # several statements
    inserter.insert(rows)
    assert all(r.pk for r in rows) and len({r.pk for r in rows}) == 7
    stored = Purchase.objects.get(pk=rows[4].pk)
    assert stored.product == "车型4" and stored.amount == Decimal("123456.78")
    assert stored.delivered_on == date(2024, 3, 5) and stored.created_at is not None


def test_json_and_times_come_back_as_they_went_in(db):
    org = CustomerFactory().organisation
    at = timezone.now()
    entry = AuditEntry(
        organisation=org,
        seq=1,
        at=at,
        action="probe",
        object_type="x",
        object_id=1,
        data={"text": 'a "quoted" 值', "n": [1, 2]},
        prev_hash="0" * 64,
        hash="1" * 64,
    )
    BulkInserter(AuditEntry).insert([entry])
    stored = AuditEntry.objects.get(pk=entry.pk)
    assert stored.data == {"text": 'a "quoted" 值', "n": [1, 2]} and stored.at == at
