"""From events to callback tasks: each plan's task is created once per subject and event.

Events arrive from three places: a purchase's dates being recorded (`callbacks_for_purchase`,
customers' `after_purchase` hook), a complaint's moves (`callbacks_after_move`, complaints'
`after_move` hook, inside the move's transaction; both registered in CallbacksConfig.ready())
and the daily planning run (`plan_day`, the `plan_callbacks` command), which catches up on
dates recorded by bulk imports and makes the birthday, anniversary, holiday and periodic tasks. A task's key is plan + subject + event; the
key is unique per organisation, so a replayed event finds its task already there.
"""

from dataclasses import dataclass
from datetime import date, datetime, timedelta

from django.db import IntegrityError, transaction
from django.db.models import Count, F, Q
from django.db.models.functions import Mod
from django.utils import timezone

from kesu.audit.services import audit_record_many
from kesu.callbacks.choices import (
    COMPLAINT_EVENTS,
    PURCHASE_EVENTS,
    CallbackAction,
    ClosedBy,
    Delivery,
    Event,
    Satisfaction,
    TaskStatus,
)
from kesu.callbacks.models import (
    CallbackPlan,
    CallbackSettings,
    CallbackTask,
    CustomerCallPreference,
)
from kesu.callbacks.windows import CallingHours, customer_periods, next_window
from kesu.complaints.choices import CloseReason, Move, State
from kesu.complaints.models import Complaint
from kesu.complaints.workflow import ENDING_WITHOUT_RESULT_MOVES
from kesu.customers.models import Customer, KeyPerson, Purchase
from kesu.organisation.models import User
from kesu.sla.calendar import WorkingCalendar
from kesu.sla.models import CalendarDay
from kesu.sla.services import calendar_for_organisation_default, working_calendar

EPOCH = date(2000, 1, 1)
# The plans whose call is the purchase's sales advisor's when one is recorded (seed 001: the
# advisor calls within 3 days of delivery); without one the task goes to the plan's role.
SALES_ADVISOR_PLANS = frozenset({"delivery_3"})
# How much later than the first calling window a callback may go to reach a preferred day.
PREFERRED_DAY_WAIT = timedelta(days=7)


@dataclass
class Subject:
    """Whom a callback is for and what it is about."""

    customer: Customer
    branch_id: int | None
    ref: str  # part of the task key: p<purchase>, c<complaint>r<round>, cu<customer>, kp<person>
    purchase: Purchase | None = None
    complaint: Complaint | None = None
    key_person: KeyPerson | None = None


def settings_for(organisation_id: int) -> CallbackSettings:
    row = CallbackSettings.objects.filter(organisation_id=organisation_id).first()
    return row or CallbackSettings.objects.create(organisation_id=organisation_id)


