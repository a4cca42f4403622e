"""The command that keeps and mails a month's reports by hand."""

from io import StringIO

import pytest
from django.core.management import CommandError, call_command

from kesu.reports.models import StoredReport


@pytest.fixture
def media(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path
    return tmp_path


def test_the_command_keeps_a_given_month(world, media):
    out = StringIO()
    call_command("keep_monthly_reports", "--month", "2026-10", stdout=out)
    assert "2026-10" in out.getvalue()
    assert StoredReport.objects.filter(slot=f"monthly:{world.branch.pk}:2026-10").exists()
    with pytest.raises(CommandError):
        call_command("keep_monthly_reports", "--month", "2026-13")
