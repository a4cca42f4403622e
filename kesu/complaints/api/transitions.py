"""One input serializer per move of the procedure, matching the keyword arguments of
`workflow.complaint_<name>`; `version` is optional on every move (409 when stale).
"""

from django.conf import settings
from django.utils.text import format_lazy
from django.utils.translation import gettext_lazy as _
from rest_framework import serializers

from kesu.complaints import limits, workflow
from kesu.complaints.choices import (
    CompensationType,
    ConfirmationMethod,
    EscalationLevel,
    Move,
    Resolvability,
    Responsibility,
    Satisfaction,
    Severity,
)
from kesu.core.api.fields import (
    MAX_ID,
    BoundedDateField,
    BoundedDateTimeField,
    ScopedPrimaryKeyRelatedField,
    StrictInputMixin,
)
from kesu.organisation.models import Department, User
from kesu.organisation.selectors import departments_visible_to, users_for_picker

TEXT = limits.TEXT  # Longest free text a move records in the timeline.


def _text(
    required: bool = False, max_length: int = TEXT, *, label, **kwargs
) -> serializers.CharField:
    if required:
        return serializers.CharField(max_length=max_length, label=label, **kwargs)
    return serializers.CharField(
        max_length=max_length, required=False, allow_blank=True, default="", label=label, **kwargs
    )


def _optional_text(*, label, max_length: int = TEXT) -> serializers.CharField:
    """Absent means "leave as it is"; an empty string clears it."""
    return serializers.CharField(
        max_length=max_length, required=False, allow_blank=True, allow_null=True, label=label
    )


def _note():
    return _text(label=_("Note"))


def _reason(max_length: int = TEXT, **kwargs):
    return _text(required=True, max_length=max_length, label=_("Reason"), **kwargs)


class MoveSerializer(StrictInputMixin, serializers.Serializer):
    version = serializers.IntegerField(
        required=False,
        min_value=1,
        max_value=MAX_ID,
        label=_("Version"),
        help_text=_("The version you last read; the move is refused with 409 if it changed."),
    )


class NoteMove(MoveSerializer):
    note = _note()


class ReasonMove(MoveSerializer):
    reason = _reason()


class ConfirmInput(MoveSerializer):
    method = serializers.ChoiceField(
        choices=ConfirmationMethod.choices, label=_("How the customer confirmed")
    )
    note = _note()


class HandOverInput(MoveSerializer):
    to_user = ScopedPrimaryKeyRelatedField(
        scope=users_for_picker,
        queryset=User.objects.all(),
        required=False,
        allow_null=True,
        default=None,
        label=_("New owner"),
        help_text=_("Who takes the case over; the department follows theirs unless you pick one."),
    )
    department = ScopedPrimaryKeyRelatedField(
        scope=departments_visible_to,
        queryset=Department.objects.all(),
        required=False,
        allow_null=True,
        default=None,
        label=_("Handling department"),
        help_text=_("Leave empty to keep the department, or to take the new owner's."),
    )
    note = _note()


class ProposeSolutionInput(MoveSerializer):
    solution = _text(
        required=True,
        label=_("Solution"),
        help_text=_("What will be done for the customer, as you will tell them."),
    )
    resolvability = serializers.ChoiceField(
        choices=Resolvability.choices, default=Resolvability.NOW, label=_("Can it be solved?")
    )
    solution_due_on = BoundedDateField(
        required=False, allow_null=True, default=None, label=_("Solution carried out by")
    )
    compensation_type = serializers.ChoiceField(
        choices=CompensationType.choices,
        required=False,
        allow_blank=True,
        default="",
        label=_("Kind of compensation"),
    )
    compensation_amount = serializers.DecimalField(
        max_digits=12,
        decimal_places=2,
        min_value=0,
        required=False,
        allow_null=True,
        default=None,
        label=_("Compensation amount (yuan)"),
        help_text=_(
            "Above your approval limit the solution waits for someone whose limit covers it."
        ),
    )


class DeclineSolutionInput(ReasonMove):
    escalate = serializers.BooleanField(
        default=False,
        label=_("Escalate to the customer director"),
        help_text=_("Escalate to the customer director at once."),
    )


class ResolveInput(MoveSerializer):
    result = _text(
        required=True,
        label=_("Result"),
        help_text=_("What was done and what the customer was told."),
    )


class VerifyInput(MoveSerializer):
    satisfaction = serializers.ChoiceField(choices=Satisfaction.choices, label=_("Satisfaction"))
    note = _note()


class CloseInput(MoveSerializer):
    summary = _text(label=_("Case summary"))
    share_as_lesson = serializers.BooleanField(
        default=False,
        label=_("Share as a lesson"),
        help_text=_(
            "Everyone in the organisation can read lessons: leave out the customer's name, "
            "phone and plate number."
        ),
    )
    lesson_title = _text(
        max_length=limits.LESSON_TITLE,
        label=_("Lesson title"),
        help_text=_("What went wrong, in a line; needed when the case is shared as a lesson."),
    )
    lesson_advice = _text(
        label=_("What to do differently"),
        help_text=_("What colleagues should do next time; the case summary is the lesson's text."),
    )


