"""Importing checked rows in one transaction, as a job (kesu/complaints/import_jobs.py)."""

from datetime import datetime
from decimal import Decimal

import pytest
from django.core.exceptions import ValidationError
from django.core.management import call_command
from django.utils import timezone, translation

from kesu.audit.models import AuditEntry
from kesu.audit.services import iter_chain_breaks
from kesu.complaints import import_jobs
from kesu.complaints.choices import ComplaintAction, ImportStatus, State
from kesu.complaints.consistency import iter_complaint_mismatches
from kesu.complaints.import_jobs import job_create, job_run, run_pending_imports
from kesu.complaints.models import Complaint, ImportJob
from kesu.complaints.tests.import_helpers import CLOSED_ROW, OPEN_ROW, workbook_bytes
from kesu.core.errors import NotAllowed
from kesu.customers.models import Customer
from kesu.customers.tests.factories import CustomerFactory
from kesu.notifications.models import Notification
from kesu.organisation.choices import Role
from kesu.sla.models import ComplaintMilestone


def _imported(user, rows, **kwargs):
    job = job_create(actor=user, file_name="history.xlsx", data=workbook_bytes(rows, **kwargs))
    assert job_run(job.pk)
    job.refresh_from_db()
    return job


def _local(moment):
    return timezone.localtime(moment).replace(tzinfo=None)


def test_a_valid_file_imports_every_row_with_its_dates(world, capsys):
    director = world.user(Role.DIRECTOR)
    rows = [CLOSED_ROW | {"compensation_type": "cash", "compensation_amount": 88.5}, OPEN_ROW]
    job = _imported(director, rows)
    assert job.status == ImportStatus.DONE and job.imported_rows == 2
    assert job.content is None  # the file is not kept once it is done
    closed = Complaint.objects.get(state=State.CLOSED)
    opened = Complaint.objects.get(state=State.INVESTIGATING)
    assert _local(closed.received_at) == datetime(2023, 3, 5, 14, 30)
    assert _local(closed.closed_at) == datetime(2023, 3, 10, 9, 0)
    assert _local(closed.resolved_at) == datetime(2023, 3, 8, 10, 0)
    assert closed.compensation_amount == Decimal("88.50")
    assert closed.number.startswith("KS-2023-") and opened.number.startswith("KS-2024-")
    assert (job.first_number, job.last_number) == (closed.number, opened.number)
    assert closed.registered_by == director and closed.branch == world.branch
    assert _local(opened.due_at) == datetime(2024, 1, 20, 18, 0)
    # The old number is kept in the timeline and found by the search.
    entry = AuditEntry.objects.get(complaint_id=closed.pk)
    assert entry.action == ComplaintAction.IMPORT and entry.actor == director
    assert entry.data["original_number"] == "OLD-2023-0001" and entry.data["row"] == 2
    assert "OLD-2023-0001" in closed.search_notes
    # The trail verifies, and each row says what its timeline says.
    assert list(iter_chain_breaks()) == []
    assert list(iter_complaint_mismatches()) == []
    call_command("verify_audit")
    assert "no break" in capsys.readouterr().out


def test_customers_are_found_by_phone_or_created_once(world):
    known = CustomerFactory(organisation=world.org, phone="+8613800138000", name="王建国")
    rows = [CLOSED_ROW, OPEN_ROW, OPEN_ROW | {"title": "又一次"}]
    _imported(world.user(Role.DIRECTOR), rows)
    assert Complaint.objects.filter(customer=known).count() == 1
    created = Customer.objects.get(phone="+8613900139000")
    assert created.name == "李女士" and created.branch == world.branch
    assert created.complaints.count() == 2
    assert AuditEntry.objects.filter(object_id=created.pk, action="customer_create").exists()


def test_historical_complaints_plan_no_deadlines_and_notify_nobody(world):
    _imported(world.user(Role.GROUP), [CLOSED_ROW | {"is_crisis": "是", "branch": "east"}])
    assert ComplaintMilestone.objects.count() == 0
    assert Notification.objects.count() == 0


