"""Numbers stay unique under concurrent intake, on SQLite and on PostgreSQL."""

import threading

import pytest
from django.db import connection

from kesu.complaints.models import Complaint
from kesu.complaints.numbering import format_number
from kesu.complaints.services import complaint_register
from kesu.customers.tests.factories import CustomerFactory
from kesu.organisation.choices import Role

THREADS = 8
PER_THREAD = 10


def test_format_is_readable():
    assert format_number("KS", 2026, 42) == "KS-2026-000042"


@pytest.mark.django_db(transaction=True)
def test_concurrent_registration_hands_out_unique_numbers(world):
    actor = world.user(Role.FRONTLINE)
    customer = CustomerFactory(organisation=world.org)
    errors: list[BaseException] = []
    start = threading.Barrier(THREADS)

    def register_many():
        try:
            start.wait()
            for _ in range(PER_THREAD):
                complaint_register(
                    actor=actor,
                    customer=customer,
                    channel="phone",
                    title="并发",
                    account="并发登记",
                )
        except BaseException as exc:  # noqa: BLE001 - reported below
            errors.append(exc)
        finally:
            connection.close()

    threads = [threading.Thread(target=register_many) for _ in range(THREADS)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()

    assert errors == []
    numbers = list(
        Complaint.objects.filter(organisation=world.org).values_list("number", flat=True)
    )
    assert len(numbers) == THREADS * PER_THREAD
    assert len(set(numbers)) == len(numbers)
    assert max(int(n[-6:]) for n in numbers) == THREADS * PER_THREAD


def test_numbers_are_reserved_in_a_block_after_those_given(world):
    from kesu.complaints.numbering import next_complaint_number, reserve_complaint_numbers

    first = next_complaint_number(world.org, 2021)
    block = reserve_complaint_numbers(world.org, 2021, 3)
    assert first == "KS-2021-000001"
    assert block == ["KS-2021-000002", "KS-2021-000003", "KS-2021-000004"]
    assert next_complaint_number(world.org, 2021) == "KS-2021-000005"
    assert reserve_complaint_numbers(world.org, 2021, 0) == []
