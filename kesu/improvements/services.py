"""Writes: creating and changing improvement actions, moving them on, reviewing them.

Each function checks who may, locks the action, changes it and records an audit entry in the
same transaction (the action's history). The measure before is computed when the action is
created, and again whenever what it measures changes; the measure after, when it is reviewed.
"""

from datetime import date, timedelta
from typing import Any

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from kesu.audit.services import audit_record
from kesu.complaints.choices import CauseClass
from kesu.complaints.models import Category
from kesu.complaints.selectors import complaints_visible_to
from kesu.core.errors import InvalidState, NotAllowed, NotFound
from kesu.core.limits import length_errors
from kesu.improvements import limits, measures
from kesu.improvements.choices import (
    CLOSED_STATUSES,
    WORKING_STATUSES,
    ImprovementAudit,
    Status,
    Unit,
    Verdict,
)
from kesu.improvements.models import ImprovementAction
from kesu.improvements.reminders import notify_assigned
from kesu.improvements.selectors import (
    improvements_visible_to,
    may_cancel,
    may_create,
    may_edit,
    may_progress,
    owners_for_picker,
    reviews,
)
from kesu.organisation.choices import Role
from kesu.organisation.models import Branch, Department, User

FIRST_YEAR, LAST_YEAR = 2000, 2100
MAX_BASELINE_DAYS = 3 * 366
# What the measure before depends on: a change to any of these computes it again.
MEASURED = ("branch", "causes", "categories", "unit", "baseline_from", "baseline_to",
            "baseline_denominator")  # fmt: skip
# What an edit may change.
EDITABLE = (
    "title",
    "description",
    "owner",
    "due_on",
    "review_on",
    "branch",
    "department",
    "causes",
    "categories",
    "complaints",
    "unit",
    "denominator_label",
    "baseline_from",
    "baseline_to",
    "baseline_denominator",
)


def default_baseline(today: date | None = None) -> tuple[date, date]:
    """The three complete months before today's month."""
    today = today or timezone.localdate()
    last = today.replace(day=1) - timedelta(days=1)
    first = last.replace(day=1)
    for _step in range(2):
        first = (first - timedelta(days=1)).replace(day=1)
    return first, last


# ---- Checking what is given ----------------------------------------------------------------------


def _check_texts(values: dict) -> dict[str, list[str]]:
    errors: dict[str, list[str]] = {}
    if "title" in values and not (values["title"] or "").strip():
        errors["title"] = [_("Give the action a title.")]
    texts = {
        name: (values.get(name), limit)
        for name, limit in (
            ("title", limits.TITLE),
            ("description", limits.TEXT),
            ("denominator_label", limits.DENOMINATOR_LABEL),
        )
        if isinstance(values.get(name), str)
    }
    for name, messages in length_errors(**texts).items():
        errors.setdefault(name, []).extend(messages)
    return errors


def _check_place(actor: User, values: dict) -> dict[str, list[str]]:
    """The branch and department are within what the actor answers for; the owner works there."""
    errors: dict[str, list[str]] = {}
    branch: Branch | None = values.get("branch")
    department: Department | None = values.get("department")
    if branch is not None and branch.organisation_id != actor.organisation_id:
        errors["branch"] = [_("Choose a branch of your organisation.")]
    elif actor.role != Role.GROUP and (branch is None or branch.pk != actor.branch_id):
        errors["branch"] = [_("You take improvement actions for your own branch only.")]
    if department is not None and (branch is None or department.branch_id != branch.pk):
        errors["department"] = [_("Choose a department of the action's branch.")]
    elif actor.role == Role.HANDLER and (
        department is None or department.pk != actor.department_id
    ):
        errors["department"] = [_("A handling manager takes actions for their own department.")]
    owner: User | None = values.get("owner")
    if owner is None:
        errors["owner"] = [_("Name who answers for the action.")]
    elif not owners_for_picker(actor, branch.pk if branch else None).filter(pk=owner.pk).exists():
        errors["owner"] = [_("Choose someone who works in the action's branch.")]
    return errors