def test_one_bad_row_imports_nothing_and_keeps_the_report(world):
    with translation.override("en"):
        job = _imported(world.user(Role.DIRECTOR), [OPEN_ROW, CLOSED_ROW | {"channel": "x"}])
    assert job.status == ImportStatus.INVALID and job.error_count == 1
    assert job.errors == [
        [3, "Channel", "“x” is not one of the allowed values (see the second sheet)."]
    ]
    assert Complaint.objects.count() == 0 and Customer.objects.count() == 0


def test_a_failure_midway_rolls_everything_back(world, monkeypatch):
    monkeypatch.setattr(import_jobs, "CHUNK", 2)
    real = import_jobs.audit_record_bulk
    calls = []

    def failing(**kwargs):
        calls.append(1)
        if len(calls) == 3:  # customers, first complaints, then the second batch fails
            raise RuntimeError("disk full")
        return real(**kwargs)

    monkeypatch.setattr(import_jobs, "audit_record_bulk", failing)
    rows = [OPEN_ROW | {"title": f"第{i}件"} for i in range(5)]
    job = _imported(world.user(Role.DIRECTOR), rows)
    assert job.status == ImportStatus.FAILED and "nothing was imported" in job.message
    assert Complaint.objects.count() == 0 and Customer.objects.count() == 0
    assert list(iter_chain_breaks()) == []


def test_a_refused_file_is_said_at_upload(world):
    with translation.override("en"), pytest.raises(ValidationError) as refused:
        job_create(actor=world.user(Role.DIRECTOR), file_name="x.xlsx", data=b"MZ\x00\x00")
    assert "not an Excel workbook" in refused.value.message_dict["file"][0]
    assert ImportJob.objects.count() == 0


@pytest.mark.parametrize("role", [Role.FRONTLINE, Role.CALLBACK, Role.HANDLER])
def test_other_roles_may_not_import(world, role):
    with pytest.raises(NotAllowed):
        job_create(actor=world.user(role), file_name="x.xlsx", data=workbook_bytes([OPEN_ROW]))


def test_the_worker_runs_queued_jobs_once(world):
    job = job_create(
        actor=world.user(Role.GENERAL_MANAGER), file_name="h.xlsx", data=workbook_bytes([OPEN_ROW])
    )
    assert run_pending_imports() == 1
    assert run_pending_imports() == 0
    assert not job_run(job.pk)  # already done: another worker does not run it again
    job.refresh_from_db()
    assert job.status == ImportStatus.DONE and Complaint.objects.count() == 1


def test_importing_runs_a_fixed_number_of_queries(world, django_assert_max_num_queries):
    user = world.user(Role.DIRECTOR)
    many = [OPEN_ROW | {"phone": f"1390013{i:04d}", "title": f"第{i}件"} for i in range(60)]
    job = job_create(actor=user, file_name="h.xlsx", data=workbook_bytes(many))
    with django_assert_max_num_queries(60):
        job_run(job.pk)
    assert Complaint.objects.count() == 60


def _stalled_job(world, *, attempts: int, status=ImportStatus.IMPORTING):
    """A job a worker took on and then stopped with (killed): no sign of life for an hour."""
    job = job_create(
        actor=world.user(Role.DIRECTOR), file_name="h.xlsx", data=workbook_bytes([OPEN_ROW])
    )
    an_hour_ago = timezone.now() - timezone.timedelta(hours=1)
    ImportJob.objects.filter(pk=job.pk).update(
        status=status, attempts=attempts, started_at=an_hour_ago, updated_at=an_hour_ago
    )
    return job


@pytest.mark.parametrize("status", [ImportStatus.VALIDATING, ImportStatus.IMPORTING])
def test_a_job_whose_worker_stopped_is_taken_up_again_and_imported_once(world, status):
    job = _stalled_job(world, attempts=1, status=status)
    assert run_pending_imports() == 1
    job.refresh_from_db()
    assert (job.status, job.attempts, job.imported_rows) == (ImportStatus.DONE, 2, 1)
    assert Complaint.objects.count() == 1


