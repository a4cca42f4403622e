"""`manage.py audit_checkpoint`: the signed head of every lane appended to the checkpoint file."""

import json
from io import StringIO

import pytest
from django.core.management import call_command

from kesu.audit.checkpoints import iter_checkpoint_breaks

pytestmark = pytest.mark.django_db


def test_it_appends_one_signed_line_per_lane_and_says_so(world, settings):
    world.complaint()
    out = StringIO()
    call_command("audit_checkpoint", stdout=out)
    lines = settings.KESU_AUDIT_CHECKPOINT_FILE.read_text().splitlines()
    assert lines and all(json.loads(line)["mac"] for line in lines)
    assert out.getvalue().strip() == (
        f"{len(lines)} lane heads checkpointed to {settings.KESU_AUDIT_CHECKPOINT_FILE}"
    )
    assert list(iter_checkpoint_breaks(settings.KESU_AUDIT_CHECKPOINT_FILE)) == []


def test_another_file_can_be_given(world, settings, tmp_path):
    world.complaint()
    elsewhere = tmp_path / "copy.jsonl"
    call_command("audit_checkpoint", "--file", str(elsewhere), stdout=StringIO())
    assert elsewhere.read_text().splitlines()
    assert not settings.KESU_AUDIT_CHECKPOINT_FILE.exists()


def test_each_run_appends(world, settings):
    world.complaint()
    call_command("audit_checkpoint", stdout=StringIO())
    once = len(settings.KESU_AUDIT_CHECKPOINT_FILE.read_text().splitlines())
    call_command("audit_checkpoint", stdout=StringIO())
    assert len(settings.KESU_AUDIT_CHECKPOINT_FILE.read_text().splitlines()) == 2 * once


def test_verbosity_zero_prints_nothing(world, settings):
    world.complaint()
    out = StringIO()
    call_command("audit_checkpoint", verbosity=0, stdout=out)
    assert out.getvalue() == ""
    assert settings.KESU_AUDIT_CHECKPOINT_FILE.exists()
