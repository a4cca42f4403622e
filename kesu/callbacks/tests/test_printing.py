"""The printed callback record's contents and the complaint page's link to it."""

import pytest

from kesu.callbacks import printing
from kesu.callbacks.services import task_not_reached, task_record_outcome
from kesu.callbacks.tests.conftest import resolve, welcome_call
from kesu.customers.tests.factories import CustomerFactory
from kesu.organisation.choices import Role


@pytest.fixture
def called(anytime):
    """A resolved complaint whose satisfaction callback took two calls."""
    world = anytime
    customer = CustomerFactory(organisation=world.org, name="王建国", phone="+8613812345678")
    complaint = resolve(world, world.complaint(customer=customer, title="变速箱换挡顿挫"))
    task = complaint.callback_tasks.get()
    caller = world.user(Role.CALLBACK)
    task_not_reached(task_id=task.pk, actor=caller, result="no_answer", note="第一次无人接听")
    task_record_outcome(
        task_id=task.pk, actor=caller, satisfaction="satisfied", score=5, notes="客户很满意"
    )
    task.refresh_from_db()
    return complaint, task


def test_the_complaint_record_has_every_callback_and_call(called, anytime):
    complaint, task = called
    context = printing.complaint_record_context(anytime.user(Role.DIRECTOR), complaint)
    assert context["doc"] == printing.CALLBACK_RECORD
    assert [t.pk for t in context["tasks"]] == [task.pk]
    attempts = list(context["tasks"][0].call_attempts.all())
    assert [a.result for a in attempts] == ["no_answer", "reached"]
    assert attempts[0].note == "第一次无人接听"
    assert context["customer_phone"] == "+8613812345678"
    assert not context["capped"]


def test_the_record_reads_a_fixed_number_of_queries(called, anytime, django_assert_max_num_queries):
    complaint, _task = called
    user = anytime.user(Role.DIRECTOR)
    with django_assert_max_num_queries(4):  # one of them the customer's ratings
        context = printing.complaint_record_context(user, complaint)
        for t in context["tasks"]:
            [a.by for a in t.call_attempts.all()]


def test_the_record_is_capped(called, anytime, monkeypatch):
    complaint, _task = called
    monkeypatch.setattr(printing, "RECORD_CAP", 0)
    context = printing.complaint_record_context(anytime.user(Role.DIRECTOR), complaint)
    assert context["tasks"] == [] and context["capped"]


def test_the_group_sees_the_phone_masked(called, anytime):
    complaint, task = called
    context = printing.task_record_context(anytime.user(Role.GROUP), task)
    assert context["tasks"] == [task]
    assert context["customer_phone"] == "138****5678"


def test_the_link_is_for_who_works_with_callbacks_and_only_once_there_is_one(called, anytime):
    complaint, _task = called
    link = printing.callback_record_link(anytime.user(Role.DIRECTOR), complaint)
    assert link.url == f"/callbacks/complaints/{complaint.pk}/print/"
    assert printing.callback_record_link(anytime.user(Role.HANDLER), complaint) is None
    fresh = anytime.complaint()
    assert printing.callback_record_link(anytime.user(Role.DIRECTOR), fresh) is None


def test_a_welcome_call_record_has_no_complaint(anytime):
    task = welcome_call(anytime)
    context = printing.task_record_context(anytime.user(Role.CALLBACK), task)
    assert context["complaint"] is None and context["purchase"] == task.purchase