class Planner:
    """Builds and saves the tasks of one organisation; loads calendars and assignees once."""

    def __init__(self, organisation_id: int, *, actor=None, now: datetime | None = None):
        self.organisation_id = organisation_id
        self.actor = actor
        self.now = now or timezone.now()
        self.settings = settings_for(organisation_id)
        self.hours = CallingHours.of(self.settings)
        self._calendars: dict[int | None, WorkingCalendar] = {}
        self._default_calendar: WorkingCalendar | None = None
        self._assignees: dict[tuple[int, str], list[list]] = {}
        self._preferences: dict[int, CustomerCallPreference | None] = {}

    # -- calendars, windows, assignees ----------------------------------------------------------

    def calendar(self, branch_id: int | None) -> WorkingCalendar:
        if branch_id not in self._calendars:
            from kesu.organisation.models import Branch
            from kesu.sla.services import calendar_row_for_branch

            if branch_id is None:
                row = calendar_for_organisation_default(self.organisation_id)
            else:
                row = calendar_row_for_branch(Branch.objects.get(pk=branch_id))
            self._calendars[branch_id] = working_calendar(row, around=self.today)
        return self._calendars[branch_id]

    @property
    def tz(self):
        return timezone.get_current_timezone()

    @property
    def today(self) -> date:
        return timezone.localtime(self.now).date()

    def is_working_day(self, branch_id: int | None):
        if not self.settings.working_days_only:
            return lambda day: True
        return self.calendar(branch_id).is_working_day

    def load_preferences(self, customer_ids) -> None:
        wanted = [pk for pk in set(customer_ids) if pk not in self._preferences]
        if not wanted:
            return
        found = {
            p.customer_id: p for p in CustomerCallPreference.objects.filter(customer_id__in=wanted)
        }
        for pk in wanted:
            self._preferences[pk] = found.get(pk)

    def periods_for(self, customer_id: int):
        self.load_preferences([customer_id])
        pref = self._preferences.get(customer_id)
        if pref is None:
            return customer_periods(self.hours, None, None)
        return customer_periods(self.hours, pref.window_from, pref.window_until)

    def window(
        self,
        customer_id: int,
        branch_id: int | None,
        after: datetime,
        day: date | None = None,
        clip: bool = True,
    ):
        periods = self.periods_for(customer_id)
        working = self.is_working_day(branch_id)
        plain = next_window(after, periods, self.tz, working, not_before_day=day, clip=clip)
        days = self.preferred_days(customer_id)
        if not days:
            return plain
        # On a day the customer prefers, if one comes within PREFERRED_DAY_WAIT of the first
        # calling window; else in that window rather than much later (or never).
        try:
            preferred = next_window(
                after,
                periods,
                self.tz,
                lambda d: working(d) and str(d.isoweekday()) in days,
                not_before_day=day,
                clip=clip,
            )
        except ValueError:
            return plain
        return preferred if preferred[0] - plain[0] <= PREFERRED_DAY_WAIT else plain

    def preferred_days(self, customer_id: int) -> str:
        self.load_preferences([customer_id])
        pref = self._preferences.get(customer_id)
        return pref.days if pref is not None else ""

    def due_day(self, day: date, branch_id: int | None) -> date:
        working = self.is_working_day(branch_id)
        for _ in range(60):
            if working(day):
                return day
            day += timedelta(days=1)
        return day

    def assignee(self, branch_id: int | None, role: str) -> int | None:
        """The active user of the role in the branch with the fewest open callbacks."""
        if branch_id is None:
            return None
        key = (branch_id, role)
        if key not in self._assignees:
            rows = (
                User.objects.filter(branch_id=branch_id, role=role, is_active=True)
                .annotate(
                    open_tasks=Count(
                        "callback_tasks", filter=Q(callback_tasks__status=TaskStatus.OPEN)
                    )
                )
                .values_list("pk", "open_tasks")
                .order_by("pk")
            )
            self._assignees[key] = [list(r) for r in rows]
        candidates = self._assignees[key]
        if not candidates:
            return None
        chosen = min(candidates, key=lambda c: (c[1], c[0]))
        chosen[1] += 1
        return chosen[0]

    # -- building and saving ----------------------------------------------------------------------

    def build(
        self, plan: CallbackPlan, subject: Subject, event_on: date, *, draw=None, late_ok=False
    ) -> CallbackTask | None:
        """The task for this plan, subject and event, or None when it is not wanted."""
        if plan.tiers and subject.customer.tier not in plan.tiers:
            return None
        due = self.due_day(event_on + timedelta(days=plan.offset_days), subject.branch_id)
        if not late_ok and due < self.today - timedelta(days=self.settings.max_late_days):
            return None  # too late to be worth a call
        day_start = datetime.combine(due, datetime.min.time(), tzinfo=self.tz)
        # The whole window it falls in, so the list shows the customer's hours, not a minute.
        call_from, call_until = self.window(
            subject.customer.pk, subject.branch_id, max(self.now, day_start), due, clip=False
        )
        return CallbackTask(
            organisation_id=self.organisation_id,
            branch_id=subject.branch_id,
            plan=plan,
            key=f"{plan.code}:{subject.ref}:{event_on.isoformat()}"
            + (f":d{draw.pk}" if draw is not None else ""),
            level=plan.level,
            callback_type=plan.callback_type,
            event=plan.event,
            event_on=event_on,
            customer=subject.customer,
            key_person=subject.key_person,
            purchase=subject.purchase,
            complaint=subject.complaint,
            sample_draw=draw,
            due_on=due,
            latest_on=due + timedelta(days=plan.grace_days),
            call_from=call_from,
            call_until=call_until,
            role=plan.role,
            assignee_id=self.advisor(plan, subject) or self.assignee(subject.branch_id, plan.role),
        )

    def advisor(self, plan: CallbackPlan, subject: Subject) -> int | None:
        """The purchase's sales advisor, for a plan that is theirs, while they work here."""
        purchase = subject.purchase
        if plan.code not in SALES_ADVISOR_PLANS or purchase is None:
            return None
        advisor = purchase.sales_advisor
        if advisor is None or not advisor.is_active or advisor.branch_id != subject.branch_id:
            return None
        return advisor.pk

    def save(self, tasks: list[CallbackTask | None]) -> list[CallbackTask]:
        """Insert the tasks whose key is new and audit each; returns those created."""
        by_key: dict[str, CallbackTask] = {}
        for task in tasks:
            if task is not None and task.key not in by_key:
                by_key[task.key] = task
        if not by_key:
            return []
        existing = set()
        keys = list(by_key)
        for i in range(0, len(keys), 1000):
            existing.update(
                CallbackTask.objects.filter(
                    organisation_id=self.organisation_id, key__in=keys[i : i + 1000]
                ).values_list("key", flat=True)
            )
        new = [t for k, t in by_key.items() if k not in existing]
        if not new:
            return []
        try:
            with transaction.atomic():
                CallbackTask.objects.bulk_create(new, batch_size=500)
            created = new
        except IntegrityError:
            # Someone planned the same events meanwhile: keep what is still missing.
            created = []
            for task in new:
                task.pk = None
                try:
                    with transaction.atomic():
                        task.save(force_insert=True)
                    created.append(task)
                except IntegrityError:
                    continue
        audit_record_many(
            organisation_id=self.organisation_id,
            items=[
                {
                    "actor": self.actor,
                    "action": CallbackAction.CALLBACK_PLANNED,
                    "obj": t,
                    "data": {
                        "plan": t.plan.code,
                        "key": t.key,
                        "level": t.level,
                        "customer": t.customer_id,
                        "purchase": t.purchase_id,
                        "complaint": t.complaint_id,
                        "draw": t.sample_draw_id,
                        "due_on": t.due_on,
                        "role": t.role,
                        "assignee": t.assignee_id,
                    },
                }
                for t in created
            ],
        )
        return created


