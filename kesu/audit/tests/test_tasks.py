"""kesu/audit/tasks.py: the scheduled checkpoint task."""

import json

import pytest

from kesu.audit import tasks

pytestmark = pytest.mark.django_db


def test_the_task_writes_a_checkpoint_and_returns_the_lanes_written(world, settings):
    world.complaint()
    written = tasks.audit_checkpoint.apply().get()
    lines = settings.KESU_AUDIT_CHECKPOINT_FILE.read_text().splitlines()
    assert written == len(lines) > 0
    assert all(json.loads(line)["mac"] for line in lines)


def test_the_task_has_the_name_the_beat_schedule_uses(settings):
    assert tasks.audit_checkpoint.name == "kesu.audit.tasks.audit_checkpoint"
    assert tasks.audit_checkpoint.name in {
        entry["task"] for entry in settings.CELERY_BEAT_SCHEDULE.values()
    }


def test_with_no_entries_nothing_is_checkpointed(db, settings):
    assert tasks.audit_checkpoint.apply().get() == 0
