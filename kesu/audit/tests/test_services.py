from datetime import UTC, date, datetime, timedelta, timezone
from decimal import Decimal

import pytest
from django.core.management import call_command
from django.core.management.base import CommandError

from kesu.audit.keys import entry_mac_verifies
from kesu.audit.models import AuditEntry
from kesu.audit.services import (
    OTHER_LANES_FROM,
    audit_record,
    audit_record_bulk,
    audit_record_many,
    complaint_lane,
    entry_hash,
    iter_chain_breaks,
    lane_count,
    other_lane,
    to_jsonable,
)
from kesu.complaints import workflow
from kesu.complaints.services import complaint_add_note
from kesu.organisation.choices import Role


@pytest.fixture(params=[1, 16], ids=["one lane", "16 lanes"])
def trail(request, world, settings):
    """Three complaints of five entries or more; the lane of the first one, in order."""
    settings.KESU_AUDIT_LANES = request.param
    complaints = []
    for _ in range(3):
        complaint = world.complaint()
        workflow.complaint_confirm(
            complaint_id=complaint.pk, actor=world.user(Role.FRONTLINE), method="signature"
        )
        for text in ["第一次回访", "第二次回访", "第三次回访"]:
            complaint_add_note(
                complaint_id=complaint.pk, actor=world.user(Role.FRONTLINE), text=text
            )
        complaints.append(complaint)
    lane = AuditEntry.objects.filter(complaint_id=complaints[0].pk).first().lane
    return list(AuditEntry.objects.filter(organisation=world.org, lane=lane).order_by("seq"))


def test_an_untouched_trail_verifies(trail, capsys):
    assert [e.seq for e in trail] == list(range(1, len(trail) + 1))
    assert list(iter_chain_breaks()) == []
    call_command("verify_audit")
    assert "no break" in capsys.readouterr().out


def test_an_edited_row_is_reported(trail, capsys):
    victim = trail[3]
    AuditEntry.objects.filter(pk=victim.pk).update(data={**victim.data, "to": "closed"})

    (brk,) = iter_chain_breaks()

    assert (brk.seq, brk.entry_id, brk.problem) == (victim.seq, victim.pk, "hash_mismatch")
    with pytest.raises(CommandError):
        call_command("verify_audit")
    assert f"seq={victim.seq}" in capsys.readouterr().out


def test_an_edited_actor_is_reported(trail, world):
    victim = trail[2]
    AuditEntry.objects.filter(pk=victim.pk).update(actor=world.user(Role.GENERAL_MANAGER))
    (brk,) = iter_chain_breaks()
    assert brk.seq == victim.seq


def test_a_rehashed_row_breaks_the_next_link(trail):
    # Someone edits a row and recomputes its own hash: the following entry no longer links to it.
    victim = trail[1]
    AuditEntry.objects.filter(pk=victim.pk).update(hash="f" * 64)
    (brk,) = iter_chain_breaks()
    assert brk.seq in (victim.seq, victim.seq + 1)


def test_a_deleted_row_is_reported(trail):
    AuditEntry.objects.filter(pk=trail[2].pk).delete()
    (brk,) = iter_chain_breaks()
    assert (brk.seq, brk.problem) == (trail[2].seq, "missing_entry")


def test_a_deleted_last_row_is_reported(trail):
    AuditEntry.objects.filter(pk=trail[-1].pk).delete()
    (brk,) = iter_chain_breaks()
    assert brk.problem == "head_mismatch"


def test_values_are_stored_as_exact_json():
    shanghai = timezone(timedelta(hours=8))
    assert to_jsonable(
        {
            1: Decimal("12.50"),
            "at": datetime(2026, 1, 2, 8, 0, tzinfo=shanghai),
            "on": date(2026, 1, 2),
            "ratio": 0.1,
            "tags": ("a", "b"),
        }
    ) == {
        "1": "12.50",
        "at": datetime(2026, 1, 2, 0, 0, tzinfo=UTC).isoformat(),
        "on": "2026-01-02",
        "ratio": "0.1",
        "tags": ["a", "b"],
    }


def test_a_model_is_stored_as_its_id(world):
    assert to_jsonable({"branch": world.branch}) == {"branch": world.branch.pk}


def test_a_complaints_entries_go_to_its_lane_others_above_the_complaint_lanes(settings):
    settings.KESU_AUDIT_LANES = 4
    assert lane_count() == 4
    assert [complaint_lane(i) for i in (4, 5, 7)] == [0, 1, 3]
    assert other_lane(6) == OTHER_LANES_FROM + 2
    settings.KESU_AUDIT_LANES = 0
    assert lane_count() == 1
    settings.KESU_AUDIT_LANES = 10**6
    assert lane_count() == OTHER_LANES_FROM


