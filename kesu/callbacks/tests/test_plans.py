"""Callback tasks from every trigger, each created once however often its event is replayed."""

from datetime import date, timedelta
from io import StringIO

import chinese_calendar
from django.core.management import call_command
from django.utils import timezone

from kesu.audit.models import AuditEntry
from kesu.callbacks.choices import ClosedBy, Event, Satisfaction, SmsStatus, TaskStatus
from kesu.callbacks.models import CallbackPlan, CallbackTask, SmsMessage
from kesu.callbacks.plans import (
    EPOCH,
    Planner,
    callbacks_after_move,
    callbacks_for_purchase,
    plan_day,
)
from kesu.callbacks.tests.conftest import at, resolve
from kesu.complaints import workflow
from kesu.complaints.tests.helpers import tick_required
from kesu.customers.models import KeyPerson, Purchase
from kesu.customers.services import purchase_create
from kesu.customers.tests.factories import CustomerFactory, PurchaseFactory
from kesu.organisation.choices import Role


def next_workday(day: date) -> date:
    while not chinese_calendar.is_workday(day):
        day += timedelta(days=1)
    return day


def tasks_of(**filters):
    return CallbackTask.objects.filter(**filters).select_related("plan").order_by("due_on", "id")


def test_purchase_dates_plan_their_callbacks_once(world):
    now = at(2026, 3, 10, 10)
    customer = CustomerFactory(organisation=world.org, branch=world.branch)
    purchase = PurchaseFactory(
        customer=customer,
        branch=world.branch,
        order_effective_on=date(2026, 3, 9),
        delivered_on=date(2026, 3, 9),
        service_completed_on=date(2026, 4, 28),
    )
    created = callbacks_for_purchase(purchase, now=now)
    due = {t.plan.code: t.due_on for t in created}
    assert due == {
        "welcome": date(2026, 3, 10),
        "delivery_3": date(2026, 3, 10),
        "delivery_7": date(2026, 3, 16),
        "delivery_25": date(2026, 4, 3),
        # 1 May is Labour Day: the callback moves to the first working day after the holiday.
        "service_3": next_workday(date(2026, 5, 1)),
    }
    welcome = next(t for t in created if t.plan.code == "welcome")
    assert welcome.level == 1 and welcome.role == Role.CALLBACK
    assert welcome.assignee == world.user(Role.CALLBACK)
    # Due today: the whole morning window, which is open now.
    assert (welcome.call_from, welcome.call_until) == (at(2026, 3, 10, 9), at(2026, 3, 10, 12))
    assert welcome.latest_on == date(2026, 3, 11)
    assert AuditEntry.objects.filter(action="callback_planned", object_id=welcome.pk).exists()
    # The sales advisor calls within 3 days of the delivery: the branch's frontline staff.
    advisor = next(t for t in created if t.plan.code == "delivery_3")
    assert (advisor.role, advisor.assignee) == (Role.FRONTLINE, world.user(Role.FRONTLINE))
    assert advisor.latest_on == date(2026, 3, 12) and advisor.callback_type == "delivery"

    # Replaying the event (or recording the purchase again) adds nothing.
    assert callbacks_for_purchase(purchase, now=now) == []
    assert callbacks_for_purchase(purchase, now=now + timedelta(days=2)) == []
    assert tasks_of(purchase=purchase).count() == 5


def test_recording_a_purchase_through_the_service_plans_its_callbacks(world):
    customer = CustomerFactory(organisation=world.org, branch=world.branch)
    today = timezone.localdate()
    purchase = purchase_create(
        actor=world.user(Role.FRONTLINE),
        customer=customer,
        kind="vehicle",
        delivered_on=today,
        branch=world.branch,
    )
    codes = sorted(t.plan.code for t in tasks_of(purchase=purchase))
    assert codes == ["delivery_25", "delivery_3", "delivery_7"]


def test_old_dates_from_an_import_plan_no_stale_callbacks(world):
    customer = CustomerFactory(organisation=world.org, branch=world.branch)
    purchase = PurchaseFactory(
        customer=customer, branch=world.branch, delivered_on=date(2025, 12, 1)
    )
    assert callbacks_for_purchase(purchase, now=at(2026, 3, 10)) == []


