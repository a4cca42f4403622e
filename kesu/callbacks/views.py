"""The callback workspace: thin views over the callbacks' services and selectors."""

from datetime import date, datetime, time

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.db.models import Count
from django.http import Http404
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from kesu.callbacks import limits, measures
from kesu.callbacks.choices import (
    AttemptResult,
    CallbackType,
    Level,
    Population,
    QuestionKind,
    Satisfaction,
    TaskStatus,
)
from kesu.callbacks.models import CustomerCallPreference, SmsMessage
from kesu.callbacks.plans import SALES_ADVISOR_PLANS
from kesu.callbacks.sampling import draw_sample, last_week
from kesu.callbacks.scripts import script_for
from kesu.callbacks.selectors import (
    RECORDING_ROLES,
    SUPERVISING_ROLES,
    customer_callbacks,
    draws_visible_to,
    end_of_day,
    may_use_workspace,
    mine,
    next_task_after,
    task_get,
    task_list,
    tasks_visible_to,
    todays_tasks,
)
from kesu.callbacks.services import (
    NewComplaint,
    set_call_preference,
    task_not_reached,
    task_record_outcome,
)
from kesu.complaints import limits as complaint_limits
from kesu.complaints.choices import Demand, Move
from kesu.complaints.guidance import guidance_for
from kesu.core.errors import DomainError, NotFound
from kesu.core.phones import mask_phone
from kesu.customers.selectors import customer_get
from kesu.mailboxes.messaging import send_survey_link, survey_link_channel
from kesu.organisation.selectors import branches_visible_to


def _workspace(view):
    """Signed in, and a role that works with callbacks."""

    @login_required
    def wrapped(request, *args, **kwargs):
        if not may_use_workspace(request.user):
            raise PermissionDenied
        return view(request, *args, **kwargs)

    wrapped.__name__ = view.__name__
    wrapped.__doc__ = view.__doc__
    return wrapped


def _recording(view):
    """A write that records a call: the roles that only look (group, admin) get a 403 at once,
    as the API answers, rather than a refusal message after the form was checked."""

    def wrapped(request, *args, **kwargs):
        if request.user.role not in RECORDING_ROLES:
            raise PermissionDenied
        return view(request, *args, **kwargs)

    wrapped.__name__ = view.__name__
    wrapped.__doc__ = view.__doc__
    return wrapped


def _context(request, **extra):
    user = request.user
    return {
        "nav": "callbacks",
        "can_record": user.role in RECORDING_ROLES,
        "supervises": user.role in SUPERVISING_ROLES,
        **extra,
    }


def phone_for(user, phone: str) -> str:
    return phone if user.sees_contact_data else mask_phone(phone)


def _others_today(user, tasks, now) -> dict[int, int]:
    """Customer id → how many open callbacks (by anyone in scope) they have today."""
    ids = {t.customer_id for t in tasks}
    if not ids:
        return {}
    rows = (
        tasks_visible_to(user)
        .filter(customer_id__in=ids, status=TaskStatus.OPEN, call_from__lt=end_of_day(now))
        .values_list("customer_id")
        .annotate(n=Count("id"))
    )
    return dict(rows)


def _rows(user, tasks, now):
    rows = []
    today = timezone.localdate(now)
    per_customer = _others_today(user, tasks, now)
    for t in tasks:
        local_from = timezone.localtime(t.call_from)
        rows.append(
            {
                "task": t,
                "phone": phone_for(user, t.customer.phone),
                "late": t.latest_on < today,
                "due_later": t.due_on > today,
                "window_open": t.call_from <= now < t.call_until,
                "window_closed": now >= t.call_until,
                "from_earlier_day": local_from.date() < today,
                "others": per_customer.get(t.customer_id, 1) - 1,
            }
        )
    return rows


@_workspace
def today(request):
    user = request.user
    now = timezone.now()
    scope = request.GET.get("scope", "mine")
    if scope not in ("mine", "branch") or user.role not in SUPERVISING_ROLES:
        scope = "mine"
    tasks = list(todays_tasks(user, scope=scope, now=now))
    start_of_day = end_of_day(now) - timezone.timedelta(days=1)
    finished_today = task_list(user).filter(completed_at__gte=start_of_day)
    if scope == "mine":
        finished_today = finished_today.filter(completed_by=user)
    counts = {
        "todo": len(tasks),
        "late": sum(1 for t in tasks if t.latest_on < timezone.localdate(now)),
        "done": finished_today.filter(status=TaskStatus.DONE).count(),
        "unreached": finished_today.filter(status=TaskStatus.UNREACHED).count(),
    }
    upcoming = task_list(user).filter(status=TaskStatus.OPEN, call_from__gte=end_of_day(now))
    if scope == "mine":
        upcoming = upcoming.filter(mine(user))
    return render(
        request,
        "callbacks/today.html",
        _context(
            request,
            rows=_rows(user, tasks, now),
            counts=counts,
            scope=scope,
            now=timezone.localtime(now),
            upcoming=upcoming.count(),
            finished=list(
                finished_today.select_related("completed_by").order_by("-completed_at")[:20]
            ),
        ),
    )


