"""Query filters shared by the API's lists."""

from django import forms
from django.utils.translation import gettext_lazy as _
from django_filters import rest_framework as filters
from rest_framework.fields import BooleanField


class StrictBooleanField(forms.Field):
    """true or false (as DRF's BooleanField spells them); anything else is refused.

    django-filter's own boolean filter reads `?merged=null` or `?merged=maybe` as "no filter"
    and answers the whole list, which a client cannot tell from a filtered one.
    """

    default_error_messages = {"invalid": _("Give true or false.")}

    def to_python(self, value):
        if value in self.empty_values:
            return None
        text = value.strip().lower() if isinstance(value, str) else value
        if text in BooleanField.TRUE_VALUES:
            return True
        if text in BooleanField.FALSE_VALUES:
            return False
        raise forms.ValidationError(self.error_messages["invalid"], code="invalid")


class StrictBooleanFilter(filters.BooleanFilter):
    field_class = StrictBooleanField

    def __init__(self, *args, **kwargs):
        kwargs.setdefault("widget", forms.TextInput)
        super().__init__(*args, **kwargs)
