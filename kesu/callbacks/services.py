"""Writes of the callback workspace: what came of a call, retries, new complaints and leads.

A satisfaction callback and the complaint's procedure must agree: a satisfied or neutral
customer verifies the resolved complaint (workflow.complaint_verify), a dissatisfied one reopens
it (workflow.complaint_reopen, which takes it to the general manager). Both happen in the same
transaction as the outcome, so either all of it is recorded or none.
"""

from dataclasses import dataclass
from datetime import datetime, timedelta

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from kesu.audit.services import audit_record
from kesu.callbacks import hooks, limits
from kesu.callbacks.choices import (
    NOT_REACHED_RESULTS,
    AttemptResult,
    CallbackAction,
    CallbackType,
    ClosedBy,
    ResponseChannel,
    Satisfaction,
    TaskStatus,
)
from kesu.callbacks.models import CallAttempt, CallbackTask, CustomerCallPreference, Lead
from kesu.callbacks.plans import Planner
from kesu.callbacks.selectors import RECORDING_ROLES, tasks_visible_to
from kesu.callbacks.surveys import record_response, validate_answers
from kesu.complaints import limits as complaint_limits
from kesu.complaints import workflow
from kesu.complaints.choices import Channel, Demand, Move
from kesu.complaints.services import complaint_register
from kesu.complaints.workflow import TRANSITIONS
from kesu.core.errors import InvalidState, NotAllowed, NotFound
from kesu.core.limits import check_lengths, length_errors, normalise_newlines
from kesu.customers.choices import PurchaseKind
from kesu.organisation.models import Department

# Complaint states in which the procedure takes the callback's verdict.
VERIFIABLE = TRANSITIONS[Move.VERIFY].sources
REOPENABLE = TRANSITIONS[Move.REOPEN].sources


def _check_role(actor) -> None:
    if actor.role not in RECORDING_ROLES:
        raise NotAllowed(
            _("Your role may look at callbacks but not record them."), code="role_not_allowed"
        )


def _lock_open_task(actor, task_id) -> CallbackTask:
    _check_role(actor)
    try:
        task = (
            tasks_visible_to(actor)
            .select_for_update(of=("self",))
            .select_related("plan", "plan__survey", "customer", "complaint", "purchase", "branch")
            .get(pk=task_id)
        )
    except (CallbackTask.DoesNotExist, ValueError, TypeError):
        raise NotFound() from None
    if task.status != TaskStatus.OPEN:
        raise InvalidState(
            _("This callback is already finished (%(status)s)."),
            code="callback_closed",
            params={"status": task.get_status_display()},
        )
    return task