def _get_task(request, pk):
    try:
        return task_get(request.user, pk)
    except NotFound:
        raise Http404 from None


def _survey_fields(task, posted=None, errors=None):
    survey = task.plan.survey
    if survey is None:
        return []
    fields = []
    for q in survey.questions.all():
        if q.kind == QuestionKind.RATING:
            options = list(range(1, 6))
        elif q.kind == QuestionKind.NPS:
            options = list(range(0, 11))
        else:
            options = None
        fields.append(
            {
                "q": q,
                "name": f"q_{q.code}",
                "options": options,
                "value": (posted or {}).get(f"q_{q.code}", ""),
                "errors": (errors or {}).get(q.code),
            }
        )
    return fields


@_workspace
def task_page(request, pk, errors=None, posted=None, status=200):
    user = request.user
    task = _get_task(request, pk)
    customer = task.customer
    preference = CustomerCallPreference.objects.filter(customer=customer).first()
    now = timezone.now()
    context = _context(
        request,
        task=task,
        customer=customer,
        phone=phone_for(user, customer.phone),
        key_person_phone=phone_for(user, task.key_person.phone) if task.key_person else "",
        preference=preference,
        script=script_for(task.callback_type),
        advisor_call=task.plan.code in SALES_ADVISOR_PLANS,
        advice=guidance_for(customer.personality_type),
        history=list(customer_callbacks(user, customer.pk, exclude_id=task.pk)),
        attempts=list(task.call_attempts.select_related("by").order_by("at")),
        survey_fields=_survey_fields(task, posted, errors),
        survey_by=survey_link_channel(task) if task.plan.survey_id else "",
        satisfactions=Satisfaction.choices,
        not_reached=[
            (AttemptResult.NO_ANSWER, AttemptResult.NO_ANSWER.label),
            (AttemptResult.BUSY, AttemptResult.BUSY.label),
            (AttemptResult.SWITCHED_OFF, AttemptResult.SWITCHED_OFF.label),
            (AttemptResult.WRONG_NUMBER, AttemptResult.WRONG_NUMBER.label),
        ],
        demands=Demand.choices,
        errors=errors or {},
        posted=posted or {},
        is_open=task.status == TaskStatus.OPEN,
        needs_satisfaction=task.callback_type != CallbackType.GREETING,
        late=task.latest_on < timezone.localdate(now),
        window_open=task.call_from <= now < task.call_until,
        max_attempts=_max_attempts(task),
        limits={
            "notes": limits.NOTES,
            "complaint_title": complaint_limits.TITLE,
            "complaint_account": complaint_limits.ACCOUNT,
            "lead_interest": limits.LEAD_INTEREST,
            "answer": limits.ANSWER,
        },
    )
    return render(request, "callbacks/task.html", context, status=status)


def _max_attempts(task):
    from kesu.callbacks.plans import settings_for

    return settings_for(task.organisation_id).max_attempts


def _after_record(request, task):
    nxt = next_task_after(request.user, task)
    if nxt is not None:
        return redirect("callbacks:task", pk=nxt.pk)
    messages.info(request, _("That was the last callback on your list for today."))
    return redirect("callbacks:today")


def _parse_local(value: str):
    value = (value or "").strip()
    if not value:
        return None
    try:
        parsed = datetime.fromisoformat(value)
    except ValueError:
        return None
    if timezone.is_naive(parsed):
        parsed = timezone.make_aware(parsed)
    return parsed


def _errors_of(exc: ValidationError) -> dict:
    if hasattr(exc, "error_dict"):
        return {k: [m for e in v for m in e.messages] for k, v in exc.error_dict.items()}
    return {"general": exc.messages}


