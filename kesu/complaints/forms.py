from django import forms
from django.core.exceptions import NON_FIELD_ERRORS
from django.core.validators import MaxLengthValidator
from django.utils.translation import gettext_lazy as _

from kesu.complaints import limits
from kesu.complaints.choices import THIRD_PARTY_CHANNELS, CauseClass, Channel, Demand, Kind
from kesu.complaints.models import ManufacturerContact
from kesu.core.limits import TextLimit, normalise_newlines
from kesu.customers import limits as customer_limits
from kesu.customers.choices import PersonalityType
from kesu.organisation.models import Branch, Department
from kesu.organisation.selectors import branches_visible_to


class LimitedCharField(forms.CharField):
    """A text with a limit, refused in Kesu's own words (TextLimit, kesu/core/limits.py) with
    its length, never cut: every web form says "too long" the same way."""

    def __init__(self, *, max_length: int, **kwargs):
        super().__init__(max_length=max_length, **kwargs)
        self.validators = [
            *(v for v in self.validators if type(v) is not MaxLengthValidator),
            TextLimit(max_length),
        ]


class LongTextField(LimitedCharField):
    """A textarea with a limit: CRLF counts as one character, as the browser's maxlength and
    the counter count it."""

    widget = forms.Textarea

    def to_python(self, value):
        return super().to_python(normalise_newlines(value))


class NoteForm(forms.Form):
    """A note or a call on a complaint's timeline."""

    text = LongTextField(label=_("Add a note or log a call"), max_length=limits.NOTE)


class StaffNamedForm(forms.Form):
    """Whom the complaint is about, recorded or corrected after intake: an edit of the record
    (services.complaint_update), with the version the page was loaded at."""

    version = forms.IntegerField(
        widget=forms.HiddenInput,
        min_value=1,
        error_messages={"required": _("Reload the page and enter it again.")},
    )
    staff_involved = LimitedCharField(
        label=_("Staff member involved"), max_length=limits.PERSON, required=False
    )
    promise_made_by = LimitedCharField(
        label=_("Promise made by"), max_length=limits.PERSON, required=False
    )


