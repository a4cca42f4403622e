"""overdue_metrics: the gauge /metrics shows of the overdue complaints per organisation."""

from datetime import datetime, timedelta

from django.utils import timezone

from kesu.complaints.choices import State
from kesu.complaints.models import Complaint
from kesu.complaints.monitoring import overdue_metrics
from kesu.organisation.tests.factories import OrganisationFactory

NOW = timezone.make_aware(datetime(2026, 5, 4, 10, 0))


def _samples(now) -> dict[str, float]:
    (family,) = overdue_metrics(now)
    assert family.name == "kesu_complaints_overdue" and family.type == "gauge"
    return {s.labels["organisation"]: s.value for s in family.samples}


def test_every_organisation_has_a_value_zero_when_nothing_is_late(world):
    quiet = OrganisationFactory(code="aaa-quiet")
    world.complaint()
    samples = _samples(NOW)
    assert samples[world.org.code] == 0 and samples[quiet.code] == 0
    assert list(samples) == sorted(samples)  # by code


def test_the_late_cases_are_counted_for_their_organisation(world):
    quiet = OrganisationFactory()
    late = [world.complaint() for _ in range(3)]
    Complaint.objects.filter(pk__in=[c.pk for c in late]).update(due_at=NOW - timedelta(hours=2))
    Complaint.objects.filter(pk=late[0].pk).update(state=State.INVESTIGATING)
    Complaint.objects.filter(pk=late[1].pk).update(state=State.PARKED)  # its clock is stopped
    samples = _samples(NOW)
    assert samples[world.org.code] == 2
    assert samples[quiet.code] == 0
    assert _samples(NOW - timedelta(days=30))[world.org.code] == 0
