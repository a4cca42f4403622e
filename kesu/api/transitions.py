"""One input serializer per move of the procedure, matching the keyword arguments of
`workflow.complaint_<name>`; `version` is optional on every move (409 when stale).
"""

from django.utils.translation import gettext_lazy as _
from rest_framework import serializers

from kesu.api.fields import (
    MAX_ID,
    BoundedDateField,
    BoundedDateTimeField,
    ScopedPrimaryKeyRelatedField,
    StrictInputMixin,
)
from kesu.complaints import workflow
from kesu.complaints.choices import (
    CompensationType,
    ConfirmationMethod,
    EscalationLevel,
    Resolvability,
    Responsibility,
    Satisfaction,
    Severity,
)
from kesu.organisation.models import Department, User
from kesu.organisation.selectors import departments_visible_to, users_for_picker

TEXT = 5_000  # Longest free text a move records in the timeline.


def _text(required: bool = False, max_length: int = TEXT, **kwargs) -> serializers.CharField:
    if required:
        return serializers.CharField(max_length=max_length, **kwargs)
    return serializers.CharField(
        max_length=max_length, required=False, allow_blank=True, default="", **kwargs
    )


def _optional_text(max_length: int = TEXT) -> serializers.CharField:
    """Absent means "leave as it is"; an empty string clears it."""
    return serializers.CharField(
        max_length=max_length, required=False, allow_blank=True, allow_null=True
    )


class MoveSerializer(StrictInputMixin, serializers.Serializer):
    version = serializers.IntegerField(
        required=False,
        min_value=1,
        max_value=MAX_ID,
        help_text=_("The version you last read; the move is refused with 409 if it changed."),
    )


class NoteMove(MoveSerializer):
    note = _text()


class ReasonMove(MoveSerializer):
    reason = _text(required=True)


class ConfirmInput(MoveSerializer):
    method = serializers.ChoiceField(choices=ConfirmationMethod.choices)
    note = _text()


class HandOverInput(MoveSerializer):
    to_user = ScopedPrimaryKeyRelatedField(
        scope=users_for_picker,
        queryset=User.objects.all(),
        required=False,
        allow_null=True,
        default=None,
        help_text=_("The new owner."),
    )
    department = ScopedPrimaryKeyRelatedField(
        scope=departments_visible_to,
        queryset=Department.objects.all(),
        required=False,
        allow_null=True,
        default=None,
        help_text=_("The new handling department."),
    )
    note = _text()


class ProposeSolutionInput(MoveSerializer):
    solution = _text(required=True)
    resolvability = serializers.ChoiceField(
        choices=Resolvability.choices, default=Resolvability.NOW
    )
    solution_due_on = BoundedDateField(required=False, allow_null=True, default=None)
    compensation_type = serializers.ChoiceField(
        choices=CompensationType.choices, required=False, allow_blank=True, default=""
    )
    compensation_amount = serializers.DecimalField(
        max_digits=12,
        decimal_places=2,
        min_value=0,
        required=False,
        allow_null=True,
        default=None,
    )


class DeclineSolutionInput(ReasonMove):
    escalate = serializers.BooleanField(
        default=False, help_text=_("Escalate to the customer director at once.")
    )


class ResolveInput(MoveSerializer):
    result = _text(required=True, help_text=_("What was done and what the customer was told."))


class VerifyInput(MoveSerializer):
    satisfaction = serializers.ChoiceField(choices=Satisfaction.choices)
    note = _text()


class CloseInput(MoveSerializer):
    summary = _text()


class ParkInput(MoveSerializer):
    reason = _text(required=True, max_length=500)
    follow_up_on = BoundedDateField()


class MergeInput(MoveSerializer):
    into = serializers.IntegerField(
        source="into_id",
        min_value=1,
        max_value=MAX_ID,
        help_text=_("Id of the complaint that carries on."),
    )


class WithdrawInput(MoveSerializer):
    reason = _text(required=True, max_length=500)


class EscalateInput(MoveSerializer):
    level = serializers.ChoiceField(choices=EscalationLevel.choices)
    reason = _text(required=True)


class SetDeadlineInput(MoveSerializer):
    due_at = BoundedDateTimeField()
    reason = _text(required=True)


class OverrideSeverityInput(MoveSerializer):
    severity = serializers.ChoiceField(choices=Severity.choices)
    reason = _text(required=True, max_length=500)
    is_crisis = serializers.BooleanField(required=False, allow_null=True, default=None)


class RecordRootCauseInput(MoveSerializer):
    root_cause = _optional_text()
    corrective_action = _optional_text()
    preventive_action = _optional_text()
    responsibility = serializers.ChoiceField(
        choices=Responsibility.choices, required=False, allow_blank=True, allow_null=True
    )


class VerifyPreventionInput(MoveSerializer):
    verification = _text(required=True)


# Named per move so the schema carries one request body per move.
def _named(name: str, base: type[MoveSerializer]) -> type[MoveSerializer]:
    class_name = "".join(part.title() for part in name.split("_")) + "Input"
    if base.__name__ == class_name:
        return base
    return type(class_name, (base,), {"__module__": __name__})


TRANSITION_INPUTS: dict[str, type[MoveSerializer]] = {
    name: _named(name, base)
    for name, base in {
        "confirm": ConfirmInput,
        "start_investigation": NoteMove,
        "propose_solution": ProposeSolutionInput,
        "approve_compensation": NoteMove,
        "reject_compensation": ReasonMove,
        "accept_solution": NoteMove,
        "decline_solution": DeclineSolutionInput,
        "resolve": ResolveInput,
        "verify": VerifyInput,
        "close": CloseInput,
        "reopen": ReasonMove,
        "park": ParkInput,
        "resume": NoteMove,
        "merge": MergeInput,
        "withdraw": WithdrawInput,
        "hand_over": HandOverInput,
        "escalate": EscalateInput,
        "set_deadline": SetDeadlineInput,
        "override_severity": OverrideSeverityInput,
        "record_root_cause": RecordRootCauseInput,
        "verify_prevention": VerifyPreventionInput,
    }.items()
}


def run_transition(name: str, *, complaint_id: int, actor, data: dict, expected_version):
    """Call workflow.complaint_<name> with the validated input."""
    move = getattr(workflow, f"complaint_{name}")
    return move(complaint_id=complaint_id, actor=actor, expected_version=expected_version, **data)