def test_the_daily_run_catches_up_on_imported_dates_once(world):
    now = at(2026, 3, 10, 6)
    customer = CustomerFactory(organisation=world.org, branch=world.branch)
    # A bulk import writes rows directly: no service, no hook.
    Purchase.objects.create(
        customer=customer, kind="vehicle", branch=world.branch, delivered_on=date(2026, 3, 3)
    )
    Purchase.objects.create(
        customer=customer,
        kind="service",
        branch=world.branch,
        service_completed_on=date(2026, 3, 6),
    )
    first = plan_day(world.org.pk, now=now)
    assert first.purchases == 3
    level1 = tasks_of(customer=customer, level=1)
    assert sorted(t.plan.code for t in level1) == ["delivery_3", "delivery_7", "service_3"]
    # Last week's level 2 sample of deliveries was drawn too (one delivery: one drawn).
    assert first.draws >= 1 and tasks_of(customer=customer, level=2).count() == 1
    second = plan_day(world.org.pk, now=now)
    assert (second.purchases, second.complaints, second.draws) == (0, 0, 0)
    # The command does the same and is just as idempotent.
    call_command("plan_callbacks", date="2026-03-10", stdout=StringIO())
    assert tasks_of(customer=customer).count() == 4


def test_resolving_plans_the_satisfaction_callback_for_the_director(world):
    complaint = resolve(world, world.complaint())
    (task,) = tasks_of(complaint=complaint)
    assert task.plan.code == "satisfaction" and task.event == Event.COMPLAINT_RESOLVED
    assert task.event_on == timezone.localdate()
    assert task.due_on >= task.event_on and task.latest_on == task.due_on + timedelta(days=1)
    assert task.assignee == world.user(Role.DIRECTOR)
    assert task.customer_id == complaint.customer_id and task.branch_id == complaint.branch_id
    # The move's hook replayed: still one task.
    callbacks_after_move(complaint, "resolve", world.user(Role.HANDLER))
    callbacks_after_move(complaint, "resolve", world.user(Role.HANDLER))
    assert tasks_of(complaint=complaint).count() == 1


def test_verifying_on_the_complaint_settles_its_satisfaction_callback(world):
    complaint = resolve(world, world.complaint())
    workflow.complaint_verify(
        complaint_id=complaint.pk, actor=world.user(Role.CALLBACK), satisfaction="satisfied"
    )
    task = CallbackTask.objects.get(complaint=complaint)
    assert task.status == TaskStatus.DONE and task.closed_by == ClosedBy.PROCEDURE
    assert task.satisfaction == Satisfaction.SATISFIED


def test_closing_plans_the_follow_up_and_reopening_starts_a_new_round(world):
    complaint = resolve(world, world.complaint())
    director = world.user(Role.DIRECTOR)
    workflow.complaint_verify(complaint_id=complaint.pk, actor=director, satisfaction="neutral")
    tick_required(complaint, "close", director)
    workflow.complaint_close(complaint_id=complaint.pk, actor=director, summary="已处理")
    follow_up = tasks_of(complaint=complaint, event=Event.COMPLAINT_CLOSED).get()
    assert follow_up.plan.code == "follow_up" and follow_up.status == TaskStatus.OPEN
    assert follow_up.due_on >= timezone.localdate() + timedelta(days=3)
    assert follow_up.latest_on == follow_up.due_on + timedelta(days=4)
    callbacks_after_move(complaint, "close", director)
    assert tasks_of(complaint=complaint).count() == 2

    workflow.complaint_reopen(complaint_id=complaint.pk, actor=director, reason="又坏了")
    follow_up.refresh_from_db()
    assert follow_up.status == TaskStatus.CANCELLED and follow_up.closed_by == ClosedBy.PROCEDURE
    handler = world.user(Role.HANDLER)
    workflow.complaint_propose_solution(complaint_id=complaint.pk, actor=handler, solution="再修")
    workflow.complaint_accept_solution(complaint_id=complaint.pk, actor=handler)
    workflow.complaint_resolve(complaint_id=complaint.pk, actor=handler, result="修好")
    rounds = tasks_of(complaint=complaint, event=Event.COMPLAINT_RESOLVED)
    assert rounds.count() == 2
    assert sorted(t.key.split(":")[1] for t in rounds) == [
        f"c{complaint.pk}r0",
        f"c{complaint.pk}r1",
    ]


def test_a_withdrawn_case_needs_no_more_calls(world):
    complaint = resolve(world, world.complaint())
    workflow.complaint_withdraw(
        complaint_id=complaint.pk, actor=world.user(Role.DIRECTOR), reason="客户撤回"
    )
    assert CallbackTask.objects.get(complaint=complaint).status == TaskStatus.CANCELLED


def test_the_daily_run_replans_a_satisfaction_callback_the_hook_missed(world):
    complaint = resolve(world, world.complaint())
    CallbackTask.objects.filter(complaint=complaint).delete()
    result = plan_day(world.org.pk)
    assert result.complaints == 1
    assert plan_day(world.org.pk).complaints == 0
    assert CallbackTask.objects.filter(complaint=complaint).count() == 1