class ParkInput(MoveSerializer):
    reason = _reason(
        max_length=limits.LINE,
        help_text=_("Why it cannot be solved for now; the customer is told this."),
    )
    follow_up_on = BoundedDateField(
        label=_("Follow up on"), help_text=_("A date in the future to look at the case again.")
    )


class MergeInput(MoveSerializer):
    into = serializers.CharField(
        max_length=40,
        label=_("Merge into"),
        help_text=_(
            "Number of the open complaint of the same customer that carries on, e.g. "
            "KS-2026-000010. Its numeric id is accepted too."
        ),
    )

    def validate(self, attrs):
        into = attrs.pop("into").strip()
        if into.isdigit():
            value = int(into)
            if not 1 <= value <= MAX_ID:
                raise serializers.ValidationError(
                    {
                        "into": [
                            _("There is no complaint “%(number)s” that you can see.")
                            % {"number": into}
                        ]
                    }
                )
            attrs["into_id"] = value
        else:
            attrs["into_number"] = into
        return attrs


class WithdrawInput(MoveSerializer):
    reason = _reason(max_length=limits.LINE)


class EscalateInput(MoveSerializer):
    level = serializers.ChoiceField(choices=EscalationLevel.choices, label=_("Escalate to"))
    reason = _reason()


class SendBackInput(MoveSerializer):
    instructions = _text(
        required=True,
        label=_("Instructions to the branch"),
        help_text=_("What the branch should do next, and by when."),
    )


class SetDeadlineInput(MoveSerializer):
    due_at = BoundedDateTimeField(label=_("New resolution deadline"))
    reason = _reason()


class OverrideSeverityInput(MoveSerializer):
    severity = serializers.ChoiceField(choices=Severity.choices, label=_("Severity"))
    reason = _reason(max_length=limits.LINE)
    is_crisis = serializers.BooleanField(
        required=False,
        allow_null=True,
        default=None,
        label=_("Crisis"),
        help_text=_(
            "Media, regulator, court or a safety risk: handled first, managers told. Untick it "
            "(false in the API) to clear a false alarm; the reason is recorded."
        ),
    )


class RecordRootCauseInput(MoveSerializer):
    root_cause = _optional_text(label=_("Root cause"))
    corrective_action = _optional_text(label=_("Corrective action"))
    preventive_action = _optional_text(label=_("Preventive action"))
    responsibility = serializers.ChoiceField(
        choices=Responsibility.choices,
        required=False,
        allow_blank=True,
        allow_null=True,
        label=_("Responsibility"),
    )
    preventive_verify_on = BoundedDateField(
        required=False,
        allow_null=True,
        label=_("Verify the preventive action on"),
        help_text=format_lazy(
            _("A day after today; empty: {days} days after the preventive action is recorded."),
            days=settings.KESU_PREVENTION_VERIFY_AFTER_DAYS,
        ),
    )


class VerifyPreventionInput(MoveSerializer):
    verification = _text(
        required=True,
        label=_("Did the preventive action work?"),
        help_text=_("What was checked, and whether the problem has come back."),
    )


# Named per move so the schema carries one request body per move.
def _named(name: str, base: type[MoveSerializer]) -> type[MoveSerializer]:
    class_name = "".join(part.title() for part in name.split("_")) + "Input"
    if base.__name__ == class_name:
        return base
    return type(class_name, (base,), {"__module__": __name__})


TRANSITION_INPUTS: dict[str, type[MoveSerializer]] = {
    name: _named(name, base)
    for name, base in {
        Move.CONFIRM: ConfirmInput,
        Move.START_INVESTIGATION: NoteMove,
        Move.PROPOSE_SOLUTION: ProposeSolutionInput,
        Move.APPROVE_COMPENSATION: NoteMove,
        Move.REJECT_COMPENSATION: ReasonMove,
        Move.ACCEPT_SOLUTION: NoteMove,
        Move.DECLINE_SOLUTION: DeclineSolutionInput,
        Move.RESOLVE: ResolveInput,
        Move.VERIFY: VerifyInput,
        Move.CLOSE: CloseInput,
        Move.REOPEN: ReasonMove,
        Move.PARK: ParkInput,
        Move.RESUME: NoteMove,
        Move.MERGE: MergeInput,
        Move.WITHDRAW: WithdrawInput,
        Move.HAND_OVER: HandOverInput,
        Move.TAKE_ON: NoteMove,
        Move.ESCALATE: EscalateInput,
        Move.TAKE_OVER: NoteMove,
        Move.SEND_BACK: SendBackInput,
        Move.SET_DEADLINE: SetDeadlineInput,
        Move.OVERRIDE_SEVERITY: OverrideSeverityInput,
        Move.RECORD_ROOT_CAUSE: RecordRootCauseInput,
        Move.VERIFY_PREVENTION: VerifyPreventionInput,
    }.items()
}


def run_transition(name: str, *, complaint_id: int, actor, data: dict, expected_version):
    """Call workflow.complaint_<name> with the validated input."""
    move = getattr(workflow, f"complaint_{name}")
    return move(complaint_id=complaint_id, actor=actor, expected_version=expected_version, **data)
