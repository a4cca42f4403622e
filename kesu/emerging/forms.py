from django import forms
from django.utils.translation import gettext_lazy as _

from kesu.complaints.forms import LimitedCharField
from kesu.emerging.choices import State
from kesu.emerging.services import REASON_LIMIT


class DismissForm(forms.Form):
    reason = LimitedCharField(label=_("Why it is not an emerging issue"), max_length=REASON_LIMIT)


class FilterForm(forms.Form):
    state = forms.ChoiceField(required=False, choices=[("", _("All")), *State.choices])