class IntakeForm(forms.Form):
    """Registering a complaint while the customer is on the phone.

    Users who see the whole organisation (the group customer centre) have no branch of their
    own, so they choose the branch the complaint is for; branch users never see the field.
    """

    branch = forms.ModelChoiceField(
        label=_("Branch"),
        queryset=Branch.objects.none(),
        empty_label="—",
        error_messages={"required": _("Choose the branch the complaint is for.")},
    )
    department = forms.ModelChoiceField(
        label=_("Handling department"),
        queryset=Department.objects.none(),
        required=False,
        empty_label=_("As the routing rules say"),
    )
    phone = LimitedCharField(label=_("Customer's phone"), max_length=40)
    # Filled in by the customer lookup, not typed: their errors show in the list at the top.
    customer = forms.IntegerField(label=_("Customer"), required=False, widget=forms.HiddenInput)
    customer_name = LimitedCharField(
        label=_("Customer's name"),
        max_length=customer_limits.NAME,
        required=False,
    )
    purchase = forms.IntegerField(
        label=_("Purchase concerned"), required=False, widget=forms.HiddenInput
    )
    kind = forms.ChoiceField(label=_("Kind"), choices=Kind.choices, initial=Kind.COMPLAINT)
    channel = forms.ChoiceField(label=_("Channel"), choices=Channel.choices, initial=Channel.PHONE)
    # Only for a complaint a third party forwarded (THIRD_PARTY_CHANNELS); the service says so.
    third_party_reference = LimitedCharField(
        label=_("Their reference number"),
        max_length=limits.THIRD_PARTY_REFERENCE,
        required=False,
    )
    third_party_contact = LimitedCharField(
        label=_("Their contact"), max_length=limits.THIRD_PARTY_CONTACT, required=False
    )
    category = LimitedCharField(label=_("Category"), max_length=200, required=False)
    demand = forms.ChoiceField(label=_("Demand"), choices=Demand.choices, initial=Demand.REPAIR)
    demand_detail = LimitedCharField(
        label=_("Demand in detail"), max_length=limits.LINE, required=False
    )
    staff_involved = LimitedCharField(
        label=_("Staff member involved"), max_length=limits.PERSON, required=False
    )
    promise_made_by = LimitedCharField(
        label=_("Promise made by"), max_length=limits.PERSON, required=False
    )
    title = LimitedCharField(label=_("Summary"), max_length=limits.TITLE)
    account = LongTextField(
        label=_("The customer's account, in their words"), max_length=limits.ACCOUNT
    )
    cause = forms.ChoiceField(
        label=_("Cause class"), choices=[("", "—"), *CauseClass.choices], required=False
    )
    personality_type = forms.ChoiceField(
        label=_("Customer's type"), choices=[("", "—"), *PersonalityType.choices], required=False
    )
    upset_level = forms.TypedChoiceField(
        label=_("How upset (1–5)"),
        choices=[("", "—"), *[(i, str(i)) for i in range(1, 6)]],
        coerce=int,
        empty_value=None,
        required=False,
    )

    def unmarked_errors(self) -> list[str]:
        """Errors no field on the page shows: of hidden fields and of names that are not
        fields, each with its field's label (the form's own errors show on their own)."""
        out = []
        for name, errors in self.errors.items():
            if name == NON_FIELD_ERRORS:
                continue
            field = self.fields.get(name)
            if field is not None and not field.widget.is_hidden:
                continue
            label = field.label if field is not None and field.label else name
            out += [
                _("%(field)s: %(message)s") % {"field": label, "message": message}
                for message in errors
            ]
        return out

    def __init__(self, *args, user, **kwargs):
        super().__init__(*args, **kwargs)
        departments = self.fields["department"]
        departments.label_from_instance = lambda department: department.name
        if user.sees_whole_organisation:
            # Registering for any branch (the group): the departments of the branch chosen,
            # none before one is (the intake's route preview swaps them in on a change).
            self.fields["branch"].queryset = branches_visible_to(user)
            chosen = self.data.get("branch") if self.is_bound else self.initial.get("branch")
            departments.queryset = Department.objects.filter(
                branch__in=branches_visible_to(user),
                branch_id=chosen if str(chosen or "").isdigit() else None,
            )
            departments.error_messages["invalid_choice"] = _(
                "Choose a department of the branch chosen above: this one belongs to another "
                "branch."
            )
        else:
            del self.fields["branch"]
            departments.queryset = Department.objects.filter(branch_id=user.branch_id)
        departments.queryset = departments.queryset.order_by("name")


# The forwarding channels as the intake's show-for-channels attribute lists them (kesu.js).
THIRD_PARTY_CHANNEL_CODES = " ".join(sorted(THIRD_PARTY_CHANNELS))


class ThirdPartyForm(forms.Form):
    """The forwarding third party's reference and contact, edited on the complaint's page."""

    version = forms.IntegerField(min_value=1, widget=forms.HiddenInput)
    third_party_reference = LimitedCharField(
        label=_("Their reference number"),
        max_length=limits.THIRD_PARTY_REFERENCE,
        required=False,
    )
    third_party_contact = LimitedCharField(
        label=_("Their contact"), max_length=limits.THIRD_PARTY_CONTACT, required=False
    )


class ManufacturerAskForm(forms.Form):
    """Escalate to the manufacturer: one of the configured contacts, and what is asked."""

    contact = forms.ModelChoiceField(
        label=_("Manufacturer contact"),
        queryset=ManufacturerContact.objects.none(),
        empty_label="—",
        error_messages={
            "required": _("Choose the manufacturer's contact."),
            "invalid_choice": _(
                "Choose one of the manufacturer's contacts configured for this branch."
            ),
        },
    )
    asked = LongTextField(label=_("What you ask the manufacturer"), max_length=limits.TEXT)

    def __init__(self, *args, contacts, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["contact"].queryset = contacts


class ManufacturerAnswerForm(forms.Form):
    answer = LongTextField(label=_("The manufacturer's answer"), max_length=limits.TEXT)
    feedback_expected = forms.BooleanField(
        label=_("The manufacturer expects a report back from us"), required=False
    )


class ManufacturerFeedbackForm(forms.Form):
    text = LongTextField(label=_("What was reported to the manufacturer"), max_length=limits.TEXT)