@_workspace
@require_POST
@_recording
def task_unreached(request, pk):
    result = request.POST.get("result", AttemptResult.NO_ANSWER)
    call_back_at = _parse_local(request.POST.get("call_back_at", ""))
    try:
        task = task_not_reached(
            task_id=pk,
            actor=request.user,
            result=result,
            note=request.POST.get("note", ""),
            call_back_at=call_back_at,
        )
    except NotFound:
        raise Http404 from None
    except ValidationError as exc:
        return task_page(request, pk, errors=_errors_of(exc), posted=request.POST, status=400)
    except DomainError as exc:
        messages.error(request, exc.render())
        return redirect("callbacks:task", pk=pk)
    if task.status == TaskStatus.UNREACHED:
        messages.warning(
            request,
            _("%(name)s: not reached after %(n)s attempts; the callback is closed as not reached.")
            % {"name": task.customer.name, "n": task.attempts},
        )
    else:
        messages.info(
            request,
            _("%(name)s: next try %(when)s.")
            % {
                "name": task.customer.name,
                "when": timezone.localtime(task.call_from).strftime("%m-%d %H:%M"),
            },
        )
    return _after_record(request, task)


@_workspace
@require_POST
@_recording
def task_outcome(request, pk):
    post = request.POST
    score = post.get("score", "").strip()
    new_complaint = None
    if post.get("raise_complaint") == "1":
        new_complaint = NewComplaint(
            title=post.get("complaint_title", ""),
            account=post.get("complaint_account", ""),
            demand=post.get("complaint_demand", Demand.OTHER) or Demand.OTHER,
        )
    answers = {
        key[2:]: value for key, value in post.items() if key.startswith("q_") and value.strip()
    }
    try:
        outcome = task_record_outcome(
            task_id=pk,
            actor=request.user,
            satisfaction=post.get("satisfaction", ""),
            score=int(score) if score.isdigit() else (None if not score else -1),
            notes=post.get("notes", ""),
            answers=answers,
            new_complaint=new_complaint,
            lead_interest=post.get("lead_interest", ""),
        )
    except NotFound:
        raise Http404 from None
    except ValidationError as exc:
        return task_page(request, pk, errors=_errors_of(exc), posted=post, status=400)
    except DomainError as exc:
        messages.error(request, exc.render())
        return task_page(request, pk, posted=post, status=400)
    task = outcome.task
    parts = [_("%(name)s: callback recorded.") % {"name": task.customer.name}]
    if outcome.complaint_move == Move.VERIFY:
        parts.append(_("Complaint %(number)s verified.") % {"number": task.complaint.number})
    elif outcome.complaint_move == Move.REOPEN:
        parts.append(
            _("Complaint %(number)s reopened and passed to the general manager.")
            % {"number": task.complaint.number}
        )
    if outcome.raised_complaint is not None:
        parts.append(
            _("New complaint %(number)s registered.") % {"number": outcome.raised_complaint.number}
        )
    if outcome.lead is not None:
        parts.append(_("Lead recorded."))
    messages.success(request, " ".join(parts))
    return _after_record(request, task)


@_workspace
@require_POST
@_recording
def task_preference(request, pk):
    task = _get_task(request, pk)

    def as_time(value):
        try:
            return time.fromisoformat(value) if value else None
        except ValueError:
            return None

    try:
        set_call_preference(
            actor=request.user,
            customer=task.customer,
            window_from=as_time(request.POST.get("window_from", "")),
            window_until=as_time(request.POST.get("window_until", "")),
            no_sms=request.POST.get("no_sms") == "1",
        )
        messages.success(request, _("Calling preference saved."))
    except ValidationError as exc:
        messages.error(request, " ".join(exc.messages))
    except DomainError as exc:
        messages.error(request, exc.render())
    return redirect("callbacks:task", pk=pk)


def _posted_time(value: str):
    """A time typed in the form ("" is none); anything else than hours:minutes is refused."""
    if not value.strip():
        return None
    try:
        return time.fromisoformat(value.strip())
    except ValueError:
        raise ValidationError(
            {"window_from": _("Give the times as hours and minutes, e.g. 18:00.")}
        ) from None


@_workspace
@require_POST
@_recording
def customer_preference(request, pk):
    """The calling preference from the customer's page: window, days, text messages."""
    try:
        customer = customer_get(request.user, pk)
    except NotFound:
        raise Http404 from None
    try:
        set_call_preference(
            actor=request.user,
            customer=customer,
            window_from=_posted_time(request.POST.get("window_from", "")),
            window_until=_posted_time(request.POST.get("window_until", "")),
            days=request.POST.getlist("days"),
            no_sms=request.POST.get("no_sms") == "1",
        )
        messages.success(request, _("Calling preference saved."))
    except ValidationError as exc:
        messages.error(request, " ".join(exc.messages))
    except DomainError as exc:
        messages.error(request, exc.render())
    return redirect(reverse("complaints:customer", args=[customer.pk]) + "#calling-preference")


