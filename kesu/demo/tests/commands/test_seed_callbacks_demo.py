"""The seed_callbacks_demo command: needs the demo organisation, then says how many callbacks."""

from io import StringIO

import pytest
from django.core.management import CommandError, call_command

from kesu.callbacks.models import CallbackTask
from kesu.organisation.models import Organisation


def test_without_the_demo_it_asks_for_seed_demo_first(db):
    with pytest.raises(CommandError, match="Run seed_demo first"):
        call_command("seed_callbacks_demo")
    assert not CallbackTask.objects.exists()


def test_it_seeds_the_demo_once_and_reports_the_count(db):
    call_command("seed_demo", stdout=StringIO())
    out = StringIO()
    call_command("seed_callbacks_demo", stdout=out)
    demo = Organisation.objects.get(code="demo")
    count = CallbackTask.objects.filter(organisation=demo).count()
    assert count > 0
    assert out.getvalue() == f"{count} callbacks in the demo organisation.\n"
    again = StringIO()
    call_command("seed_callbacks_demo", stdout=again)
    assert again.getvalue() == out.getvalue()
    assert CallbackTask.objects.filter(organisation=demo).count() == count
