import pytest
from django.core.management import call_command
from django.core.management.base import CommandError

from kesu.audit.models import AuditEntry
from kesu.audit.services import iter_chain_breaks
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