@_workspace
@require_POST
@_recording
def task_survey_link(request, pk):
    task = _get_task(request, pk)
    try:
        channel, message = send_survey_link(actor=request.user, task=task, request=request)
    except ValidationError as exc:
        messages.error(request, " ".join(exc.messages))
    else:
        if channel == "email":
            messages.success(request, _("Questionnaire link sent by e-mail."))
            return redirect("callbacks:task", pk=pk)
        messages.success(
            request,
            _("Questionnaire link queued by text message (goes out from %(when)s).")
            % {"when": timezone.localtime(message.not_before).strftime("%m-%d %H:%M")},
        )
    return redirect("callbacks:task", pk=pk)


# ---- Dashboard and samples ----------------------------------------------------------------------


def _period(request):
    today_ = timezone.localdate()
    default_start = today_.replace(day=1)

    def parse(name, default):
        try:
            return date.fromisoformat(request.GET.get(name, ""))
        except ValueError:
            return default

    start, end = parse("from", default_start), parse("until", today_)
    if end < start:
        start, end = end, start
    return start, end


@_workspace
def dashboard(request):
    user = request.user
    start, end = _period(request)
    data = measures.measures_for(user, start, end)
    week_start, week_end = last_week(timezone.localdate())
    sms_waiting = SmsMessage.objects.filter(organisation_id=user.organisation_id, status="pending")
    if not user.sees_whole_organisation:
        sms_waiting = sms_waiting.filter(branch_id=user.branch_id)
    return render(
        request,
        "callbacks/dashboard.html",
        _context(
            request,
            m=data,
            start=start,
            end=end,
            draws=list(
                draws_visible_to(user)
                .select_related("branch", "drawn_by")
                .order_by("-drawn_at")[:15]
            ),
            branches=branches_visible_to(user),
            populations=Population.choices,
            levels=[(Level.TWO, Level.TWO.label), (Level.THREE, Level.THREE.label)],
            week_start=week_start,
            week_end=week_end,
            sms_waiting=sms_waiting.count(),
        ),
    )


@_workspace
@require_POST
def draw_create(request):
    user = request.user
    if user.role not in SUPERVISING_ROLES:
        raise PermissionDenied
    post = request.POST
    try:
        start = date.fromisoformat(post.get("period_start", ""))
        end = date.fromisoformat(post.get("period_end", ""))
    except ValueError:
        messages.error(request, _("Give the period as two dates."))
        return redirect("callbacks:dashboard")
    branch_id = post.get("branch") or None
    if not user.sees_whole_organisation:
        branch_id = user.branch_id
    elif branch_id is not None:
        branch_id = int(branch_id) if str(branch_id).isdigit() else -1
    population = post.get("population", "")
    level = int(post["level"]) if post.get("level", "").isdigit() else None
    try:
        draw = draw_sample(
            organisation_id=user.organisation_id,
            branch_id=branch_id,
            population=population,
            period_start=start,
            period_end=end,
            level=level,
            actor=user,
        )
    except ValidationError as exc:
        messages.error(request, " ".join(exc.messages))
        return redirect("callbacks:dashboard")
    messages.success(
        request,
        _("Drew %(drawn)s of %(size)s (target %(target)s).")
        % {"drawn": draw.drawn_count, "size": draw.population_size, "target": draw.target_count},
    )
    return redirect("callbacks:draw", pk=draw.pk)


@_workspace
def draw_page(request, pk):
    draw = (
        draws_visible_to(request.user)
        .select_related("branch", "drawn_by", "plan")
        .filter(pk=pk)
        .first()
    )
    if draw is None:
        raise Http404
    tasks = list(
        task_list(request.user).filter(sample_draw=draw).order_by("customer__name", "id")[:500]
    )
    return render(
        request,
        "callbacks/draw.html",
        _context(
            request,
            draw=draw,
            tasks=tasks,
            achieved=(draw.drawn_count / draw.population_size) if draw.population_size else None,
        ),
    )


def dashboard_url(start, end) -> str:
    return f"{reverse('callbacks:dashboard')}?from={start:%Y-%m-%d}&until={end:%Y-%m-%d}"
