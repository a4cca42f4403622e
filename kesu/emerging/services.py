"""Writes: dismissing an emerging issue, starting an improvement action or a crisis from it.

Each function checks who may, locks the issue, changes it and records who did what on the trail
(the issue's first complaint's timeline) in the same transaction.
"""

from datetime import timedelta

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from kesu.audit.services import audit_record
from kesu.complaints.choices import OPEN_STATES, Severity
from kesu.complaints.workflow import complaint_override_severity
from kesu.core.errors import InvalidState, NotAllowed, NotFound
from kesu.core.limits import length_errors
from kesu.crises.models import Crisis
from kesu.crises.selectors import may_open as may_open_crisis
from kesu.crises.services import crisis_open
from kesu.emerging.choices import EmergingAudit, State
from kesu.emerging.models import EmergingIssue, Membership
from kesu.emerging.selectors import (
    issue_complaints,
    issues_visible_to,
    may_dismiss,
    may_start_crisis,
    may_start_improvement,
)
from kesu.improvements.models import ImprovementAction
from kesu.improvements.services import improvement_create
from kesu.organisation.choices import Role
from kesu.organisation.models import User

REASON_LIMIT = 500
IMPROVEMENT_DUE_DAYS = 30
IMPROVEMENT_REVIEW_DAYS = 120


def _locked(actor: User, issue_id: int) -> EmergingIssue:
    try:
        return (
            issues_visible_to(actor)
            .select_for_update(of=("self",))
            .select_related("category", "department", "branch")
            .get(pk=issue_id)
        )
    except (EmergingIssue.DoesNotExist, ValueError, TypeError):
        raise NotFound() from None


def _first_complaint_id(issue: EmergingIssue) -> int | None:
    return (
        Membership.objects.filter(issue_id=issue.pk)
        .order_by("received_at", "complaint_id")
        .values_list("complaint_id", flat=True)
        .first()
    )


def _audit(issue: EmergingIssue, actor: User, action: str, obj, data: dict) -> None:
    audit_record(
        organisation_id=issue.organisation_id,
        actor=actor,
        action=action,
        obj=obj,
        complaint_id=_first_complaint_id(issue),
        data={"emerging_id": issue.pk, **data},
    )


def _decided(issue: EmergingIssue, actor: User, state: str, fields: list[str]) -> None:
    issue.state = state
    issue.decided_at = timezone.now()
    issue.decided_by = actor
    issue.save(update_fields=["state", "decided_at", "decided_by", "updated_at", *fields])


def issue_dismiss(*, actor: User, issue_id: int, reason: str) -> EmergingIssue:
    """Not an emerging issue after all (a known matter, a coincidence): the reason says why.
    Its complaints stay in it, so the same cluster raises nothing again."""
    reason = (reason or "").strip()
    with transaction.atomic():
        issue = _locked(actor, issue_id)
        if issue.state != State.OPEN:
            raise InvalidState(_("This emerging issue was already decided."), code="decided")
        if not may_dismiss(actor, issue):
            raise NotAllowed(_("The customer director, the general manager or the group decide."))
        errors = length_errors(reason=(reason, REASON_LIMIT))
        if not reason:
            errors.setdefault("reason", []).append(_("Say why it is dismissed."))
        if errors:
            raise ValidationError(errors)
        issue.dismiss_reason = reason
        _decided(issue, actor, State.DISMISSED, ["dismiss_reason"])
        _audit(issue, actor, EmergingAudit.DISMISSED, issue, {"reason": reason})
    return issue


def _owning_department(issue: EmergingIssue, branch):
    """The department that owns the defect, where it is one of the action's branch."""
    department = issue.department
    if department is None or branch is None or department.branch_id != branch.pk:
        return None
    return department


def issue_start_improvement(*, actor: User, issue_id: int) -> ImprovementAction:
    """An improvement action about the cluster's defect, owned by the actor, due in a month,
    with the cluster's complaints and category; its form is then opened to complete it."""
    with transaction.atomic():
        issue = _locked(actor, issue_id)
        if not may_start_improvement(actor, issue):
            if issue.improvement_id or issue.state == State.DISMISSED:
                raise InvalidState(
                    _("This emerging issue already has its improvement action or was dismissed."),
                    code="decided",
                )
            raise NotAllowed(_("Your role does not take improvement actions."))
        today = timezone.localdate()
        # A cluster across branches: the actor's branch's action (the group's: the group's).
        branch = issue.branch or (None if actor.role == Role.GROUP else actor.branch)
        complaints = list(issue_complaints(actor, issue))
        product = issue.product or _("no product named")
        action = improvement_create(
            actor=actor,
            title=(
                _("Emerging issue: %(label)s (%(product)s)")
                % {"label": issue.label, "product": product}
            )[:200],
            description=_(
                "%(size)s similar complaints in a short time (usual: %(expected).1f). "
                "Find the cause of the defect and stop it."
            )
            % {"size": issue.size, "expected": issue.expected},
            owner=actor,
            due_on=today + timedelta(days=IMPROVEMENT_DUE_DAYS),
            review_on=today + timedelta(days=IMPROVEMENT_REVIEW_DAYS),
            branch=branch,
            department=_owning_department(issue, branch),
            categories=[issue.category] if issue.category_id else [],
            complaints=complaints,
            causes=[],
        )
        issue.improvement = action
        _decided(issue, actor, State.ACTED_ON, ["improvement"])
        _audit(issue, actor, EmergingAudit.IMPROVEMENT, issue, {"improvement_id": action.pk})
    return action


def issue_start_crisis(*, actor: User, issue_id: int) -> Crisis:
    """A crisis on the cluster's first open complaint of the actor's branch: flagged as a crisis
    (major) if it was not, with the actor as its spokesperson until they name another."""
    with transaction.atomic():
        issue = _locked(actor, issue_id)
        if not may_start_crisis(actor, issue):
            if issue.crisis_id or issue.state == State.DISMISSED:
                raise InvalidState(
                    _("This emerging issue already has its crisis or was dismissed."),
                    code="decided",
                )
            raise NotAllowed(_("The customer director, the general manager or the group decide."))
        complaint = (
            issue_complaints(actor, issue)
            .filter(state__in=OPEN_STATES)
            .exclude(pk__in=Crisis.objects.values("complaint_id"))
            .first()
        )
        if complaint is None:
            raise InvalidState(
                _("None of its complaints you may see is still open to handle as a crisis."),
                code="no_open_complaint",
            )
        if not complaint.is_crisis:
            complaint = complaint_override_severity(
                complaint_id=complaint.pk,
                actor=actor,
                severity=Severity.MAJOR,
                reason=_("Emerging issue: %(label)s") % {"label": issue.label},
                is_crisis=True,
            )
        if not may_open_crisis(actor, complaint):
            raise NotAllowed(_("The customer director, the general manager or the group decide."))
        crisis = crisis_open(actor=actor, complaint_id=complaint.pk, spokesperson=actor)
        issue.crisis = crisis
        _decided(issue, actor, State.ACTED_ON, ["crisis"])
        _audit(
            issue,
            actor,
            EmergingAudit.CRISIS,
            issue,
            {"crisis_id": crisis.pk, "complaint": complaint.number},
        )
    return crisis
