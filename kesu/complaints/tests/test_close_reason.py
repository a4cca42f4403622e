"""close_reason holds a code; what the customer said goes in close_note (migration 0011)."""

import importlib

from django.apps import apps

from kesu.complaints import workflow
from kesu.complaints.choices import CloseReason, State
from kesu.complaints.consistency import replay
from kesu.complaints.models import Complaint
from kesu.organisation.choices import Role

migration = importlib.import_module("kesu.complaints.migrations.0011_close_reason_code")


def test_withdrawal_keeps_the_code_and_the_customers_words_apart(world):
    complaint = world.complaint()
    workflow.complaint_withdraw(
        complaint_id=complaint.pk, actor=world.user(Role.FRONTLINE), reason=" 客户已自行解决 "
    )
    complaint.refresh_from_db()
    assert complaint.close_reason == CloseReason.WITHDRAWN
    assert complaint.close_note == "客户已自行解决"
    assert str(complaint.get_close_reason_display()) == "Withdrawn by the customer"


def test_reopening_clears_the_reason(world):
    complaint = world.complaint()
    Complaint.objects.filter(pk=complaint.pk).update(
        state=State.CLOSED, close_reason=CloseReason.COMPLETED
    )
    workflow.complaint_reopen(
        complaint_id=complaint.pk, actor=world.user(Role.DIRECTOR), reason="客户仍不满意"
    )
    complaint.refresh_from_db()
    assert complaint.close_reason == ""


def test_migration_moves_free_text_out_of_close_reason(world):
    rows = {
        "completed": (State.CLOSED, "completed"),
        "merged": (State.MERGED, "merged"),
        "open": (State.INVESTIGATING, ""),
        "withdrawn": (State.WITHDRAWN, "客户已自行解决"),
        "odd": (State.CLOSED, "电话里说不用了"),
    }
    ids = {}
    for name, (state, reason) in rows.items():
        complaint = world.complaint()
        Complaint.objects.filter(pk=complaint.pk).update(state=state, close_reason=reason)
        ids[name] = complaint.pk

    migration.move_free_text_to_close_note(apps, None)

    after = {
        name: Complaint.objects.values_list("close_reason", "close_note").get(pk=pk)
        for name, pk in ids.items()
    }
    assert after == {
        "completed": ("completed", ""),
        "merged": ("merged", ""),
        "open": ("", ""),
        "withdrawn": ("withdrawn", "客户已自行解决"),
        "odd": ("other", "电话里说不用了"),
    }

    migration.move_close_note_back(apps, None)
    back = dict(Complaint.objects.filter(pk__in=ids.values()).values_list("pk", "close_reason"))
    assert {name: back[pk] for name, pk in ids.items()} == {
        name: reason for name, (_state, reason) in rows.items()
    }


def test_the_audit_replay_reads_an_old_withdrawal_as_the_migration_wrote_it():
    entries = [
        ("register", 1, {"to": State.REGISTERED, "fields": {}}),
        (
            "withdraw",
            1,
            {
                "from": State.REGISTERED,
                "to": State.WITHDRAWN,
                "changes": {"close_reason": ["", "客户已自行解决"]},
            },
        ),
    ]
    values = replay(entries, moves=frozenset({"withdraw"}))
    assert values["close_reason"] == CloseReason.WITHDRAWN
    assert values["close_note"] == "客户已自行解决"