def test_birthdays_and_anniversaries_greet_once(world):
    now = at(2026, 3, 10, 6)
    person = CustomerFactory(
        organisation=world.org, branch=world.branch, birthday=date(1980, 3, 10)
    )
    company = CustomerFactory(
        organisation=world.org,
        branch=world.branch,
        is_company=True,
        phone="+861065432100",
        founded_on=date(2016, 3, 10),
    )
    boss = KeyPerson.objects.create(
        customer=company, name="赵总", phone="+8613700001111", birthday=date(1975, 3, 10)
    )
    not_today = CustomerFactory(organisation=world.org, birthday=date(1980, 3, 11))
    result = plan_day(world.org.pk, now=now)
    assert (result.greetings, result.messages) == (1, 2)
    birthday = SmsMessage.objects.get(customer=person)
    assert birthday.template == "birthday" and birthday.params == {"name": person.name}
    # Created at six in the morning: it waits for the sending hours.
    assert birthday.not_before == at(2026, 3, 10, 9) and birthday.status == SmsStatus.PENDING
    assert birthday.sender_name == world.branch.name
    kp_message = SmsMessage.objects.get(key_person=boss)
    assert kp_message.phone == boss.phone
    anniversary = CallbackTask.objects.get(customer=company)
    assert anniversary.plan.code == "founding_anniversary"
    assert not SmsMessage.objects.filter(customer=not_today).exists()
    again = plan_day(world.org.pk, now=now)
    assert (again.greetings, again.messages) == (0, 0)


def test_a_29_february_birthday_is_greeted_on_28_february_in_other_years(world):
    leap = CustomerFactory(organisation=world.org, birthday=date(2000, 2, 29))
    plan_day(world.org.pk, now=at(2027, 2, 28, 8))
    assert SmsMessage.objects.filter(customer=leap, template="birthday").count() == 1


def test_holiday_greetings_go_to_the_tiers_the_plan_names(world):
    gold = CustomerFactory(organisation=world.org, branch=world.branch, tier="gold")
    silver = CustomerFactory(organisation=world.org, branch=world.branch, tier="silver")
    result = plan_day(world.org.pk, now=at(2026, 10, 1, 7))
    assert result.messages == 1
    message = SmsMessage.objects.get(customer=gold)
    assert message.template == "holiday" and message.params["holiday"] == "国庆节"
    assert not SmsMessage.objects.filter(customer=silver).exists()
    # The second day of the holiday is not a new holiday.
    assert plan_day(world.org.pk, now=at(2026, 10, 2, 7)).messages == 0


def test_periodic_questionnaires_come_round_once_per_interval(world):
    customer = CustomerFactory(organisation=world.org, branch=world.branch, tier="gold")
    PurchaseFactory(customer=customer, branch=world.branch)
    plan = CallbackPlan.objects.get(organisation=world.org, code="questionnaire")
    interval = plan.interval_days
    base = (date(2026, 3, 1) - EPOCH).days
    turn = base + (customer.pk - base) % interval
    day = EPOCH + timedelta(days=turn)
    assert plan_day(world.org.pk, now=at(day.year, day.month, day.day, 6)).periodic == 1
    before = day - timedelta(days=1)
    assert plan_day(world.org.pk, now=at(before.year, before.month, before.day, 6)).periodic == 0
    task = CallbackTask.objects.get(customer=customer, plan=plan)
    assert task.event_on == day and task.plan.survey.code == "periodic"
    nxt = day + timedelta(days=interval)
    assert plan_day(world.org.pk, now=at(nxt.year, nxt.month, nxt.day, 6)).periodic == 1


def test_no_assignee_in_a_branch_without_the_role_leaves_the_task_to_the_pool(world):
    world.user(Role.CALLBACK).is_active = False
    world.user(Role.CALLBACK).save()
    customer = CustomerFactory(organisation=world.org, branch=world.branch)
    purchase = PurchaseFactory(
        customer=customer, branch=world.branch, order_effective_on=date(2026, 3, 9)
    )
    (task,) = callbacks_for_purchase(purchase, now=at(2026, 3, 10))
    assert task.assignee is None and task.role == Role.CALLBACK


def test_assignees_share_the_work(world):
    from kesu.organisation.tests.factories import UserFactory

    second = UserFactory(role=Role.CALLBACK, branch=world.branch, organisation=world.org)
    planner = Planner(world.org.pk)
    picks = [planner.assignee(world.branch.pk, Role.CALLBACK) for _ in range(4)]
    assert sorted(picks) == sorted([world.user(Role.CALLBACK).pk, second.pk] * 2)


