"""What someone who can write to the database, but holds neither the audit key nor the checkpoint
file, can no longer do unnoticed."""

import importlib
import json

import pytest
from django.apps import apps
from django.core.management import call_command
from django.core.management.base import CommandError
from django.db.models import F

from kesu.audit.checkpoints import iter_checkpoint_breaks, write_checkpoint
from kesu.audit.keys import entry_mac_verifies
from kesu.audit.models import AuditChain, AuditEntry
from kesu.audit.services import GENESIS_HASH, entry_hash, iter_chain_breaks
from kesu.complaints.selectors import complaint_timeline
from kesu.complaints.services import complaint_add_note
from kesu.customers.services import customer_create
from kesu.organisation.choices import Role


@pytest.fixture
def complaint(world):
    complaint = world.complaint()
    for text in ["第一次回访", "第二次回访", "第三次回访", "第四次回访"]:
        complaint_add_note(complaint_id=complaint.pk, actor=world.user(Role.FRONTLINE), text=text)
    world.complaint()  # another lane, untouched by the tampering below
    return complaint


def _lane_of(complaint) -> list[AuditEntry]:
    lane = AuditEntry.objects.filter(complaint_id=complaint.pk).first().lane
    return list(
        AuditEntry.objects.filter(organisation_id=complaint.organisation_id, lane=lane).order_by(
            "seq"
        )
    )


