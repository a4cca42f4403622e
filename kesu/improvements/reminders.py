"""Date-based reminders: an improvement action's due and review dates, and the complaints'
preventive actions whose verification date has come.

Run after each deadline sweep (sla's `after_sweep` hook: Celery beat's task and run_worker),
so they need no schedule of their own; each run reads only what may be due (indexed) and sends
each reminder once, in the transaction that records it was sent.

- Due: KESU_IMPROVEMENT_REMINDER_WORKING_DAYS working days before an action's due date (the
  branch's business calendar), while it is not done; to its owner.
- Review: as many working days before its review date, while it is not reviewed; to its owner
  and to who reviews it (the branch's customer director; for a group-wide action the group).
- Preventive action: on its verification date, once the complaint is resolved (or as soon as
  it is, if later), while not verified; to the complaint's owner and the branch's customer
  director. The queue is `PreventionCheck`, kept up to date by the root-cause and
  verification moves (`prevention_after_move`).
"""

from datetime import date

from django.conf import settings
from django.db import transaction
from django.db.models import F, Q
from django.utils import timezone

from kesu.complaints.choices import DONE_STATES, TERMINAL_STATES, Move
from kesu.complaints.models import Complaint
from kesu.complaints.people import branch_people, group_centre
from kesu.core.jobs import timed_job
from kesu.improvements.choices import WORKING_STATUSES, Status
from kesu.improvements.models import ImprovementAction, PreventionCheck
from kesu.notifications.choices import Channel, Kind
from kesu.notifications.events import Audience, people_for
from kesu.notifications.services import notify_many
from kesu.organisation.choices import Role
from kesu.sla.calendar import NoWorkingTime, WorkingCalendar
from kesu.sla.services import (
    calendar_for_organisation_default,
    calendar_row_for_branch,
    working_calendar,
)

# Far enough back for any number of working days before a date, long holidays included.
LOOKAHEAD_DAYS = 30
BATCH = 500
PERSONAL = (Channel.INBOX, Channel.EMAIL)


def sweep_reminders(today: date | None = None) -> int:
    """Send every reminder whose day has come; returns how many went out (events, not rows)."""
    with timed_job("improvement_reminders"):
        today = today or timezone.localdate()
        calendars = _Calendars()
        sent = _due_reminders(today, calendars)
        sent += _review_reminders(today, calendars)
        sent += _prevention_reminders(today)
        return sent


class _Calendars:
    """Working calendars per branch (None: the organisation's default), built once a sweep."""

    def __init__(self):
        self._built: dict[tuple[int, int | None], WorkingCalendar] = {}

    def of(self, action: ImprovementAction) -> WorkingCalendar:
        key = (action.organisation_id, action.branch_id)
        if key not in self._built:
            if action.branch_id:
                row = calendar_row_for_branch(action.branch)
            else:
                row = calendar_for_organisation_default(action.organisation_id)
            self._built[key] = working_calendar(row)
        return self._built[key]


def remind_on(day: date, calendar: WorkingCalendar, working_days: int | None = None) -> date:
    """The working day `working_days` working days before `day` (0: the day itself)."""
    n = settings.KESU_IMPROVEMENT_REMINDER_WORKING_DAYS if working_days is None else working_days
    try:
        for _step in range(max(n, 0)):
            day = calendar.previous_working_day(day)
    except NoWorkingTime:
        pass
    return day


def _action_payload(action: ImprovementAction) -> dict:
    return {
        "improvement_id": action.pk,
        "title": action.title,
        "due_on": action.due_on.isoformat(),
        "review_on": action.review_on.isoformat(),
        "owner": str(action.owner),
        "status": action.status,
    }


def _reviewers(action: ImprovementAction) -> list:
    if action.branch_id is None:
        return group_centre(action.organisation_id)
    return branch_people(action.organisation_id, action.branch_id, Role.DIRECTOR)


def _owner(action: ImprovementAction) -> list:
    return [action.owner] if action.owner.is_active else []


def _candidates(statuses, field: str, reminded: str, today: date):
    horizon = date.fromordinal(today.toordinal() + LOOKAHEAD_DAYS)
    return (
        ImprovementAction.objects.select_for_update(skip_locked=True, of=("self",))
        .filter(status__in=sorted(statuses), **{f"{field}__gte": today, f"{field}__lte": horizon})
        .filter(Q(**{f"{reminded}__isnull": True}) | ~Q(**{reminded: F(field)}))
        .select_related("owner", "branch")
        .order_by(field, "id")[:BATCH]
    )


def _due_reminders(today: date, calendars: _Calendars) -> int:
    with transaction.atomic():
        items, reminded = [], []
        for action in _candidates(WORKING_STATUSES, "due_on", "due_reminded_for", today):
            if today < remind_on(action.due_on, calendars.of(action)):
                continue
            items.append(_item(action, Kind.IMPROVEMENT_DUE, _owner(action), action.due_on))
            action.due_reminded_for = action.due_on
            reminded.append(action)
        _send(items)
        ImprovementAction.objects.bulk_update(reminded, ["due_reminded_for"])
        return len(reminded)


