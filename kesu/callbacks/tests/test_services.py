"""Recording calls: retries by rule up to the limit, outcomes, and the complaint procedure."""

from datetime import time, timedelta

import pytest
from django.core.exceptions import ValidationError

from kesu.audit.models import AuditEntry
from kesu.callbacks.choices import ClosedBy, ResponseChannel, TaskStatus
from kesu.callbacks.models import (
    CallAttempt,
    CallbackTask,
    CustomerCallPreference,
    Lead,
    SurveyResponse,
)
from kesu.callbacks.services import (
    NewComplaint,
    set_call_preference,
    task_not_reached,
    task_record_outcome,
)
from kesu.callbacks.tests.conftest import at, resolve, welcome_call
from kesu.complaints.choices import Channel, EscalationLevel, State
from kesu.complaints.models import Complaint
from kesu.core.errors import InvalidState, NotAllowed, NotFound
from kesu.organisation.choices import Role

TUESDAY = at(2026, 3, 10, 10)


def test_an_unreached_customer_is_retried_by_rule_and_given_up_after_the_limit(world):
    task = welcome_call(world, now=TUESDAY)
    user = world.user(Role.CALLBACK)
    assert task.call_from == at(2026, 3, 10, 9)
    # 10:00 + 2 h lands in the midday rest: the next try is at 14:00.
    task = task_not_reached(task_id=task.pk, actor=user, now=TUESDAY)
    assert (task.status, task.attempts, task.call_from) == (TaskStatus.OPEN, 1, at(2026, 3, 10, 14))
    task = task_not_reached(task_id=task.pk, actor=user, result="busy", now=at(2026, 3, 10, 19))
    # 19:00 + 2 h is after calling hours: the next working morning.
    assert (task.attempts, task.call_from) == (2, at(2026, 3, 11, 9))
    task = task_not_reached(task_id=task.pk, actor=user, now=at(2026, 3, 11, 9, 5))
    assert task.status == TaskStatus.UNREACHED and task.attempts == 3
    assert task.closed_by == ClosedBy.CALL and task.completed_by == user
    assert task.on_time is True  # the welcome call counted as on time until 11 March
    results = list(CallAttempt.objects.filter(task=task).values_list("result", flat=True))
    assert results == ["no_answer", "busy", "no_answer"]
    assert AuditEntry.objects.filter(action="callback_attempt", object_id=task.pk).count() == 3
    with pytest.raises(InvalidState):
        task_not_reached(task_id=task.pk, actor=user, now=at(2026, 3, 11, 10))


def test_the_attempt_limit_is_the_organisations(world):
    from kesu.callbacks.models import CallbackSettings

    CallbackSettings.objects.filter(organisation=world.org).update(max_attempts=1)
    task = welcome_call(world, now=TUESDAY)
    task = task_not_reached(task_id=task.pk, actor=world.user(Role.CALLBACK), now=TUESDAY)
    assert task.status == TaskStatus.UNREACHED


def test_a_wrong_number_ends_the_callback_and_call_later_keeps_the_count(world):
    user = world.user(Role.CALLBACK)
    task = welcome_call(world, now=TUESDAY)
    later = at(2026, 3, 10, 16, 30)
    task = task_not_reached(
        task_id=task.pk, actor=user, result="call_later", call_back_at=later, now=TUESDAY
    )
    assert (task.status, task.attempts, task.call_from) == (TaskStatus.OPEN, 0, later)
    with pytest.raises(ValidationError):
        task_not_reached(task_id=task.pk, actor=user, result="call_later", now=TUESDAY)
    task = task_not_reached(task_id=task.pk, actor=user, result="wrong_number", now=later)
    assert task.status == TaskStatus.UNREACHED and task.attempts == 1


