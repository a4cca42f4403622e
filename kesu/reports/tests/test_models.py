"""Kept reports: one per slot, their title."""

from datetime import date

import pytest
from django.db import IntegrityError
from django.utils import timezone

from kesu.reports.choices import Reach
from kesu.reports.models import StoredReport


def _kept(world, **kwargs):
    return StoredReport.objects.create(
        organisation=world.org,
        period_kind="month",
        period_start=date(2026, 11, 1),
        period_end=date(2026, 12, 1),
        generated_at=timezone.now(),
        **kwargs,
    )


def test_one_report_per_slot_and_its_title(world):
    kept = _kept(world, reach=Reach.BRANCH, branch=world.branch, slot="monthly:1:2026-11")
    assert kept.title == f"2026-11 · {world.branch.name}" and str(kept) == kept.slot
    with pytest.raises(IntegrityError):
        _kept(world, reach=Reach.BRANCH, branch=world.branch, slot="monthly:1:2026-11")