def test_audit_record_appends_a_linked_signed_entry(world, settings):
    settings.KESU_AUDIT_LANES = 1
    actor = world.user(Role.ADMIN)
    first = audit_record(
        organisation_id=world.org.pk,
        actor=actor,
        action="test_one",
        obj=world.branch,
        data={"n": 1},
    )
    second = audit_record(
        organisation_id=world.org.pk,
        actor=None,
        action="test_two",
        obj=world.branch,
    )
    assert first.lane == second.lane >= 1000  # about no complaint: an "other" lane
    assert second.seq == first.seq + 1
    assert second.prev_hash == first.hash
    assert first.object_type == "organisation.branch"
    assert first.object_id == world.branch.pk
    assert first.actor_id == actor.pk and second.actor_id is None
    assert second.data == {}
    assert entry_mac_verifies(first.hash, first.mac)
    assert list(iter_chain_breaks()) == []


def test_audit_record_many_keeps_the_order_and_each_complaints_lane(world, settings):
    settings.KESU_AUDIT_LANES = 4
    one, two = world.complaint(), world.complaint()
    items = [
        {"actor": None, "action": "test_a", "obj": one, "complaint_id": one.pk},
        {"actor": None, "action": "test_b", "obj": two, "complaint_id": two.pk},
        {"actor": None, "action": "test_c", "obj": one, "complaint_id": one.pk},
    ]
    entries = audit_record_many(organisation_id=world.org.pk, items=items)
    assert [e.action for e in entries] == ["test_a", "test_b", "test_c"]
    assert [e.lane for e in entries] == [complaint_lane(c.pk) for c in (one, two, one)]
    assert entries[0].lane != entries[1].lane
    assert entries[2].prev_hash == entries[0].hash
    assert AuditEntry.objects.filter(action__startswith="test_").count() == 3
    assert audit_record_many(organisation_id=world.org.pk, items=[]) == []
    assert list(iter_chain_breaks()) == []


@pytest.mark.parametrize("lanes", [1, 4])
def test_audit_record_bulk_writes_what_audit_record_would_hash_and_sign(world, settings, lanes):
    settings.KESU_AUDIT_LANES = lanes
    one, two = world.complaint(), world.complaint()
    actor = world.user(Role.ADMIN)
    tricky = {
        "fields": {"title": '引号"与\\反斜杠\n换行', "amount": Decimal("88.50"), "none": None},
        "when": datetime(2024, 3, 5, 6, 30, tzinfo=UTC),
        "on": date(2024, 3, 5),
        "list": [1, "二", {"b": 2, "a": 1}],
        "emoji": "😀\u2028",
    }
    items = [
        {"actor_id": actor.pk, "action": "test_a", "object_type": "complaints.complaint",
         "object_id": one.pk, "complaint_id": one.pk, "data": tricky},
        {"actor_id": None, "action": "test_b", "object_type": "organisation.branch",
         "object_id": world.branch.pk, "complaint_id": None, "data": {}},
        {"actor_id": actor.pk, "action": "test_c", "object_type": "complaints.complaint",
         "object_id": two.pk, "complaint_id": two.pk, "data": {"z": 1, "a": [None]}},
    ]  # fmt: skip
    before = AuditEntry.objects.count()
    assert audit_record_bulk(organisation_id=world.org.pk, items=items) == 3
    assert audit_record_bulk(organisation_id=world.org.pk, items=[]) == 0
    entries = list(AuditEntry.objects.order_by("-id")[:3])[::-1]
    assert AuditEntry.objects.count() == before + 3
    assert [e.action for e in entries] == ["test_a", "test_b", "test_c"]
    assert [e.lane for e in entries] == [
        complaint_lane(one.pk),
        entries[1].lane,
        complaint_lane(two.pk),
    ]
    assert entries[1].lane >= OTHER_LANES_FROM and entries[0].actor_id == actor.pk
    assert entries[0].data == to_jsonable(tricky)
    for entry in entries:  # the hash of the stored row, as verify_audit computes it
        assert entry.hash == entry_hash(
            prev_hash=entry.prev_hash,
            organisation_id=entry.organisation_id,
            seq=entry.seq,
            at=entry.at,
            actor_id=entry.actor_id,
            action=entry.action,
            object_type=entry.object_type,
            object_id=entry.object_id,
            complaint_id=entry.complaint_id,
            data=entry.data,
            visibility=entry.visibility,
            lane=entry.lane,
        )
        assert entry_mac_verifies(entry.hash, entry.mac)
    assert list(iter_chain_breaks()) == []
