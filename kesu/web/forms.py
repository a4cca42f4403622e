from django import forms
from django.utils.translation import gettext_lazy as _

from kesu.complaints.choices import CauseClass, Channel, Demand, Kind
from kesu.customers.choices import PersonalityType
from kesu.organisation.models import Branch
from kesu.organisation.selectors import branches_visible_to


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
    phone = forms.CharField(label=_("Customer's phone"), max_length=40)
    customer = forms.IntegerField(required=False, widget=forms.HiddenInput)
    customer_name = forms.CharField(label=_("Customer's name"), max_length=100, required=False)
    purchase = forms.IntegerField(required=False)
    kind = forms.ChoiceField(label=_("Kind"), choices=Kind.choices, initial=Kind.COMPLAINT)
    channel = forms.ChoiceField(label=_("Channel"), choices=Channel.choices, initial=Channel.PHONE)
    category = forms.CharField(label=_("Category"), max_length=200, required=False)
    demand = forms.ChoiceField(label=_("Demand"), choices=Demand.choices, initial=Demand.REPAIR)
    demand_detail = forms.CharField(label=_("Demand in detail"), max_length=500, required=False)
    title = forms.CharField(label=_("Summary"), max_length=200)
    account = forms.CharField(
        label=_("The customer's account, in their words"), widget=forms.Textarea
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

    def __init__(self, *args, user, **kwargs):
        super().__init__(*args, **kwargs)
        if user.sees_whole_organisation:
            self.fields["branch"].queryset = branches_visible_to(user)
        else:
            del self.fields["branch"]
