"""`manage.py verify_audit`: the rows against their timelines, then the chains and checkpoints."""

from io import StringIO

import pytest
from django.core.management import call_command
from django.core.management.base import CommandError

from kesu.audit import row_checks as row_checks_module
from kesu.audit.models import AuditEntry
from kesu.audit.row_checks import RowCheck

pytestmark = pytest.mark.django_db


def _run(*args) -> str:
    out = StringIO()
    call_command("verify_audit", *args, stdout=out)
    return out.getvalue()


def test_an_empty_trail_verifies_without_asking_for_checkpoints():
    out = _run("--skip-complaints")
    assert "Audit trail verified: 0 entries, no break." in out
    assert "audit_checkpoint" not in out


def test_a_trail_without_checkpoints_verifies_and_asks_for_them(world):
    world.complaint()
    total = AuditEntry.objects.count()
    out = _run()
    assert f"Audit trail verified: {total} entries, no break." in out
    assert "run audit_checkpoint" in out


def test_with_a_checkpoint_it_asks_for_nothing_more(world, settings):
    world.complaint()
    call_command("audit_checkpoint", stdout=StringIO())
    out = _run()
    assert "no break" in out
    assert "run audit_checkpoint" not in out


def test_another_checkpoint_file_is_read_when_given(world, tmp_path):
    world.complaint()
    copy = tmp_path / "shipped.jsonl"
    call_command("audit_checkpoint", "--file", str(copy), stdout=StringIO())
    assert "run audit_checkpoint" not in _run("--checkpoints", str(copy))
    assert "run audit_checkpoint" in _run()


def test_an_edited_entry_fails_the_command(world):
    complaint = world.complaint()
    AuditEntry.objects.filter(complaint_id=complaint.pk).update(object_type="forged")
    with pytest.raises(CommandError, match="does not verify"):
        _run()


def test_a_row_check_with_mismatches_is_printed_and_fails_after_the_trail(world, monkeypatch):
    world.complaint()
    check = RowCheck(
        mismatches=lambda: ["complaint 7 says closed"],
        verified=lambda: "rows match",
        failed=lambda n: f"{n} rows differ",
    )
    monkeypatch.setattr(row_checks_module, "row_checks", [check])
    monkeypatch.setattr("kesu.audit.management.commands.verify_audit.row_checks", [check])
    out = StringIO()
    with pytest.raises(CommandError, match="1 rows differ"):
        call_command("verify_audit", stdout=out)
    assert "complaint 7 says closed" in out.getvalue()
    # The trail itself was still verified before the command failed.
    assert "no break" in out.getvalue()


def test_skip_complaints_runs_no_row_check(world, monkeypatch):
    def boom():
        raise AssertionError("row check ran")

    check = RowCheck(mismatches=boom, verified=lambda: "", failed=lambda n: "")
    monkeypatch.setattr("kesu.audit.management.commands.verify_audit.row_checks", [check])
    assert "no break" in _run("--skip-complaints")


def test_the_complaints_check_reports_matching_rows_before_the_trail(world):
    world.complaint()
    lines = _run().splitlines()
    verified = [check.verified() for check in row_checks_module.row_checks]
    assert verified and lines[: len(verified)] == verified
    assert "no break" in lines[len(verified)]
