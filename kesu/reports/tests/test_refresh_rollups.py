"""`manage.py refresh_rollups`: the worker's refresh of the monthly counts, by hand."""

from datetime import datetime

import pytest
from django.core.management import CommandError, call_command
from django.utils import timezone

from kesu.reports.models import MonthlyCount, RollupState


def test_it_counts_every_month_the_first_time_and_again_with_rebuild(world, capsys):
    received = datetime(2026, 10, 9, 10, tzinfo=timezone.get_fixed_timezone(8 * 60))
    world.complaint(received_at=received)
    call_command("refresh_rollups", organisation=world.org.code)
    assert f"{world.org.code}: 1 months counted" in capsys.readouterr().out
    assert RollupState.objects.filter(organisation=world.org).exists()
    assert MonthlyCount.objects.filter(organisation=world.org, dimension="total").get().count == 1
    call_command("refresh_rollups", organisation=world.org.code, rebuild=True)
    assert f"{world.org.code}: 1 months counted" in capsys.readouterr().out


def test_an_unknown_organisation_is_refused(db):
    with pytest.raises(CommandError, match="No organisation"):
        call_command("refresh_rollups", organisation="nowhere")