def test_a_callback_waits_for_a_day_the_customer_prefers(world):
    from datetime import time

    from kesu.callbacks.models import CustomerCallPreference
    from kesu.callbacks.plans import Planner

    tuesday = at(2026, 3, 10, 10)
    customer = CustomerFactory(organisation=world.org, branch=world.branch)
    planner = Planner(world.org.pk, now=tuesday)
    assert planner.window(customer.pk, world.branch.pk, tuesday)[0] == tuesday
    CustomerCallPreference.objects.create(
        customer=customer, window_from=time(18), window_until=time(20), days="4"
    )
    planner = Planner(world.org.pk, now=tuesday)
    start, end = planner.window(customer.pk, world.branch.pk, tuesday)
    assert (start, end) == (at(2026, 3, 12, 18), at(2026, 3, 12, 20))  # Thursday evening
    # Only Sundays, which are days off: the ordinary next window, not never.
    CustomerCallPreference.objects.filter(customer=customer).update(days="7")
    planner = Planner(world.org.pk, now=tuesday)
    assert planner.window(customer.pk, world.branch.pk, tuesday)[0] == at(2026, 3, 10, 18)


# ---- The sales advisor's call after delivery (seed 001, issue 11) -----------------------------


def _advisor_and_colleague(world):
    from kesu.organisation.tests.factories import UserFactory

    advisor = UserFactory(
        organisation=world.org, branch=world.branch, role=Role.FRONTLINE, username="advisor-li"
    )
    return advisor, world.user(Role.FRONTLINE)


def test_the_3_day_call_after_delivery_goes_to_the_sales_advisor(world):
    from kesu.callbacks.selectors import todays_tasks

    advisor, colleague = _advisor_and_colleague(world)
    customer = CustomerFactory(organisation=world.org, branch=world.branch)
    purchase = purchase_create(
        actor=colleague,
        customer=customer,
        kind="vehicle",
        delivered_on=timezone.localdate(),
        branch=world.branch,
        sales_advisor=advisor,
    )
    by_code = {t.plan.code: t for t in tasks_of(purchase=purchase)}
    assert by_code["delivery_3"].assignee == advisor
    # The other calls after delivery are not the advisor's: they go as before.
    assert by_code["delivery_7"].assignee != advisor
    entry = AuditEntry.objects.get(action="purchase_create", object_id=purchase.pk)
    assert entry.data["sales_advisor"] == advisor.pk
    planned = AuditEntry.objects.get(action="callback_planned", object_id=by_code["delivery_3"].pk)
    assert planned.data["assignee"] == advisor.pk
    # It is in the advisor's own list of calls, not in the colleague's.
    delivery_3 = by_code["delivery_3"].pk
    soon = timezone.now() + timedelta(days=7)
    assert delivery_3 in {t.pk for t in todays_tasks(advisor, now=soon)}
    assert delivery_3 not in {t.pk for t in todays_tasks(colleague, now=soon)}


def test_without_an_advisor_the_call_goes_to_the_frontline_as_before(world):
    customer = CustomerFactory(organisation=world.org, branch=world.branch)
    purchase = PurchaseFactory(
        customer=customer, branch=world.branch, delivered_on=timezone.localdate()
    )
    tasks = {t.plan.code: t for t in callbacks_for_purchase(purchase)}
    assert tasks["delivery_3"].assignee == world.user(Role.FRONTLINE)


def test_an_advisor_who_left_or_moved_branch_gets_no_call(world):
    advisor, colleague = _advisor_and_colleague(world)
    customer = CustomerFactory(organisation=world.org, branch=world.branch)
    purchase = PurchaseFactory(
        customer=customer,
        branch=world.branch,
        delivered_on=timezone.localdate(),
        sales_advisor=advisor,
    )
    advisor.is_active = False
    advisor.save()
    tasks = {t.plan.code: t for t in callbacks_for_purchase(purchase)}
    assert tasks["delivery_3"].assignee == colleague


def test_the_daily_catch_up_gives_the_call_to_the_advisor_too(world):
    advisor, _colleague = _advisor_and_colleague(world)
    customer = CustomerFactory(organisation=world.org, branch=world.branch)
    now = at(2026, 3, 10, 10)
    PurchaseFactory(
        customer=customer,
        branch=world.branch,
        delivered_on=date(2026, 3, 9),
        sales_advisor=advisor,
    )
    plan_day(world.org.pk, now=now)
    (task,) = tasks_of(plan__code="delivery_3")
    assert task.assignee == advisor