def test_retries_stay_inside_the_customers_window(world):
    customer_task = welcome_call(world, now=at(2026, 3, 9, 8))
    set_call_preference(
        actor=world.user(Role.CALLBACK),
        customer=customer_task.customer,
        window_from=time(18, 30),
        window_until=time(20, 0),
    )
    customer_task.refresh_from_db()
    assert customer_task.call_from.astimezone(at(2026, 1, 1).tzinfo).time() == time(18, 30)
    task = task_not_reached(
        task_id=customer_task.pk, actor=world.user(Role.CALLBACK), now=at(2026, 3, 10, 18, 40)
    )
    assert task.call_from == at(2026, 3, 11, 18, 30)
    assert task.call_until == at(2026, 3, 11, 20, 0)


def test_a_satisfied_customer_verifies_the_complaint(world):
    complaint = resolve(world, world.complaint())
    task = CallbackTask.objects.get(complaint=complaint)
    director = world.user(Role.DIRECTOR)
    outcome = task_record_outcome(
        task_id=task.pk,
        actor=director,
        satisfaction="satisfied",
        score=5,
        answers={"result": "5", "staff": "4", "nps": "9", "comment": "很好"},
    )
    complaint.refresh_from_db()
    assert outcome.complaint_move == "verify"
    assert complaint.state == State.VERIFIED and complaint.satisfaction == "satisfied"
    task.refresh_from_db()
    assert task.status == TaskStatus.DONE and task.closed_by == ClosedBy.CALL and task.score == 5
    response = SurveyResponse.objects.get(task=task)
    assert response.complaint == complaint and response.channel == ResponseChannel.PHONE
    assert response.answers == {"result": 5, "staff": 4, "nps": 9, "comment": "很好"}


def test_a_dissatisfied_customer_reopens_the_complaint_to_the_general_manager(world):
    complaint = resolve(world, world.complaint())
    task = CallbackTask.objects.get(complaint=complaint)
    director = world.user(Role.DIRECTOR)
    with pytest.raises(ValidationError) as refused:
        task_record_outcome(task_id=task.pk, actor=director, satisfaction="dissatisfied")
    assert "notes" in refused.value.error_dict
    assert Complaint.objects.get(pk=complaint.pk).state == State.RESOLVED  # nothing changed
    task_record_outcome(
        task_id=task.pk, actor=director, satisfaction="dissatisfied", notes="异响还在"
    )
    complaint.refresh_from_db()
    assert complaint.state == State.INVESTIGATING and complaint.reopen_count == 1
    assert complaint.escalation_level == EscalationLevel.GENERAL_MANAGER
    assert complaint.owner == world.user(Role.GENERAL_MANAGER)
    assert CallbackTask.objects.get(pk=task.pk).status == TaskStatus.DONE


def test_a_callback_can_raise_a_new_complaint_and_a_lead(world):
    task = welcome_call(world)
    user = world.user(Role.CALLBACK)
    outcome = task_record_outcome(
        task_id=task.pk,
        actor=user,
        satisfaction="neutral",
        new_complaint=NewComplaint(
            title="交车时缺少备用钥匙", account="只给了一把钥匙。", demand="other"
        ),
        lead_interest="延保",
    )
    raised = outcome.raised_complaint
    assert raised.channel == Channel.CALLBACK and raised.customer == task.customer
    assert raised.purchase == task.purchase and raised.branch == task.branch
    assert raised.registered_by == user and f"#{task.pk}" in raised.channel_detail
    # About an order: the sales department's, not the callback specialist's own department.
    assert raised.department == world.sales
    assert CallbackTask.objects.get(pk=task.pk).raised_complaint == raised
    assert Lead.objects.get(task=task).interest == "延保"
    entry = AuditEntry.objects.get(action="callback_outcome", object_id=task.pk)
    assert entry.data["raised_complaint"] == raised.pk and entry.actor == user


def test_a_complaint_raised_on_a_call_about_a_complaint_goes_to_its_department(world):
    from kesu.callbacks.tests.conftest import resolve

    complaint = world.complaint(department=world.service)
    resolve(world, complaint)
    task = CallbackTask.objects.get(complaint=complaint, status=TaskStatus.OPEN)
    outcome = task_record_outcome(
        task_id=task.pk,
        actor=world.user(Role.CALLBACK),
        satisfaction="satisfied",
        new_complaint=NewComplaint(
            title="保养后仍有异响", account="冷车时还有响声。", demand="repair"
        ),
    )
    assert outcome.raised_complaint.department == world.service