def _check_dates(values: dict, today: date, due_changed: bool) -> dict[str, list[str]]:
    errors: dict[str, list[str]] = {}
    for name in ("due_on", "review_on", "baseline_from", "baseline_to"):
        day = values.get(name)
        if day is None:
            errors[name] = [_("This field is required.")]
        elif not FIRST_YEAR <= day.year <= LAST_YEAR:
            errors[name] = [
                _("Give a date between the years %(first)s and %(last)s.")
                % {"first": FIRST_YEAR, "last": LAST_YEAR}
            ]
    if errors:
        return errors
    if due_changed and values["due_on"] < today:
        errors["due_on"] = [_("The due date cannot be in the past.")]
    if values["review_on"] <= values["due_on"]:
        errors["review_on"] = [
            _("Review after the due date, when there has been time for the measure to move.")
        ]
    first, last = values["baseline_from"], values["baseline_to"]
    if last >= today:
        errors["baseline_to"] = [_("The baseline is a period in the past: end it before today.")]
    elif first > last:
        errors["baseline_from"] = [_("The baseline starts before it ends.")]
    elif (last - first).days + 1 > MAX_BASELINE_DAYS:
        errors["baseline_from"] = [_("A baseline covers at most three years.")]
    return errors


def _check_measure(values: dict) -> dict[str, list[str]]:
    errors: dict[str, list[str]] = {}
    unknown = [c for c in values.get("causes") or [] if c not in CauseClass.values]
    if unknown:
        errors["causes"] = [_("“%(value)s” is not a valid choice.") % {"value": unknown[0]}]
    if values.get("unit") not in Unit.values:
        errors["unit"] = [_("“%(value)s” is not a valid choice.") % {"value": values.get("unit")}]
    elif values["unit"] == Unit.PER_THOUSAND:
        if not (values.get("denominator_label") or "").strip():
            errors["denominator_label"] = [_("Say what the number counts, e.g. deliveries.")]
        if not values.get("baseline_denominator"):
            errors["baseline_denominator"] = [
                _("Give the number for the baseline period (more than zero).")
            ]
    return errors


def _linked(actor: User, values: dict) -> dict[str, list[str]]:
    """Categories of the organisation, complaints the actor sees; replaces the ids by rows."""
    errors: dict[str, list[str]] = {}
    if "categories" in values:
        ids = {int(c.pk if hasattr(c, "pk") else c) for c in values["categories"]}
        categories = list(
            Category.objects.filter(organisation_id=actor.organisation_id or 0, pk__in=ids)
        )
        if len(categories) != len(ids):
            errors["categories"] = [_("Choose categories of your organisation.")]
        values["categories"] = categories
    if "complaints" in values:
        ids = {int(c.pk if hasattr(c, "pk") else c) for c in values["complaints"]}
        complaints = list(complaints_visible_to(actor).filter(pk__in=ids).only("pk", "number"))
        if len(complaints) != len(ids):
            errors["complaints"] = [_("Link only complaints you can see.")]
        values["complaints"] = complaints
    return errors


def _validate(actor: User, values: dict, *, today: date, due_changed: bool) -> None:
    errors = _check_texts(values)
    for found in (
        _check_place(actor, values),
        _check_dates(values, today, due_changed),
        _check_measure(values),
        _linked(actor, values),
    ):
        for name, messages in found.items():
            errors.setdefault(name, []).extend(messages)
    if errors:
        raise ValidationError(errors)


# ---- Creating and editing ------------------------------------------------------------------------


def _measure_before(action: ImprovementAction) -> None:
    measured = measures.measure(
        action, action.baseline_from, action.baseline_to, action.baseline_denominator
    )
    action.before_count, action.before_value = measured.count, measured.value
    action.save(update_fields=["before_count", "before_value", "updated_at"])


def _recorded(values: dict) -> dict:
    """The values as the audit entry keeps them: ids for rows and lists of ids for links."""
    out: dict[str, Any] = {}
    for name, value in values.items():
        if name in ("categories", "complaints"):
            out[name] = sorted(v.pk for v in value)
        elif hasattr(value, "pk"):
            out[name] = value.pk
        else:
            out[name] = value
    return out


