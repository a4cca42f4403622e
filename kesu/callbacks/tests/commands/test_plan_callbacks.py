"""The plan_callbacks command: plans the day for every organisation (or one), as of today or a
given day, prints a line per organisation and refuses bad arguments."""

from datetime import date
from io import StringIO

import pytest
from django.core.management import CommandError, call_command

from kesu.callbacks.models import CallbackTask
from kesu.complaints.defaults import install_defaults
from kesu.customers.tests.factories import CustomerFactory, PurchaseFactory
from kesu.organisation.tests.factories import OrganisationFactory


def run(**options) -> str:
    out = StringIO()
    call_command("plan_callbacks", stdout=out, **options)
    return out.getvalue()


@pytest.fixture
def ordered(world):
    """An order that took effect on 9 March 2026, recorded without the service's hook."""
    customer = CustomerFactory(organisation=world.org, branch=world.branch)
    return PurchaseFactory(
        customer=customer, branch=world.branch, order_effective_on=date(2026, 3, 9)
    )


def test_planning_a_given_day_creates_its_callbacks_once(world, ordered):
    out = run(date="2026-03-10")
    assert out.startswith(f"{world.org.code}: 1 purchase callbacks, ")
    task = CallbackTask.objects.get(purchase=ordered)
    assert task.plan.code == "welcome" and task.due_on == date(2026, 3, 10)
    assert "0 purchase callbacks" in run(date="2026-03-10")
    assert CallbackTask.objects.filter(purchase=ordered).count() == 1


def test_one_line_per_organisation_or_only_the_one_named(world, ordered):
    other = OrganisationFactory()
    install_defaults(other)
    lines = run(date="2026-03-10").splitlines()
    assert [line.split(":")[0] for line in lines] == [world.org.code, other.code]
    only = run(date="2026-03-11", organisation=other.code).splitlines()
    assert len(only) == 1 and only[0].startswith(f"{other.code}: ")


def test_a_day_too_long_ago_plans_nothing(world, ordered):
    assert "0 purchase callbacks" in run(date="2026-06-01")
    assert not CallbackTask.objects.filter(purchase=ordered).exists()


def test_bad_arguments_are_refused(world):
    with pytest.raises(CommandError, match="YYYY-MM-DD"):
        run(date="10.03.2026")
    with pytest.raises(CommandError, match="no organisation with code 'nope'"):
        run(organisation="nope")