def task_not_reached(
    *,
    task_id: int,
    actor,
    result: str = AttemptResult.NO_ANSWER,
    note: str = "",
    call_back_at: datetime | None = None,
    now: datetime | None = None,
) -> CallbackTask:
    """Record a call that did not get the conversation, and plan the next try by the rules.

    No answer, busy or switched off: tried again after the organisation's retry interval within
    the calling hours, until the attempts run out and the callback ends as not reached. A wrong
    number ends it at once. "Call me later" sets the time the customer asked for and does not
    count against the attempts.
    """
    allowed = NOT_REACHED_RESULTS | {AttemptResult.WRONG_NUMBER, AttemptResult.CALL_LATER}
    if result not in allowed:
        raise ValidationError(
            {"result": _("“%(value)s” is not a valid choice.") % {"value": result}}
        )
    now = now or timezone.now()
    if result == AttemptResult.CALL_LATER and (call_back_at is None or call_back_at <= now):
        raise ValidationError({"call_back_at": _("Give the time the customer asked for.")})
    note = normalise_newlines(note or "").strip()
    check_lengths(note=(note, limits.ATTEMPT_NOTE))  # refused whole, never cut short
    with transaction.atomic():
        task = _lock_open_task(actor, task_id)
        planner = Planner(task.organisation_id, actor=actor, now=now)
        before = task.call_from
        rescheduled = None
        if result == AttemptResult.CALL_LATER:
            # call_back_at is set for CALL_LATER (checked above).
            task.call_from = call_back_at  # type: ignore[assignment]
            task.call_until = max(call_back_at + timedelta(hours=1), task.call_until)  # type: ignore[assignment,operator]
            rescheduled = call_back_at
        else:
            task.attempts += 1
            if (
                result == AttemptResult.WRONG_NUMBER
                or task.attempts >= planner.settings.max_attempts
            ):
                task.finish(TaskStatus.UNREACHED, actor, now, ClosedBy.CALL)
            else:
                after = now + timedelta(minutes=planner.settings.retry_after_minutes)
                task.call_from, task.call_until = planner.window(
                    task.customer_id, task.branch_id, after
                )
                rescheduled = task.call_from
        if note:
            task.notes = "\n".join(filter(None, [task.notes, note]))
        task.save()
        CallAttempt.objects.create(
            task=task, at=now, by=actor, result=result, note=note, rescheduled_to=rescheduled
        )
        audit_record(
            organisation_id=task.organisation_id,
            actor=actor,
            action=CallbackAction.CALLBACK_ATTEMPT,
            obj=task,
            data={
                "result": result,
                "attempts": task.attempts,
                "status": task.status,
                "from": before,
                "next": rescheduled,
            },
        )
        if task.status != TaskStatus.OPEN:
            hooks.outcome_recorded(task, actor)
    return task


@dataclass
class NewComplaint:
    title: str
    account: str
    demand: str = Demand.OTHER


@dataclass
class Outcome:
    task: CallbackTask
    complaint_move: str = ""  # a Move: verify or reopen, or ""
    raised_complaint: object = None
    lead: Lead | None = None
    response: object = None


def task_record_outcome(
    *,
    task_id: int,
    actor,
    satisfaction: str = "",
    score: int | None = None,
    notes: str = "",
    answers: dict | None = None,
    new_complaint: NewComplaint | None = None,
    lead_interest: str = "",
    now: datetime | None = None,
) -> Outcome:
    """The customer was reached: record what they said, and what follows from it."""
    now = now or timezone.now()
    notes = normalise_newlines(notes or "").strip()
    lead_interest = (lead_interest or "").strip()
    errors = _outcome_errors(satisfaction, score, notes, lead_interest, new_complaint)
    if errors:
        raise ValidationError(errors)

    with transaction.atomic():
        task = _lock_open_task(actor, task_id)
        if task.callback_type != CallbackType.GREETING and not satisfaction:
            raise ValidationError({"satisfaction": _("Record how satisfied the customer is.")})
        complaint = task.complaint
        move = _complaint_move(complaint, satisfaction, notes)
        clean_answers = {}
        if answers and task.plan.survey_id:
            clean_answers = validate_answers(task.plan.survey, answers, require=False)  # type: ignore[arg-type]  # survey_id checked

        task.finish(TaskStatus.DONE, actor, now, ClosedBy.CALL)
        task.satisfaction = satisfaction
        task.score = score
        task.notes = "\n".join(filter(None, [task.notes, notes]))
        outcome = Outcome(task=task, complaint_move=move)
        if clean_answers:
            outcome.response = record_response(
                survey=task.plan.survey,  # type: ignore[arg-type]  # clean_answers imply a survey
                customer=task.customer,
                complaint=complaint,
                task=task,
                branch_id=task.branch_id,
                answers=clean_answers,
                channel=ResponseChannel.PHONE,
                actor=actor,
                now=now,
            )
        if new_complaint is not None:
            task.raised_complaint = _raise_complaint(task, new_complaint, actor, now)
            outcome.raised_complaint = task.raised_complaint
        if lead_interest:
            outcome.lead = _record_lead(task, lead_interest, actor)
        # Saved before the complaint moves, so the move's own hook finds nothing left to settle.
        task.save()
        CallAttempt.objects.create(task=task, at=now, by=actor, result=AttemptResult.REACHED)
        _audit_outcome(outcome, actor)
        _move_complaint(complaint, move, actor, satisfaction, notes)
        hooks.outcome_recorded(task, actor)
    return outcome