def improvement_create(
    *,
    actor: User,
    title: str,
    owner: User | None,
    due_on: date | None,
    review_on: date | None,
    description: str = "",
    branch: Branch | None = None,
    department: Department | None = None,
    causes: list[str] | None = None,
    categories: list | None = None,
    complaints: list | None = None,
    unit: str = Unit.PER_30_DAYS,
    denominator_label: str = "",
    baseline_from: date | None = None,
    baseline_to: date | None = None,
    baseline_denominator: int | None = None,
) -> ImprovementAction:
    """A new improvement action, not started, with its measure before over the baseline."""
    if not may_create(actor):
        raise NotAllowed(_("Your role does not take improvement actions."))
    today = timezone.localdate()
    if actor.role != Role.GROUP:
        branch = branch if branch is not None else actor.branch
    if actor.role == Role.HANDLER and department is None:
        department = actor.department
    first, last = default_baseline(today)
    values: dict[str, Any] = {
        "title": (title or "").strip(),
        "description": (description or "").strip(),
        "owner": owner,
        "due_on": due_on,
        "review_on": review_on,
        "branch": branch,
        "department": department,
        "causes": sorted(set(causes or [])),
        "categories": list(categories or []),
        "complaints": list(complaints or []),
        "unit": unit or Unit.PER_30_DAYS,
        "denominator_label": (denominator_label or "").strip(),
        "baseline_from": baseline_from or first,
        "baseline_to": baseline_to or last,
        "baseline_denominator": baseline_denominator,
    }
    _validate(actor, values, today=today, due_changed=True)
    with transaction.atomic():
        linked = {name: values.pop(name) for name in ("categories", "complaints")}
        action = ImprovementAction.objects.create(
            organisation_id=actor.organisation_id or 0, created_by=actor, **values
        )
        action.categories.set(linked["categories"])
        action.complaints.set(linked["complaints"])
        _measure_before(action)
        audit_record(
            organisation_id=action.organisation_id,
            actor=actor,
            action=ImprovementAudit.CREATED,
            obj=action,
            data={
                "fields": _recorded({**values, **linked}),
                "before": {"count": action.before_count, "value": action.before_value},
            },
        )
        notify_assigned(action, actor)
    return action


def _locked(actor: User, action_id: int) -> ImprovementAction:
    try:
        return improvements_visible_to(actor).select_for_update().get(pk=action_id)
    except (ImprovementAction.DoesNotExist, ValueError, TypeError):
        raise NotFound() from None


def _current(action: ImprovementAction, name: str):
    if name in ("categories", "complaints"):
        return list(getattr(action, name).all())
    return getattr(action, name)


def _same(name: str, old, new) -> bool:
    if name in ("categories", "complaints"):
        return {o.pk for o in old} == {n.pk for n in new}
    if name == "causes":
        return sorted(old or []) == sorted(new or [])
    return old == new


def improvement_update(*, action_id: int, actor: User, **changes) -> ImprovementAction:
    """Change what the action is; the measure before is computed again if what it measures
    changed. Only the fields of EDITABLE; the others are moved by their own functions."""
    unknown = set(changes) - set(EDITABLE)
    if unknown:
        raise ValidationError({name: _("This field cannot be changed here.") for name in unknown})
    with transaction.atomic():
        action = _locked(actor, action_id)
        if not may_edit(actor, action):
            if action.status in CLOSED_STATUSES:
                raise InvalidState(
                    _("A reviewed or cancelled action is not changed any more."), code="closed"
                )
            raise NotAllowed(_("You may not change this improvement action."))
        values = {name: _current(action, name) for name in EDITABLE}
        for name, value in changes.items():
            values[name] = value.strip() if isinstance(value, str) else value
        values["causes"] = sorted(set(values["causes"] or []))
        if values["department"] is not None and values["branch"] is None:
            values["department"] = None
        _validate(
            actor, values, today=timezone.localdate(), due_changed=values["due_on"] != action.due_on
        )
        changed = {
            name: [_current(action, name), values[name]]
            for name in EDITABLE
            if not _same(name, _current(action, name), values[name])
        }
        if not changed:
            return action
        for name, (_old, new) in changed.items():
            if name in ("categories", "complaints"):
                getattr(action, name).set(new)
            else:
                setattr(action, name, new)
        action.save()
        data: dict[str, Any] = {
            "changes": {
                name: [_recorded({name: old})[name], _recorded({name: new})[name]]
                for name, (old, new) in changed.items()
            }
        }
        if set(changed) & set(MEASURED):
            _measure_before(action)
            data["before"] = {"count": action.before_count, "value": action.before_value}
        audit_record(
            organisation_id=action.organisation_id,
            actor=actor,
            action=ImprovementAudit.CHANGED,
            obj=action,
            data=data,
        )
        if "owner" in changed:
            notify_assigned(action, actor)
    return action


# ---- Moving it on --------------------------------------------------------------------------------


def _status_change(
    actor: User, action: ImprovementAction, code: str, fields: dict, data: dict | None = None
) -> ImprovementAction:
    old = action.status
    for name, value in fields.items():
        setattr(action, name, value)
    action.save(update_fields=[*fields, "updated_at"])
    audit_record(
        organisation_id=action.organisation_id,
        actor=actor,
        action=code,
        obj=action,
        data={"from": old, "to": action.status, **(data or {})},
    )
    return action