def _review_reminders(today: date, calendars: _Calendars) -> int:
    statuses = WORKING_STATUSES | {Status.DONE}
    with transaction.atomic():
        items, reminded = [], []
        for action in _candidates(statuses, "review_on", "review_reminded_for", today):
            if today < remind_on(action.review_on, calendars.of(action)):
                continue
            people = {u.pk: u for u in [*_owner(action), *_reviewers(action)]}
            items.append(
                _item(action, Kind.IMPROVEMENT_REVIEW, list(people.values()), action.review_on)
            )
            action.review_reminded_for = action.review_on
            reminded.append(action)
        _send(items)
        ImprovementAction.objects.bulk_update(reminded, ["review_reminded_for"])
        return len(reminded)


def _item(action: ImprovementAction, kind: str, recipients: list, day: date) -> dict:
    return {
        "organisation_id": action.organisation_id,
        "branch_id": action.branch_id,
        "recipients": recipients,
        "kind": kind,
        "payload": _action_payload(action),
        "dedupe_key": f"i{action.pk}:{kind}:{day.isoformat()}",
        "channels": PERSONAL,
        "webhooks": False,  # a reminder is for its people, not the branch's group chat
    }


def notify_assigned(action: ImprovementAction, actor) -> None:
    """Tell the action's owner they now answer for it, unless they made themselves owner.

    In the caller's transaction (the outbox row is written with the change)."""
    owner = action.owner
    if owner.pk == actor.pk or not owner.is_active:
        return
    stamp = (action.updated_at or timezone.now()).isoformat()
    item = _item(action, Kind.IMPROVEMENT_ASSIGNED, [owner], action.due_on)
    item["payload"] = {**item["payload"], "by": str(actor)}
    item["dedupe_key"] = f"i{action.pk}:{Kind.IMPROVEMENT_ASSIGNED}:{owner.pk}:{stamp}"
    _send([item])


def _send(items: list[dict]) -> None:
    items = [i for i in items if i["recipients"]]
    if items:
        notify_many(items)


# ---- The complaints' preventive actions --------------------------------------------------------


def _prevention_reminders(today: date) -> int:
    """Remind of the preventive actions whose date has come on resolved cases; drop the rows of
    cases ended without a result (merged, withdrawn) or already verified."""
    with transaction.atomic():
        checks = list(
            PreventionCheck.objects.select_for_update(skip_locked=True, of=("self",))
            .filter(reminded_at__isnull=True, done_at__isnull=True, verify_on__lte=today)
            .select_related("complaint__owner", "complaint__branch")
            .order_by("verify_on", "id")[:BATCH]
        )
        now = timezone.now()
        items, sent, dropped = [], [], []
        for check in checks:
            complaint = check.complaint
            if complaint.preventive_verified_at or (
                complaint.state in TERMINAL_STATES - DONE_STATES
            ):
                dropped.append(check.pk)
                continue
            if complaint.state not in DONE_STATES:
                continue  # not resolved yet: reminded once it is
            people: dict = {}
            for audience in (Audience.OWNER, Audience.CUSTOMER_DIRECTOR):
                for user in people_for(audience, complaint):
                    people.setdefault(user.pk, user)
            items.append(_prevention_item(complaint, list(people.values()), check.verify_on))
            sent.append(check.pk)
        _send(items)
        PreventionCheck.objects.filter(pk__in=sent).update(reminded_at=now)
        PreventionCheck.objects.filter(pk__in=dropped).update(done_at=now)
        return len(sent)


def _prevention_item(complaint: Complaint, recipients: list, day: date) -> dict:
    return {
        "organisation_id": complaint.organisation_id,
        "branch_id": complaint.branch_id,
        "recipients": recipients,
        "kind": Kind.PREVENTION_VERIFY,
        "payload": {
            "complaint_id": complaint.pk,
            "complaint_number": complaint.number,
            "title": complaint.title,
            "verify_on": day.isoformat(),
        },
        "dedupe_key": f"c{complaint.pk}:{Kind.PREVENTION_VERIFY}:{day.isoformat()}",
        "channels": PERSONAL,
        "webhooks": False,
    }


def prevention_after_move(complaint: Complaint, move: str, actor) -> None:
    """complaints' `after_move` hook: keep the queue of preventive actions to verify."""
    if move == Move.RECORD_ROOT_CAUSE:
        verify_on = complaint.preventive_verify_on
        if verify_on is None or not complaint.preventive_action:
            PreventionCheck.objects.filter(complaint=complaint, done_at__isnull=True).update(
                done_at=timezone.now()
            )
        elif complaint.preventive_verified_at is None:
            check = PreventionCheck.objects.filter(complaint=complaint).first()
            if check is None:
                PreventionCheck.objects.create(complaint=complaint, verify_on=verify_on)
            elif check.verify_on != verify_on or check.done_at is not None:
                # A new date (or a new preventive action): reminded again when it comes.
                check.verify_on, check.reminded_at, check.done_at = verify_on, None, None
                check.save(update_fields=["verify_on", "reminded_at", "done_at"])
    elif move == Move.VERIFY_PREVENTION:
        PreventionCheck.objects.filter(complaint=complaint, done_at__isnull=True).update(
            done_at=timezone.now()
        )