def _outcome_errors(
    satisfaction: str,
    score: int | None,
    notes: str,
    lead_interest: str,
    new_complaint: NewComplaint | None,
) -> dict:
    """What is wrong with an outcome before anything is read (normalises the new complaint's
    account)."""
    errors: dict[str, object] = dict(
        length_errors(
            notes=(notes, limits.NOTES),
            lead_interest=(lead_interest, limits.LEAD_INTEREST),
        )
    )
    if satisfaction and satisfaction not in Satisfaction.values:
        errors["satisfaction"] = _("“%(value)s” is not a valid choice.") % {"value": satisfaction}
    if score is not None and not (isinstance(score, int) and 1 <= score <= 5):
        errors["score"] = _("Give a value from 1 to 5.")
    if new_complaint is not None:
        errors |= _new_complaint_errors(new_complaint)
    return errors


def _new_complaint_errors(new_complaint: NewComplaint) -> dict:
    errors: dict[str, object] = {}
    if not (new_complaint.title or "").strip():
        errors["complaint_title"] = _("This field is required.")
    if not (new_complaint.account or "").strip():
        errors["complaint_account"] = _("This field is required.")
    new_complaint.account = normalise_newlines(new_complaint.account or "")
    errors |= length_errors(
        complaint_title=(new_complaint.title.strip(), complaint_limits.TITLE),
        complaint_account=(new_complaint.account.strip(), complaint_limits.ACCOUNT),
    )
    if new_complaint.demand not in Demand.values:
        errors["complaint_demand"] = _("“%(value)s” is not a valid choice.") % {
            "value": new_complaint.demand
        }
    return errors


def _complaint_move(complaint, satisfaction: str, notes: str) -> str:
    """What the answer does to the complaint called about: "reopen", "verify" or nothing."""
    if complaint is None or not satisfaction:
        return ""
    if satisfaction == Satisfaction.DISSATISFIED and complaint.state in REOPENABLE:
        if not notes:
            raise ValidationError({"notes": _("Say what the customer is still unhappy about.")})
        return Move.REOPEN
    if satisfaction != Satisfaction.DISSATISFIED and complaint.state in VERIFIABLE:
        return Move.VERIFY
    return ""


# The department a complaint raised during a callback about a purchase goes to, by the
# purchase's kind (the dealership's department codes; a branch without one routes as usual).
DEPARTMENT_OF_PURCHASE = {
    PurchaseKind.ORDER: "sales",
    PurchaseKind.VEHICLE: "sales",
    PurchaseKind.SERVICE: "service",
}


def _department_for(task: CallbackTask) -> Department | None:
    """Where a complaint raised during the call belongs: with the department of the complaint
    the call was about, else the one of the purchase it followed up; None lets the routing rules
    decide (not the caller's own department: callback staff do not handle complaints)."""
    if not task.branch_id:
        return None
    called_about = task.complaint
    if called_about is not None and called_about.department is not None:
        department = called_about.department
        return department if department.branch_id == task.branch_id else None
    purchase = task.purchase
    code = DEPARTMENT_OF_PURCHASE.get(PurchaseKind(purchase.kind)) if purchase else None
    if code is None:
        return None
    return Department.objects.filter(branch_id=task.branch_id, code=code).first()


def _raise_complaint(task: CallbackTask, new_complaint: NewComplaint, actor, now: datetime):
    """A new complaint the customer raised during the call, registered from the task."""

    raised, _created = complaint_register(
        department=_department_for(task),
        actor=actor,
        customer=task.customer,
        channel=Channel.CALLBACK,
        channel_detail=f"{task.plan.name} #{task.pk}",
        title=new_complaint.title.strip(),
        account=new_complaint.account.strip(),
        demand=new_complaint.demand,
        purchase=task.purchase,
        branch=task.branch if task.branch_id else None,
        received_at=now,
    )
    return raised