def improvement_start(*, action_id: int, actor: User) -> ImprovementAction:
    with transaction.atomic():
        action = _locked(actor, action_id)
        _may(may_progress(actor, action))
        if action.status != Status.OPEN:
            raise _wrong_status(action)
        return _status_change(
            actor, action, ImprovementAudit.STARTED, {"status": Status.IN_PROGRESS}
        )


def improvement_complete(*, action_id: int, actor: User) -> ImprovementAction:
    """Done: what was planned has been carried out; the measure after starts today."""
    with transaction.atomic():
        action = _locked(actor, action_id)
        _may(may_progress(actor, action))
        if action.status not in WORKING_STATUSES:
            raise _wrong_status(action)
        return _status_change(
            actor,
            action,
            ImprovementAudit.DONE,
            {"status": Status.DONE, "completed_on": timezone.localdate()},
        )


def improvement_reopen(*, action_id: int, actor: User) -> ImprovementAction:
    """Marked done too early: back in progress, before it is reviewed."""
    with transaction.atomic():
        action = _locked(actor, action_id)
        _may(may_progress(actor, action))
        if action.status != Status.DONE:
            raise _wrong_status(action)
        return _status_change(
            actor,
            action,
            ImprovementAudit.REOPENED,
            {"status": Status.IN_PROGRESS, "completed_on": None},
        )


def improvement_cancel(*, action_id: int, actor: User, reason: str) -> ImprovementAction:
    reason = (reason or "").strip()
    errors = length_errors(reason=(reason, limits.LINE))
    if not reason:
        errors["reason"] = [_("Say why the action is cancelled.")]
    if errors:
        raise ValidationError(errors)
    with transaction.atomic():
        action = _locked(actor, action_id)
        if action.status in CLOSED_STATUSES:
            raise _wrong_status(action)
        _may(may_cancel(actor, action))
        return _status_change(
            actor,
            action,
            ImprovementAudit.CANCELLED,
            {"status": Status.CANCELLED, "cancel_reason": reason, "closed_at": timezone.now()},
            {"reason": reason},
        )


def improvement_review(
    *,
    action_id: int,
    actor: User,
    verdict: str,
    note: str = "",
    after_denominator: int | None = None,
) -> ImprovementAction:
    """On or after the review date: the measure after completion, computed now, and whether
    the action worked, as the reviewer judges it."""
    note = (note or "").strip()
    errors = length_errors(note=(note, limits.TEXT))
    if verdict not in Verdict.values:
        errors["verdict"] = [_("Say whether the action was effective.")]
    if errors:
        raise ValidationError(errors)
    with transaction.atomic():
        action = _locked(actor, action_id)
        _may(reviews(actor, action))
        if action.status != Status.DONE:
            raise _wrong_status(action)
        today = timezone.localdate()
        if today < action.review_on:
            raise InvalidState(
                _("The action is reviewed from %(date)s on, when the measure has had time to move.")
                % {"date": action.review_on.isoformat()},
                code="too_early",
            )
        period = measures.after_period(action, today)
        if period is None:
            raise InvalidState(
                _("The action was done today: review it once a day after it can be measured."),
                code="too_early",
            )
        if action.unit == Unit.PER_THOUSAND and not after_denominator:
            raise ValidationError(
                {
                    "after_denominator": _(
                        "Give the number for the period after (%(label)s, more than zero)."
                    )
                    % {"label": action.denominator_label}
                }
            )
        measured = measures.measure(action, period[0], period[1], after_denominator)
        return _status_change(
            actor,
            action,
            ImprovementAudit.REVIEWED,
            {
                "status": verdict,
                "after_from": period[0],
                "after_to": period[1],
                "after_denominator": after_denominator,
                "after_count": measured.count,
                "after_value": measured.value,
                "review_note": note,
                "reviewed_by": actor,
                "closed_at": timezone.now(),
            },
            {
                "after": {
                    "from": period[0],
                    "to": period[1],
                    "count": measured.count,
                    "value": measured.value,
                },
                "before": {"count": action.before_count, "value": action.before_value},
                "note": note,
            },
        )


def _may(allowed: bool) -> None:
    if not allowed:
        raise NotAllowed(_("You may not do this to this improvement action."))


def _wrong_status(action: ImprovementAction) -> InvalidState:
    return InvalidState(
        _("Not possible while the action is “%(status)s”.")
        % {"status": action.get_status_display()},
        code="invalid_state",
    )
