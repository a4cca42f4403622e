"""Checking and importing at once on PostgreSQL: a forked process checks, this one imports
(kesu/complaints/import_jobs.py, import_overlapped)."""

import os

import pytest
from django.db import connection, transaction
from django.utils import translation

from kesu.audit.models import AuditEntry
from kesu.audit.services import iter_chain_breaks
from kesu.complaints import import_jobs
from kesu.complaints.choices import ImportStatus
from kesu.complaints.consistency import iter_complaint_mismatches
from kesu.complaints.import_jobs import RowsInvalid, import_overlapped, job_create, job_run
from kesu.complaints.imports import check_rows, column_keys, open_rows
from kesu.complaints.models import Complaint, ImportJob
from kesu.complaints.tests.import_helpers import OPEN_ROW, workbook_bytes
from kesu.customers.models import Customer
from kesu.organisation.choices import Role

pytestmark = pytest.mark.skipif(
    connection.vendor != "postgresql", reason="the overlap is PostgreSQL only"
)


@pytest.fixture
def forks(monkeypatch):
    """Blocks of two rows (a file of seven is four blocks), and the forks made counted."""
    monkeypatch.setattr(import_jobs, "OVERLAP_BLOCK", 2)
    made = []
    real = os.fork

    def counted():
        made.append(1)
        return real()

    monkeypatch.setattr(os, "fork", counted)
    return made


def _rows(count: int) -> list[dict]:
    # Two rows a customer: the customer of rows 2-3 comes back in row 8 (another block).
    return [
        OPEN_ROW | {"number": f"OLD-{i}", "title": f"第{i}件", "phone": f"1390013{i % 3:04d}"}
        for i in range(count)
    ]


def _job(user, rows) -> ImportJob:
    job = job_create(actor=user, file_name="history.xlsx", data=workbook_bytes(rows))
    assert job_run(job.pk)
    job.refresh_from_db()
    return job


def test_a_file_of_several_blocks_is_checked_aside_and_imported_whole(world, forks):
    rows = _rows(7)
    # The number the first block is given, as an old number of the last one: not in Kesu when
    # the import began (checked first, it would not have been found).
    rows[6] |= {"number": f"{world.org.number_prefix}-2024-000001"}
    job = _job(world.user(Role.DIRECTOR), rows)
    assert forks == [1]
    assert job.status == ImportStatus.DONE
    assert (job.total_rows, job.validated_rows, job.imported_rows) == (7, 7, 7)
    numbers = sorted(Complaint.objects.values_list("number", flat=True))
    assert len(numbers) == 7 and [job.first_number, job.last_number] == [numbers[0], numbers[-1]]
    assert [int(n.rsplit("-", 1)[1]) for n in numbers] == list(range(1, 8))
    assert Customer.objects.count() == 3  # each created once, whatever block it came back in
    assert list(iter_chain_breaks()) == []
    assert list(iter_complaint_mismatches()) == []


def test_a_bad_row_in_the_last_block_rolls_back_the_blocks_imported_before(world, forks):
    user = world.user(Role.DIRECTOR)
    rows = _rows(6) + [OPEN_ROW | {"channel": "x"}]
    entries = AuditEntry.objects.count()
    header, data = open_rows(workbook_bytes(rows))
    progress = []
    with (
        translation.override("en"),
        pytest.raises(RowsInvalid) as invalid,
        transaction.atomic(),
    ):
        import_overlapped(
            user,
            column_keys(header, user),
            data,
            file_name="h.xlsx",
            progress=lambda *c: progress.append(c),
        )
    assert (4, 4) in progress  # two blocks were imported before the last one was checked
    assert invalid.value.checked.errors == [
        [8, "Channel", "“x” is not one of the allowed values (see the second sheet)."]
    ]
    assert Complaint.objects.count() == 0 and Customer.objects.count() == 0
    assert AuditEntry.objects.count() == entries
    job = _job(user, rows[:6])  # the numbers went back with the rest
    assert job.first_number.endswith("-000001")
    assert list(iter_chain_breaks()) == []


def test_a_job_with_bad_rows_keeps_the_report_checking_first_would_give(world, forks):
    user = world.user(Role.DIRECTOR)
    known = world.complaint()
    rows = _rows(9)
    rows[1] |= {"channel": "x"}  # row 3: first block
    rows[4] |= {"number": "OLD-0"}  # row 6: the number of row 2
    rows[6] |= {"number": known.number}  # row 8: a complaint already in Kesu
    rows[8] |= {"received_at": "yesterday"}  # row 10: the last block
    with translation.override("en"):
        job = _job(user, rows)
        header, data = open_rows(workbook_bytes(rows))
        expected = check_rows(user, column_keys(header, user), data)
    assert forks == [1]
    assert job.status == ImportStatus.INVALID
    assert job.errors == expected.errors and job.error_count == expected.error_count == 4
    assert [row for row, _column, _message in job.errors] == [3, 6, 8, 10]
    assert job.imported_rows == 0 and Complaint.objects.count() == 1


def test_a_number_already_in_kesu_in_a_late_block_imports_nothing(world, forks):
    user = world.user(Role.DIRECTOR)
    known = world.complaint()
    rows = _rows(7)
    rows[6] |= {"number": known.number}
    with translation.override("en"):
        job = _job(user, rows)
    assert job.status == ImportStatus.INVALID
    assert job.errors == [[8, "Number", f"Complaint {known.number} is already in Kesu."]]
    assert (
        Complaint.objects.count() == 1
        and Customer.objects.exclude(pk=known.customer_id).count() == 0
    )


def test_with_the_overlap_off_rows_are_checked_first(world, forks, settings):
    settings.KESU_IMPORT_OVERLAP = False
    job = _job(world.user(Role.DIRECTOR), _rows(7))
    assert forks == []
    assert job.status == ImportStatus.DONE and job.imported_rows == 7


def test_a_file_found_too_long_after_blocks_were_imported_imports_nothing(world, forks, settings):
    settings.KESU_IMPORT_MAX_ROWS = 5
    with translation.override("en"):
        job = _job(world.user(Role.DIRECTOR), _rows(7))
    assert forks == [1]
    assert job.status == ImportStatus.INVALID
    assert job.message == "The file has more than 5 rows: import it in parts."
    assert Complaint.objects.count() == 0 and Customer.objects.count() == 0
    assert list(iter_chain_breaks()) == []
