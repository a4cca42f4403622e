from datetime import timedelta

from django.utils import timezone

from kesu.crises.choices import Status
from kesu.crises.models import CrisisStep


def test_a_crisis_is_known_by_its_complaint(crises):
    crisis = crises.open()
    assert crisis.number == crisis.complaint.number == str(crisis)
    assert crisis.is_open and crisis.status == Status.OPEN


def test_a_step_is_overdue_once_past_due_and_not_done(crises):
    step = crises.step(crises.open(), due_in=timedelta(hours=1))
    assert not step.is_overdue and str(step) == step.title
    CrisisStep.objects.filter(pk=step.pk).update(due_at=timezone.now() - timedelta(minutes=1))
    step.refresh_from_db()
    assert step.is_overdue
    step.done_at = timezone.now()
    assert not step.is_overdue
