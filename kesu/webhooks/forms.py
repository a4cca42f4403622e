"""The webhook pages' forms: an endpoint, and the delivery log's filters. They read the input;
services.py decides (and says why not, in the same words on the page and in the API)."""

from django import forms
from django.core.validators import URLValidator
from django.utils.translation import gettext_lazy as _

from kesu.organisation.models import Branch
from kesu.webhooks.choices import Event, Status


class EndpointForm(forms.Form):
    url = forms.CharField(
        label=_("Address"),
        max_length=500,
        help_text=_("The receiving system's address, e.g. https://crm.example.cn/kesu/webhooks"),
        error_messages={"required": _("Enter an http:// or https:// address.")},
        validators=[
            URLValidator(
                schemes=["http", "https"], message=_("Enter an http:// or https:// address.")
            )
        ],
    )
    description = forms.CharField(
        label=_("Description"),
        max_length=200,
        help_text=_("Which system this is, so that the log says who got what."),
        error_messages={"required": _("Say what the endpoint is, e.g. the CRM.")},
    )
    events = forms.MultipleChoiceField(
        label=_("Events"),
        choices=Event.choices,
        widget=forms.CheckboxSelectMultiple,
        error_messages={"required": _("Choose at least one event.")},
    )
    branches = forms.ModelMultipleChoiceField(
        label=_("Branches"),
        queryset=Branch.objects.none(),
        required=False,
        widget=forms.CheckboxSelectMultiple,
        help_text=_("None chosen: the events of every branch."),
    )
    is_active = forms.BooleanField(label=_("Active"), required=False, initial=True)

    def __init__(self, *args, organisation_id: int, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["branches"].queryset = Branch.objects.filter(
            organisation_id=organisation_id
        ).order_by("name")

    def values(self) -> dict:
        data = self.cleaned_data
        return {
            "url": data["url"],
            "description": data["description"],
            "events": data["events"],
            "branch_ids": [b.pk for b in data["branches"]],
            "is_active": data["is_active"],
        }

    @classmethod
    def initial_of(cls, endpoint) -> dict:
        return {
            "url": endpoint.url,
            "description": endpoint.description,
            "events": endpoint.events,
            "branches": list(endpoint.branches.all()),
            "is_active": endpoint.is_active,
        }


class DeliveryFilterForm(forms.Form):
    endpoint = forms.TypedChoiceField(
        label=_("Endpoint"), required=False, coerce=int, empty_value=None
    )
    event = forms.ChoiceField(
        label=_("Event"), required=False, choices=[("", _("All")), *Event.choices]
    )
    status = forms.ChoiceField(
        label=_("Status"), required=False, choices=[("", _("All")), *Status.choices]
    )

    def __init__(self, *args, endpoints, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["endpoint"].choices = [("", _("All")), *((e.pk, str(e)) for e in endpoints)]
