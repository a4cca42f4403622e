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
    from kesu.complaints.tests.helpers import tick_required
    from kesu.organisation.choices import Role

    frontline, handler = world.user(Role.FRONTLINE), world.user(Role.HANDLER)
    workflow.complaint_confirm(complaint_id=complaint.pk, actor=frontline, method="signature")
    tick_required(complaint, "start_investigation", frontline)
    workflow.complaint_start_investigation(complaint_id=complaint.pk, actor=handler)
    workflow.complaint_propose_solution(
        complaint_id=complaint.pk, actor=handler, solution="免费更换零件"
    )
    workflow.complaint_accept_solution(complaint_id=complaint.pk, actor=frontline)
    return workflow.complaint_resolve(complaint_id=complaint.pk, actor=handler, result="已更换")


@pytest.fixture
def anytime(world):
    """Calls allowed at any hour of any day, so tests that use the real clock see today's list."""
    from datetime import time

    from kesu.callbacks.models import CallbackSettings

    CallbackSettings.objects.filter(organisation=world.org).update(
        call_from=time(0, 0),
        call_until=time(23, 59),
        rest_from=None,
        rest_until=None,
        working_days_only=False,
    )
    return world


def welcome_call(world, branch=None, now=None, **customer_fields):
    """A customer whose order took effect yesterday: their welcome call is due today."""
    from datetime import timedelta

    from django.utils import timezone

    from kesu.callbacks.plans import callbacks_for_purchase
    from kesu.customers.tests.factories import CustomerFactory, PurchaseFactory

    branch = branch or world.branch
    now = now or timezone.now()
    customer = CustomerFactory(organisation=world.org, branch=branch, **customer_fields)
    purchase = PurchaseFactory(
        customer=customer,
        branch=branch,
        product="途观L",
        order_effective_on=timezone.localtime(now).date() - timedelta(days=1),
    )
    (task,) = callbacks_for_purchase(purchase, now=now)
    return task


def advisor_call(world, branch=None, now=None, **customer_fields):
    """A customer whose car was delivered yesterday: the sales advisor's call (frontline) is due
    today; the callback specialist's 7- and 25-day calls are planned too."""
    from datetime import timedelta

    from django.utils import timezone

    from kesu.callbacks.plans import callbacks_for_purchase
    from kesu.customers.tests.factories import CustomerFactory, PurchaseFactory

    branch = branch or world.branch
    now = now or timezone.now()
    customer = CustomerFactory(organisation=world.org, branch=branch, **customer_fields)
    purchase = PurchaseFactory(
        customer=customer,
        branch=branch,
        product="途观L",
        delivered_on=timezone.localtime(now).date() - timedelta(days=1),
    )
    tasks = callbacks_for_purchase(purchase, now=now)
    (task,) = [t for t in tasks if t.plan.code == "delivery_3"]
    return task
