"""The form of the customer's page: their details and how they prefer to be reached.

Contact data (phone, e-mail, WeChat, ID number) is a field only for the roles that see it in
full (CONTACT_DATA_ROLES); the others see it masked and cannot change it, so a masked value is
never sent back as a new one. The customers' service checks and records every change.
"""

from datetime import date

from django import forms
from django.core.exceptions import ValidationError
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from kesu.complaints.forms import LimitedCharField, LongTextField
from kesu.core.phones import normalise_phone
from kesu.customers import limits
from kesu.customers.choices import ContactChannel, CustomerLanguage, PersonalityType, Tier

DATE = forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d")
CONTACT_FIELDS = ("phone", "email", "wechat_id", "id_number")
FIRST_YEAR = 1900
PHONE_INPUT_LENGTH = 40  # as typed: spaces, dashes, +86 …; stored normalised


def _choices(choices) -> list[tuple[str, str]]:
    return [("", "—"), *choices]


class PastDateField(forms.DateField):
    """A day that has been: not before 1900, not after today (a birthday, a founding day)."""

    default_error_messages = {
        "out_of_range": _("Give a date between %(first)s and today."),
    }

    def __init__(self, **kwargs):
        super().__init__(widget=DATE, required=False, **kwargs)

    def validate(self, value):
        super().validate(value)
        if value and not date(FIRST_YEAR, 1, 1) <= value <= timezone.localdate():
            raise ValidationError(
                self.error_messages["out_of_range"],
                code="out_of_range",
                params={"first": f"{FIRST_YEAR}-01-01"},
            )


class CustomerForm(forms.Form):
    name = LimitedCharField(label=_("Name"), max_length=limits.NAME)
    phone = LimitedCharField(label=_("Phone"), max_length=PHONE_INPUT_LENGTH)
    email = forms.EmailField(label=_("E-mail"), required=False, max_length=254)
    wechat_id = LimitedCharField(label=_("WeChat ID"), max_length=64, required=False)
    id_number = LimitedCharField(label=_("ID number"), max_length=32, required=False)
    is_company = forms.BooleanField(label=_("Corporate customer"), required=False)
    tier = forms.ChoiceField(label=_("Tier"), choices=_choices(Tier.choices), required=False)
    personality_type = forms.ChoiceField(
        label=_("Personality type"), choices=_choices(PersonalityType.choices), required=False
    )
    birthday = PastDateField(label=_("Birthday"))
    founded_on = PastDateField(label=_("Company founded on"))
    address = LimitedCharField(label=_("Address"), max_length=limits.ADDRESS, required=False)
    notes = LongTextField(label=_("Notes"), max_length=limits.NOTES, required=False)
    preferred_channel = forms.ChoiceField(
        label=_("Preferred channel"),
        choices=_choices(ContactChannel.choices),
        required=False,
        help_text=_("How the customer likes to be reached; when to call is set below."),
    )
    language = forms.ChoiceField(
        label=_("Language of messages"),
        choices=_choices(CustomerLanguage.choices),
        required=False,
        help_text=_(
            "Acknowledgements, progress, the closing message, surveys and text messages are "
            "written in it; empty: the organisation's."
        ),
    )

    def __init__(self, *args, sees_contact_data: bool, **kwargs):
        super().__init__(*args, **kwargs)
        if not sees_contact_data:
            for name in CONTACT_FIELDS:
                del self.fields[name]

    def clean_phone(self) -> str:
        return normalise_phone(self.cleaned_data["phone"])

    @classmethod
    def initial_for(cls, customer) -> dict:
        return {
            name: getattr(customer, name)
            for name in cls.base_fields
            if getattr(customer, name) is not None
        }


class KeyPersonForm(forms.Form):
    """A key person of a corporate customer: who decides, who pays, who drives."""

    name = LimitedCharField(label=_("Name"), max_length=limits.NAME)
    title = LimitedCharField(label=_("Job title"), max_length=limits.TITLE, required=False)
    phone = LimitedCharField(label=_("Phone"), max_length=PHONE_INPUT_LENGTH, required=False)
    email = forms.EmailField(label=_("E-mail"), required=False, max_length=254)
    birthday = PastDateField(label=_("Birthday"))

    def clean_phone(self) -> str:
        phone = self.cleaned_data["phone"].strip()
        return normalise_phone(phone) if phone else ""