def test_a_half_filled_new_complaint_records_nothing(world):
    task = welcome_call(world)
    with pytest.raises(ValidationError) as refused:
        task_record_outcome(
            task_id=task.pk,
            actor=world.user(Role.CALLBACK),
            satisfaction="neutral",
            new_complaint=NewComplaint(title="", account=""),
        )
    assert {"complaint_title", "complaint_account"} <= set(refused.value.error_dict)
    assert CallbackTask.objects.get(pk=task.pk).status == TaskStatus.OPEN


def test_questionnaire_answers_are_checked(world):
    complaint = resolve(world, world.complaint())
    task = CallbackTask.objects.get(complaint=complaint)
    with pytest.raises(ValidationError):
        task_record_outcome(
            task_id=task.pk,
            actor=world.user(Role.DIRECTOR),
            satisfaction="satisfied",
            answers={"result": "7"},
        )
    assert not SurveyResponse.objects.exists()


def test_satisfaction_is_required_and_a_callback_is_recorded_once(world):
    task = welcome_call(world)
    user = world.user(Role.CALLBACK)
    with pytest.raises(ValidationError):
        task_record_outcome(task_id=task.pk, actor=user)
    task_record_outcome(task_id=task.pk, actor=user, satisfaction="satisfied")
    with pytest.raises(InvalidState):
        task_record_outcome(task_id=task.pk, actor=user, satisfaction="satisfied")


def test_only_the_branch_records_its_callbacks(world):
    task = welcome_call(world)
    with pytest.raises(NotFound):
        task_record_outcome(
            task_id=task.pk, actor=world.other_users[Role.CALLBACK], satisfaction="satisfied"
        )
    with pytest.raises(NotAllowed):
        task_not_reached(task_id=task.pk, actor=world.user(Role.HANDLER))
    with pytest.raises(NotAllowed):
        task_record_outcome(task_id=task.pk, actor=world.user(Role.GROUP), satisfaction="satisfied")
    assert CallbackTask.objects.get(pk=task.pk).status == TaskStatus.OPEN


def test_a_preference_moves_open_callbacks_into_the_window(world):
    task = welcome_call(world, now=TUESDAY)
    pref = set_call_preference(
        actor=world.user(Role.CALLBACK),
        customer=task.customer,
        window_from=time(9, 0),
        window_until=time(11, 0),
        no_sms=True,
    )
    assert CustomerCallPreference.objects.get(customer=task.customer).no_sms
    assert pref.window_until == time(11, 0)
    with pytest.raises(ValidationError):
        set_call_preference(
            actor=world.user(Role.CALLBACK),
            customer=task.customer,
            window_from=time(11, 0),
            window_until=time(9, 0),
        )
    assert timedelta(0) <= CallbackTask.objects.get(pk=task.pk).call_until - task.call_from


def test_preferred_days_are_stored_in_order_and_kept_when_not_given(world):
    task = welcome_call(world, now=TUESDAY)
    callback = world.user(Role.CALLBACK)
    pref = set_call_preference(
        actor=callback,
        customer=task.customer,
        window_from=time(18, 0),
        window_until=time(20, 0),
        days=["5", "1", "3", "3"],
    )
    assert pref.days == "135"
    # The call page's form shows no days: saving it keeps them.
    pref = set_call_preference(
        actor=callback, customer=task.customer, window_from=time(19), window_until=time(20)
    )
    assert pref.days == "135"
    # Every day ticked is the same as none: any day.
    assert set_call_preference(actor=callback, customer=task.customer, days="7654321").days == ""
    entry = AuditEntry.objects.filter(action="call_preference").order_by("-seq").first()
    assert entry.data["from"] == ["19:00", "20:00", False, "135"]
    assert entry.data["to"] == [None, None, False, ""]
    for bad in ["8", "0", "mon", ["1", "x"]]:
        with pytest.raises(ValidationError):
            set_call_preference(actor=callback, customer=task.customer, days=bad)
