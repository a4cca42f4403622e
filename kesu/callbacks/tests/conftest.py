"""Fixtures of the callback tests: fixed clocks in the business time zone."""

from datetime import datetime
from zoneinfo import ZoneInfo

import pytest

TZ = ZoneInfo("Asia/Shanghai")


def at(year, month, day, hour=10, minute=0) -> datetime:
    return datetime(year, month, day, hour, minute, tzinfo=TZ)


@pytest.fixture
def callback_user(world):
    from kesu.organisation.choices import Role

    return world.user(Role.CALLBACK)


def resolve(world, complaint):
    """Take a registered complaint through the procedure to `resolved`."""
    from kesu.complaints import workflow
    from kesu.organisation.choices import Role

    frontline, handler = world.user(Role.FRONTLINE), world.user(Role.HANDLER)
    workflow.complaint_confirm(complaint_id=complaint.pk, actor=frontline, method="signature")
    workflow.complaint_start_investigation(complaint_id=complaint.pk, actor=handler)
    workflow.complaint_propose_solution(
        complaint_id=complaint.pk, actor=handler, solution="免费更换零件"
    )
    workflow.complaint_accept_solution(complaint_id=complaint.pk, actor=frontline)
    return workflow.complaint_resolve(complaint_id=complaint.pk, actor=handler, result="已更换")