def active_plans(organisation_id: int, events, delivery: str | None = Delivery.CALL):
    qs = CallbackPlan.objects.filter(
        organisation_id=organisation_id, is_active=True, event__in=list(events)
    ).select_related("survey")
    if delivery is not None:
        qs = qs.filter(delivery=delivery)
    return list(qs)


# ---- Purchases --------------------------------------------------------------------------------


def purchase_subject(purchase: Purchase) -> Subject:
    customer = purchase.customer
    return Subject(
        customer=customer,
        branch_id=purchase.branch_id or customer.branch_id,
        ref=f"p{purchase.pk}",
        purchase=purchase,
    )


def callbacks_for_purchase(purchase: Purchase, actor=None, now=None) -> list[CallbackTask]:
    """Tasks for the dates recorded on a purchase (order effective, delivery, service visit)."""
    organisation_id = purchase.customer.organisation_id
    plans = active_plans(organisation_id, PURCHASE_EVENTS)
    if not plans:
        return []
    planner = Planner(organisation_id, actor=actor, now=now)
    subject = purchase_subject(purchase)
    tasks = []
    for plan in plans:
        event_on = getattr(purchase, PURCHASE_EVENTS[plan.event])
        if event_on:
            tasks.append(planner.build(plan, subject, event_on))
    return planner.save(tasks)