def _record_lead(task: CallbackTask, interest: str, actor) -> Lead:
    return Lead.objects.create(
        organisation_id=task.organisation_id,
        branch_id=task.branch_id,
        customer=task.customer,
        task=task,
        interest=interest,
        created_by=actor,
    )


def _audit_outcome(outcome: Outcome, actor) -> None:
    task = outcome.task
    audit_record(
        organisation_id=task.organisation_id,
        actor=actor,
        action=CallbackAction.CALLBACK_OUTCOME,
        obj=task,
        data={
            "satisfaction": task.satisfaction,
            "score": task.score,
            "attempts": task.attempts,
            "complaint": task.complaint_id,
            "complaint_move": outcome.complaint_move,
            "raised_complaint": task.raised_complaint_id,
            "lead": getattr(outcome.lead, "pk", None),
            "survey_response": getattr(outcome.response, "pk", None),
        },
    )


def _move_complaint(complaint, move: str, actor, satisfaction: str, notes: str) -> None:

    if move == Move.VERIFY:
        workflow.complaint_verify(
            complaint_id=complaint.pk, actor=actor, satisfaction=satisfaction, note=notes
        )
    elif move == Move.REOPEN:
        workflow.complaint_reopen(complaint_id=complaint.pk, actor=actor, reason=notes)


def set_call_preference(
    *, actor, customer, window_from=None, window_until=None, no_sms=None, days=None
):
    """Record when a customer likes to be called (and whether they accept text messages).

    `days` are the ISO weekdays they may be called on ("12345": weekdays; "" any day); None
    keeps the days recorded (the callback page's form does not show them)."""
    _check_role(actor)
    if customer.organisation_id != actor.organisation_id:
        raise NotFound()
    if (window_from is None) != (window_until is None) or (
        window_from is not None and window_until <= window_from
    ):
        raise ValidationError({"window_until": _("Give a start and a later end, or neither.")})
    if days is not None:
        days = preferred_days(days)
    with transaction.atomic():
        pref, _created = CustomerCallPreference.objects.select_for_update().get_or_create(
            customer=customer
        )
        before = _pref_values(pref)
        pref.window_from, pref.window_until = window_from, window_until
        if days is not None:
            pref.days = days
        if no_sms is not None:
            pref.no_sms = no_sms
        pref.save()
        # Open callbacks of this customer move into the new window.
        planner = Planner(customer.organisation_id, actor=actor)
        open_tasks = list(
            CallbackTask.objects.select_for_update().filter(
                customer=customer, status=TaskStatus.OPEN
            )
        )
        for task in open_tasks:
            day_start = timezone.localtime(task.call_from).replace(hour=0, minute=0, second=0)
            task.call_from, task.call_until = planner.window(
                customer.pk, task.branch_id, max(planner.now, day_start), clip=False
            )
        CallbackTask.objects.bulk_update(open_tasks, ["call_from", "call_until"])
        audit_record(
            organisation_id=customer.organisation_id,
            actor=actor,
            action=CallbackAction.CALL_PREFERENCE,
            obj=pref,
            data={
                "customer": customer.pk,
                "from": before,
                "to": _pref_values(pref),
            },
        )
    return pref


def _pref_values(pref) -> list:
    return [
        pref.window_from.strftime("%H:%M") if pref.window_from else None,
        pref.window_until.strftime("%H:%M") if pref.window_until else None,
        pref.no_sms,
        pref.days,
    ]


def preferred_days(days) -> str:
    """ISO weekdays as stored: "1".."7" once each, in order; anything else is refused."""
    text = "".join(str(d) for d in days) if not isinstance(days, str) else days
    if any(c not in "1234567" for c in text):
        raise ValidationError({"days": _("Choose the days from Monday to Sunday.")})
    chosen = "".join(sorted(set(text)))
    return "" if chosen == "1234567" else chosen
