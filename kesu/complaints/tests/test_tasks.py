"""The Celery task of the Excel imports (kesu/complaints/tasks.py)."""

from kesu.complaints import tasks
from kesu.complaints.choices import ImportStatus
from kesu.complaints.import_jobs import job_create
from kesu.complaints.models import Complaint
from kesu.complaints.tests.import_helpers import OPEN_ROW, workbook_bytes
from kesu.core.models import JobTiming
from kesu.organisation.choices import Role


def test_the_task_runs_the_waiting_imports_and_times_itself(world):
    job = job_create(
        actor=world.user(Role.DIRECTOR), file_name="h.xlsx", data=workbook_bytes([OPEN_ROW])
    )
    assert tasks.run_imports() == 1
    job.refresh_from_db()
    assert job.status == ImportStatus.DONE and Complaint.objects.count() == 1
    assert JobTiming.objects.get(job="excel_imports").runs == 1


def test_the_triage_training_task_trains_once_a_night(world):
    from kesu.complaints.tests.triage_history import closed_history

    closed_history(world)
    assert tasks.train_triage_models() == 1
    assert tasks.train_triage_models() == 0
    assert JobTiming.objects.get(job="triage_training").runs == 2