# ---- Complaints -------------------------------------------------------------------------------


def complaint_subject(complaint: Complaint) -> Subject:
    return Subject(
        customer=complaint.customer,
        branch_id=complaint.branch_id,
        ref=f"c{complaint.pk}r{complaint.reopen_count}",
        purchase=complaint.purchase,
        complaint=complaint,
    )


def _complaint_event_on(complaint: Complaint, event: str) -> date | None:
    moment = complaint.resolved_at if event == Event.COMPLAINT_RESOLVED else complaint.closed_at
    return timezone.localtime(moment).date() if moment else None


def callbacks_after_move(complaint: Complaint, move: str, actor, now=None) -> None:
    """Apply a move of the complaint procedure to its callbacks (inside the move's transaction).

    Resolving plans the satisfaction callback, closing plans the follow-up; verifying or
    reopening from the complaint's page settles the open satisfaction callback, so that the
    procedure and the callback list agree; merged or withdrawn cases need no more calls.
    """
    if move in (Move.RESOLVE, Move.CLOSE):
        if move == Move.CLOSE and complaint.close_reason != CloseReason.COMPLETED:
            return
        event = Event.COMPLAINT_RESOLVED if move == Move.RESOLVE else Event.COMPLAINT_CLOSED
        plans = active_plans(complaint.organisation_id, [event])
        event_on = _complaint_event_on(complaint, event)
        if not plans or event_on is None:
            return
        planner = Planner(complaint.organisation_id, actor=actor, now=now)
        subject = complaint_subject(complaint)
        planner.save([planner.build(plan, subject, event_on, late_ok=True) for plan in plans])
    elif move in (Move.VERIFY, Move.REOPEN):
        open_tasks = CallbackTask.objects.select_for_update().filter(
            complaint_id=complaint.pk, status=TaskStatus.OPEN
        )
        if move == Move.VERIFY:
            open_tasks = open_tasks.filter(event=Event.COMPLAINT_RESOLVED)
        _settle(list(open_tasks), complaint, actor, move)
    elif move in ENDING_WITHOUT_RESULT_MOVES:
        tasks = list(
            CallbackTask.objects.select_for_update().filter(
                complaint_id=complaint.pk, status=TaskStatus.OPEN
            )
        )
        _settle(tasks, complaint, actor, move)


def _settle(tasks: list[CallbackTask], complaint: Complaint, actor, move: str) -> None:
    if not tasks:
        return
    now = timezone.now()
    for task in tasks:
        if move in (Move.VERIFY, Move.REOPEN) and task.event == Event.COMPLAINT_RESOLVED:
            task.satisfaction = (
                complaint.satisfaction
                if complaint.satisfaction in Satisfaction.values
                else Satisfaction.DISSATISFIED
            )
            task.finish(TaskStatus.DONE, actor, now, ClosedBy.PROCEDURE)
        else:
            task.status, task.closed_by = TaskStatus.CANCELLED, ClosedBy.PROCEDURE
    CallbackTask.objects.bulk_update(
        tasks,
        ["status", "satisfaction", "completed_at", "completed_by", "closed_by", "on_time"],
    )
    audit_record_many(
        organisation_id=complaint.organisation_id,
        items=[
            {
                "actor": actor,
                "action": CallbackAction.CALLBACK_SETTLED,
                "obj": t,
                "data": {"move": move, "status": t.status, "satisfaction": t.satisfaction},
            }
            for t in tasks
        ],
    )


# ---- The daily run ----------------------------------------------------------------------------