def test_a_job_that_stalls_again_fails_with_a_message_in_the_uploaders_language(world):
    job = _stalled_job(world, attempts=import_jobs.STALL_ATTEMPTS)
    ImportJob.objects.filter(pk=job.pk).update(language="en")
    assert run_pending_imports() == 0
    job.refresh_from_db()
    assert job.status == ImportStatus.FAILED and job.content is None
    assert job.message.startswith("The import stopped before it ended")
    assert not Complaint.objects.exists()


def test_a_job_at_work_recently_is_left_to_its_worker(world):
    job = _stalled_job(world, attempts=1)
    ImportJob.objects.filter(pk=job.pk).update(updated_at=timezone.now())
    assert import_jobs.recover_stalled_imports() == 0
    job.refresh_from_db()
    assert job.status == ImportStatus.IMPORTING


def test_a_slow_worker_whose_job_was_taken_up_again_commits_nothing(world, monkeypatch):
    """The first worker was only slow: the job went to a second attempt meanwhile, so the first
    one's import rolls back rather than importing the rows a second time."""
    job = job_create(
        actor=world.user(Role.DIRECTOR), file_name="h.xlsx", data=workbook_bytes([OPEN_ROW])
    )
    real = import_jobs.import_checked

    def meanwhile_taken_over(*args, **kwargs):
        numbers = real(*args, **kwargs)
        ImportJob.objects.filter(pk=job.pk).update(status=ImportStatus.QUEUED, attempts=2)
        return numbers

    monkeypatch.setattr(import_jobs, "import_checked", meanwhile_taken_over)
    assert job_run(job.pk)
    assert not Complaint.objects.exists()
    job.refresh_from_db()
    # (The take-over here was written in the import's own transaction, so it rolled back too;
    # in production it is another worker's and stays.) The first attempt wrote no "done".
    assert job.status != ImportStatus.DONE and job.imported_rows == 0


def test_the_vehicle_of_a_row_is_found_among_the_customers_purchases_or_added(world):
    from kesu.customers.choices import CustomerAction, PurchaseKind
    from kesu.customers.models import Purchase

    user = world.user(Role.DIRECTOR)
    customer = CustomerFactory(organisation=world.org, branch=world.branch, phone="+8613900139000")
    known = Purchase.objects.create(
        customer=customer, kind=PurchaseKind.VEHICLE, product="Model S", vin="LSVAB12345C000001"
    )
    rows = [
        OPEN_ROW | {"title": "同一台车", "vin": "lsvab12345c000001", "product": "Model S"},
        OPEN_ROW | {"title": "新车牌", "plate_number": "沪A12345", "product": "Model X"},
        OPEN_ROW | {"title": "同一车牌", "plate_number": "沪a12345"},
        OPEN_ROW | {"title": "只有车型", "product": "Model Y"},
        OPEN_ROW | {"title": "没有车辆"},
    ]
    job = _imported(user, rows)
    assert job.status == ImportStatus.DONE, job.errors
    by_title = {c.title: c for c in Complaint.objects.select_related("purchase")}
    assert by_title["同一台车"].purchase == known
    plate = by_title["新车牌"].purchase
    assert (plate.kind, plate.product, plate.plate_number) == (
        PurchaseKind.VEHICLE, "Model X", "沪A12345",
    )  # fmt: skip
    assert by_title["同一车牌"].purchase == plate
    assert by_title["只有车型"].purchase.kind == PurchaseKind.ORDER
    assert by_title["没有车辆"].purchase is None
    assert Purchase.objects.filter(customer=customer).count() == 3
    added = AuditEntry.objects.filter(action=CustomerAction.PURCHASE_CREATE)
    assert added.count() == 2 and all(e.data["source"] == "excel" for e in added)
    assert not list(iter_chain_breaks()) and not list(iter_complaint_mismatches())
