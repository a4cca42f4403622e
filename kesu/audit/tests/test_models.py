"""kesu/audit/models.py: how a lane's head and an entry name themselves."""

import pytest

from kesu.audit.models import AuditChain, AuditEntry

pytestmark = pytest.mark.django_db


def test_an_entry_names_its_lane_seq_action_and_object(world):
    complaint = world.complaint()
    entry = AuditEntry.objects.filter(complaint_id=complaint.pk).order_by("seq").first()
    assert str(entry) == (
        f"#{entry.lane}.{entry.seq} {entry.action} {entry.object_type}:{entry.object_id}"
    )


def test_a_chain_names_its_organisation_lane_and_head(world):
    complaint = world.complaint()
    entry = AuditEntry.objects.filter(complaint_id=complaint.pk).order_by("-seq").first()
    chain = AuditChain.objects.get(organisation=world.org, lane=entry.lane)
    assert chain.last_seq == entry.seq
    assert chain.last_hash == entry.hash
    assert str(chain) == f"chain of {world.org.pk} lane {entry.lane} at {entry.seq}"


def test_entries_are_internal_unless_shared(world):
    entry = AuditEntry(
        organisation=world.org, seq=1, at=None, action="x", object_type="t", object_id=1
    )
    assert entry.visibility == AuditEntry.Visibility.INTERNAL
    assert entry.data == {}