def _batched(qs, size=2000):
    """Rows of a queryset in primary-key order, a batch at a time."""
    last = 0
    while True:
        batch = list(qs.filter(pk__gt=last).order_by("pk")[:size])
        if not batch:
            return
        yield batch
        last = batch[-1].pk


def catch_up_purchases(planner: Planner) -> int:
    """Tasks for purchase dates whose callback is due by today but was never planned."""
    created = 0
    today, late = planner.today, planner.settings.max_late_days
    for plan in active_plans(planner.organisation_id, PURCHASE_EVENTS):
        field = PURCHASE_EVENTS[plan.event]
        # Due dates move forward past non-working days, so look a little further back.
        first = today - timedelta(days=plan.offset_days + late + 10)
        last = today - timedelta(days=plan.offset_days)
        qs = Purchase.objects.filter(
            customer__organisation_id=planner.organisation_id,
            **{f"{field}__range": (first, last)},
        ).select_related("customer", "sales_advisor")
        for batch in _batched(qs):
            planner.load_preferences(p.customer_id for p in batch)
            tasks = [planner.build(plan, purchase_subject(p), getattr(p, field)) for p in batch]
            created += len(planner.save(tasks))
    return created


def catch_up_complaints(planner: Planner) -> int:
    """Satisfaction and follow-up callbacks for complaints moved outside the procedure's hook."""

    created = 0
    today, late = planner.today, planner.settings.max_late_days
    start = datetime.combine(
        today - timedelta(days=late + 10), datetime.min.time(), tzinfo=planner.tz
    )
    for plan in active_plans(planner.organisation_id, COMPLAINT_EVENTS):
        if plan.event == Event.COMPLAINT_RESOLVED:
            cond = Q(resolved_at__gte=start, state=State.RESOLVED)
        else:
            cond = Q(closed_at__gte=start, state=State.CLOSED, close_reason=CloseReason.COMPLETED)
        qs = Complaint.objects.filter(cond, organisation_id=planner.organisation_id).select_related(
            "customer", "purchase"
        )
        for batch in _batched(qs):
            tasks = []
            for c in batch:
                event_on = _complaint_event_on(c, plan.event)
                tasks.append(planner.build(plan, complaint_subject(c), event_on))
            created += len(planner.save(tasks))
    return created


def _month_day_q(field: str, day: date) -> Q:
    q = Q(**{f"{field}__month": day.month, f"{field}__day": day.day})
    if day.month == 2 and day.day == 28 and not _is_leap(day.year):
        q |= Q(**{f"{field}__month": 2, f"{field}__day": 29})  # 29 February, in other years
    return q


def _is_leap(year: int) -> bool:
    return year % 4 == 0 and (year % 100 != 0 or year % 400 == 0)


def greeting_subjects(organisation_id: int, event: str, day: date):
    """(subject, values) pairs of the customers or key persons to greet on `day`."""
    customers = Customer.objects.filter(organisation_id=organisation_id)
    if event == Event.BIRTHDAY:
        for c in customers.filter(_month_day_q("birthday", day)).order_by("pk"):
            yield Subject(c, c.branch_id, f"cu{c.pk}"), {"name": c.name}
    elif event == Event.FOUNDING_ANNIVERSARY:
        rows = customers.filter(
            _month_day_q("founded_on", day), is_company=True, founded_on__year__lt=day.year
        )
        for c in rows.order_by("pk"):
            years = day.year - c.founded_on.year
            yield Subject(c, c.branch_id, f"cu{c.pk}"), {"name": c.name, "years": years}
    elif event == Event.KEY_PERSON_BIRTHDAY:
        persons = (
            KeyPerson.objects.filter(customer__organisation_id=organisation_id)
            .filter(_month_day_q("birthday", day))
            .select_related("customer")
            .order_by("pk")
        )
        for p in persons:
            subject = Subject(p.customer, p.customer.branch_id, f"kp{p.pk}", key_person=p)
            yield subject, {"name": p.name, "company": p.customer.name}
    elif event == Event.HOLIDAY:
        name = holiday_starting(organisation_id, day)
        if name:
            for c in customers.order_by("pk"):
                yield Subject(c, c.branch_id, f"cu{c.pk}"), {"name": c.name, "holiday": name}


