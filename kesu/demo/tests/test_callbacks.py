"""The demo callbacks: a day's list for the east branch, a satisfaction callback for the director,
a month of finished callbacks in both branches and last week's samples, all made once."""

from io import StringIO

import pytest
from django.core.management import call_command

from kesu.callbacks.choices import Event, TaskStatus
from kesu.callbacks.models import CallbackTask, CustomerCallPreference, Lead, SampleDraw
from kesu.complaints.choices import State
from kesu.customers.models import Customer
from kesu.demo.callbacks import HISTORY_NAMES, TODAY, seed
from kesu.organisation.models import Organisation


@pytest.fixture
def demo(db):
    call_command("seed_demo", stdout=StringIO())
    return Organisation.objects.get(code="demo")


def test_the_demo_gets_its_customers_callbacks_and_samples(demo):
    count = seed(demo)
    tasks = CallbackTask.objects.filter(organisation=demo)
    assert count == tasks.count() > 0
    # Every customer of the day has a callback planned from their purchase.
    for name, phone, *_rest in TODAY:
        customer = Customer.objects.get(organisation=demo, phone=f"+86{phone}")
        assert customer.name == name and customer.branch.code == "east"
        assert tasks.filter(customer=customer, purchase__isnull=False).exists(), name
    evening = CustomerCallPreference.objects.get(customer__name="刘芳")
    assert (evening.window_from.hour, evening.window_until.hour) == (18, 20)
    # The complaint resolved today waits for the director's satisfaction callback.
    satisfaction = tasks.get(event=Event.COMPLAINT_RESOLVED, complaint__title="新车天窗异响")
    assert satisfaction.complaint.state == State.RESOLVED
    assert satisfaction.assignee.username == "director"
    # A month of history in both branches, and last week's sample draws for both.
    history = tasks.filter(customer__name__in=HISTORY_NAMES)
    finished = history.exclude(status=TaskStatus.OPEN)
    assert {t.branch.code for t in finished} == {"east", "west"}
    assert finished.filter(status=TaskStatus.DONE).exists()
    assert Lead.objects.filter(organisation=demo).exists()
    assert {d.branch.code for d in SampleDraw.objects.filter(organisation=demo)} == {"east", "west"}


def test_seeding_again_adds_nothing(demo):
    count = seed(demo)
    customers = Customer.objects.filter(organisation=demo).count()
    draws = SampleDraw.objects.filter(organisation=demo).count()
    assert seed(demo) == count
    assert Customer.objects.filter(organisation=demo).count() == customers
    assert SampleDraw.objects.filter(organisation=demo).count() == draws