def _rehash(entry: AuditEntry, prev_hash: str) -> str:
    """Kesu's own hash function, as someone who read the code would use it."""
    return entry_hash(
        prev_hash=prev_hash,
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


def _verify(capsys) -> str:
    with pytest.raises(CommandError):
        call_command("verify_audit")
    return capsys.readouterr().out


def test_a_clean_trail_verifies_with_its_checkpoints(complaint, world, capsys, settings):
    assert write_checkpoint() >= 2
    complaint_add_note(complaint_id=complaint.pk, actor=world.user(Role.FRONTLINE), text="又来电")
    assert write_checkpoint() >= 2

    assert list(iter_chain_breaks()) == []
    assert list(iter_checkpoint_breaks()) == []
    call_command("verify_audit")
    assert "no break" in capsys.readouterr().out
    lines = settings.KESU_AUDIT_CHECKPOINT_FILE.read_text().splitlines()
    record = json.loads(lines[0])
    assert set(record) == {"org", "lane", "seq", "hash", "at", "mac"}
    assert record["org"] == world.org.pk


def test_rewriting_an_entry_and_rehashing_the_rest_is_reported(complaint, capsys):
    entries = _lane_of(complaint)
    victim = entries[2]
    victim.data = {**victim.data, "text": "客户表示满意"}
    prev = victim.prev_hash
    for entry in entries[2:]:
        entry.prev_hash = prev
        entry.hash = prev = _rehash(entry, prev)
    AuditEntry.objects.bulk_update(entries[2:], ["data", "prev_hash", "hash"])
    AuditChain.objects.filter(organisation_id=complaint.organisation_id, lane=victim.lane).update(
        last_hash=prev
    )

    (brk,) = iter_chain_breaks()

    # The hashes and links all agree again: only the MAC shows the rewrite.
    assert (brk.lane, brk.seq, brk.entry_id, brk.problem) == (
        victim.lane,
        victim.seq,
        victim.pk,
        "mac_mismatch",
    )
    assert f"seq={victim.seq}" in _verify(capsys)


def test_deleting_the_newest_entries_and_moving_the_head_back_is_reported(complaint, world, capsys):
    write_checkpoint()
    entries = _lane_of(complaint)
    keep = entries[-3]
    AuditEntry.objects.filter(pk__in=[e.pk for e in entries[-2:]]).delete()
    AuditChain.objects.filter(organisation_id=complaint.organisation_id, lane=keep.lane).update(
        last_seq=keep.seq, last_hash=keep.hash
    )

    # The chain alone looks whole: it is the checkpoint that anchors it.
    assert list(iter_chain_breaks()) == []
    (brk,) = iter_checkpoint_breaks()
    assert (brk.organisation_id, brk.lane, brk.seq, brk.problem) == (
        world.org.pk,
        keep.lane,
        entries[-1].seq,
        "checkpoint_mismatch",
    )
    assert "checkpoint line" in _verify(capsys)

    # Writing on after the truncation does not hide it: the checkpointed seq has another hash.
    for text in ["补记一", "补记二", "补记三"]:
        complaint_add_note(complaint_id=complaint.pk, actor=world.user(Role.FRONTLINE), text=text)
    assert list(iter_chain_breaks()) == []
    (brk,) = iter_checkpoint_breaks()
    assert brk.problem == "checkpoint_mismatch" and brk.seq == entries[-1].seq


def test_emptying_a_lane_is_reported(complaint):
    write_checkpoint()
    entries = _lane_of(complaint)
    AuditEntry.objects.filter(pk__in=[e.pk for e in entries]).delete()
    AuditChain.objects.filter(
        organisation_id=complaint.organisation_id, lane=entries[0].lane
    ).update(last_seq=0, last_hash="", base_seq=0)
    assert list(iter_chain_breaks()) == []
    (brk,) = iter_checkpoint_breaks()
    assert brk.problem == "checkpoint_mismatch"


def test_a_forged_checkpoint_line_is_reported(complaint, settings, capsys):
    write_checkpoint()
    entries = _lane_of(complaint)
    path = settings.KESU_AUDIT_CHECKPOINT_FILE
    record = json.loads(path.read_text().splitlines()[0])
    # Someone "checkpoints" a shorter head to cover a truncation, without the key.
    forged = {**record, "seq": entries[1].seq, "hash": entries[1].hash, "mac": "0" * 64}
    edited = {**record, "seq": record["seq"] + 1}  # a real line, edited
    with open(path, "a") as fh:
        fh.write(json.dumps(forged) + "\n" + json.dumps(edited) + "\nnot json\n")
    lines = len(path.read_text().splitlines())

    breaks = list(iter_checkpoint_breaks())

    assert [(b.problem, b.line) for b in breaks] == [
        ("checkpoint_bad_mac", lines - 2),
        ("checkpoint_bad_mac", lines - 1),
        ("checkpoint_bad_mac", lines),
    ]
    assert f"checkpoint line {lines - 2} does not verify" in _verify(capsys)


def test_a_row_deleted_in_the_middle_is_reported(complaint, capsys):
    write_checkpoint()
    victim = _lane_of(complaint)[2]
    AuditEntry.objects.filter(pk=victim.pk).delete()

    (brk,) = iter_chain_breaks()
    assert (brk.lane, brk.seq, brk.problem) == (victim.lane, victim.seq, "missing_entry")
    assert list(iter_checkpoint_breaks()) == []  # the head is still there
    assert f"seq={victim.seq}" in _verify(capsys)


def test_the_audit_key_can_be_rotated(world, settings):
    settings.KESU_AUDIT_KEY = "first-key"
    complaint = world.complaint()
    write_checkpoint()

    settings.KESU_AUDIT_KEY = "second-key"
    assert {b.problem for b in iter_chain_breaks()} == {"mac_mismatch"}
    assert {b.problem for b in iter_checkpoint_breaks()} == {"checkpoint_bad_mac"}

    settings.KESU_AUDIT_KEYS_OLD = ["first-key"]
    complaint_add_note(complaint_id=complaint.pk, actor=complaint.registered_by, text="换钥匙之后")
    write_checkpoint()
    assert list(iter_chain_breaks()) == []
    assert list(iter_checkpoint_breaks()) == []
    newest = AuditEntry.objects.latest("id")
    assert entry_mac_verifies(newest.hash, newest.mac, [b"second-key"])
    assert not entry_mac_verifies(newest.hash, newest.mac, [b"first-key"])


def test_the_upgrade_signs_the_existing_entries_and_creates_the_lanes(world, settings):
    # The trail as before lanes: one chain (lane 0), no MACs.
    settings.KESU_AUDIT_LANES = 1
    complaints = [world.complaint() for _ in range(3)]
    AuditChain.objects.exclude(lane=0).delete()
    AuditEntry.objects.update(mac="")
    head = AuditChain.objects.get(organisation=world.org)
    assert {b.problem for b in iter_chain_breaks()} == {"mac_mismatch"}

    settings.KESU_AUDIT_LANES = 16
    migration = importlib.import_module("kesu.audit.migrations.0004_fill_macs")
    migration.fill_macs(apps, None)
    migration.create_lanes(apps, None)

    assert list(iter_chain_breaks()) == []
    lanes = AuditChain.objects.filter(organisation=world.org).exclude(lane=0)
    assert lanes.count() == 31 and {c.base_seq for c in lanes} == {head.last_seq}
    for complaint in complaints:
        complaint_add_note(complaint_id=complaint.pk, actor=complaint.registered_by, text="升级后")
        timeline = list(complaint_timeline(world.user(Role.GROUP), complaint.pk))
        assert timeline[0].action == "register" and timeline[-1].data == {"text": "升级后"}
    assert list(iter_chain_breaks()) == []


def test_a_complaint_keeps_its_lane_and_other_entries_go_elsewhere(world, settings):
    settings.KESU_AUDIT_LANES = 16
    complaints = [world.complaint() for _ in range(3)]
    for complaint in complaints:
        lanes = set(
            AuditEntry.objects.filter(complaint_id=complaint.pk).values_list("lane", flat=True)
        )
        assert lanes == {complaint.pk % 16}
    customer = customer_create(actor=world.user(Role.FRONTLINE), name="张三", phone="13800138000")
    entry = AuditEntry.objects.get(action="customer_create", object_id=customer.pk)
    assert entry.lane >= 1000 and entry.complaint_id is None
    assert list(iter_chain_breaks()) == []


def test_raising_the_lanes_keeps_each_timeline_in_order(world, settings):
    settings.KESU_AUDIT_LANES = 1  # as before lanes: one chain
    complaints = [world.complaint() for _ in range(3)]
    actor = world.user(Role.FRONTLINE)
    for complaint in complaints:
        complaint_add_note(complaint_id=complaint.pk, actor=actor, text="之前")
    settings.KESU_AUDIT_LANES = 16
    for complaint in complaints:
        complaint_add_note(complaint_id=complaint.pk, actor=actor, text="之后")

    for complaint in complaints:
        timeline = list(complaint_timeline(world.user(Role.GROUP), complaint.pk))
        assert [e.action for e in timeline][0] == "register"
        assert [e.data.get("text") for e in timeline if e.action == "note"] == ["之前", "之后"]
        assert timeline == sorted(timeline, key=lambda e: e.at)
    assert list(iter_chain_breaks()) == []


def test_the_command_and_the_task_write_checkpoints(complaint, settings, world, capsys):
    from kesu.audit import tasks

    call_command("audit_checkpoint")
    assert "lane heads checkpointed" in capsys.readouterr().out
    first = len(settings.KESU_AUDIT_CHECKPOINT_FILE.read_text().splitlines())
    # One line per lane with entries (two complaints: two lanes).
    assert first == AuditChain.objects.filter(last_seq__gt=F("base_seq")).count() == 2
    assert tasks.audit_checkpoint.apply().get() == first
    assert len(settings.KESU_AUDIT_CHECKPOINT_FILE.read_text().splitlines()) == 2 * first
    assert "kesu.audit.tasks.audit_checkpoint" in {
        entry["task"] for entry in settings.CELERY_BEAT_SCHEDULE.values()
    }


def test_the_worker_checkpoints(complaint, settings):
    call_command("run_worker", "--once")
    lines = settings.KESU_AUDIT_CHECKPOINT_FILE.read_text().splitlines()
    assert lines and all(json.loads(line)["mac"] for line in lines)


def test_a_new_lane_starts_with_the_genesis_link(complaint):
    first = _lane_of(complaint)[0]
    assert first.prev_hash == GENESIS_HASH


def test_deleting_a_lanes_head_row_is_reported(complaint):
    lane = _lane_of(complaint)[0].lane
    AuditChain.objects.filter(organisation_id=complaint.organisation_id, lane=lane).delete()

    (brk,) = iter_chain_breaks()
    assert (brk.lane, brk.seq, brk.problem) == (lane, 1, "head_missing")