def holiday_starting(organisation_id: int, day: date) -> str:
    """The name of the public holiday whose first day off is `day`, from the default calendar."""

    calendar = calendar_for_organisation_default(organisation_id)
    rows = dict(
        CalendarDay.objects.filter(
            calendar=calendar, date__in=[day - timedelta(days=1), day], is_working=False
        ).values_list("date", "name")
    )
    name = rows.get(day, "")
    if not name or rows.get(day - timedelta(days=1)) == name:
        return ""
    return name


def greetings_for_day(planner: Planner, day: date) -> tuple[int, int]:
    """Birthday, anniversary and holiday greetings of `day`: call tasks and text messages."""
    from kesu.callbacks.sms import queue_greeting

    tasks_created = sms_created = 0
    plans = active_plans(
        planner.organisation_id,
        [Event.BIRTHDAY, Event.FOUNDING_ANNIVERSARY, Event.KEY_PERSON_BIRTHDAY, Event.HOLIDAY],
        delivery=None,
    )
    for plan in plans:
        tasks, messages = [], []
        for subject, values in greeting_subjects(planner.organisation_id, plan.event, day):
            if plan.tiers and subject.customer.tier not in plan.tiers:
                continue
            if plan.delivery == Delivery.SMS:
                messages.append((subject, values))
            else:
                tasks.append(planner.build(plan, subject, day))
        tasks_created += len(planner.save(tasks))
        if messages:
            sms_created += queue_greeting(planner, plan, day, messages)
    return tasks_created, sms_created


def periodic_for_day(planner: Planner, day: date) -> int:
    """Periodic questionnaires: each customer with a purchase once per interval, spread out.

    A customer's turn comes on the days where (day number − customer id) is a multiple of the
    interval, so the calls spread evenly over the interval instead of all falling on one day.
    """
    created = 0
    number = (day - EPOCH).days
    for plan in active_plans(planner.organisation_id, [Event.PERIODIC]):
        interval = plan.interval_days or 180
        qs = (
            Customer.objects.filter(
                organisation_id=planner.organisation_id, purchases__isnull=False
            )
            .annotate(turn=Mod(F("pk") - number % interval + interval, interval))
            .filter(turn=0)
            .distinct()
        )
        if plan.tiers:
            qs = qs.filter(tier__in=plan.tiers)
        for batch in _batched(qs):
            planner.load_preferences(c.pk for c in batch)
            subjects = [Subject(c, c.branch_id, f"cu{c.pk}") for c in batch]
            created += len(planner.save([planner.build(plan, s, day) for s in subjects]))
    return created


@dataclass
class DayResult:
    purchases: int = 0
    complaints: int = 0
    greetings: int = 0
    messages: int = 0
    periodic: int = 0
    draws: int = 0
    sampled: int = 0


def plan_day(organisation_id: int, *, now: datetime | None = None, actor=None) -> DayResult:
    """The daily planning run for one organisation; running it twice adds nothing."""
    from kesu.callbacks.sampling import draw_last_week

    planner = Planner(organisation_id, actor=actor, now=now)
    result = DayResult()
    with transaction.atomic():
        result.purchases = catch_up_purchases(planner)
    with transaction.atomic():
        result.complaints = catch_up_complaints(planner)
    with transaction.atomic():
        result.greetings, result.messages = greetings_for_day(planner, planner.today)
    with transaction.atomic():
        result.periodic = periodic_for_day(planner, planner.today)
    if planner.settings.auto_sample_weekly:
        draws = draw_last_week(organisation_id, now=planner.now)
        result.draws = len(draws)
        result.sampled = sum(d.drawn_count for d in draws)
    return result
