"""The lesson form of the complaint page and the filters of the lessons page and API."""

import re
from datetime import date

from django import forms
from django.utils.translation import gettext_lazy as _

from kesu.complaints import limits
from kesu.complaints.choices import CauseClass
from kesu.complaints.models import Category
from kesu.complaints.search import SEARCH_MAX_LENGTH
from kesu.core.limits import TextLimit, normalise_newlines
from kesu.organisation.models import Branch

_MONTH = re.compile(r"(\d{4})-(\d{2})")


class LessonForm(forms.Form):
    """Share a closed complaint as a lesson, or edit its lesson."""

    title = forms.CharField(label=_("Lesson title"), max_length=limits.LESSON_TITLE)
    text = forms.CharField(
        label=_("What happened"),
        required=False,
        max_length=limits.TEXT,
        validators=[TextLimit(limits.TEXT)],
    )
    advice = forms.CharField(
        label=_("What to do differently"),
        required=False,
        max_length=limits.TEXT,
        validators=[TextLimit(limits.TEXT)],
    )

    def __init__(self, data=None, **kwargs):
        if data is not None:
            data = {k: normalise_newlines(v) for k, v in data.items()}
        super().__init__(data, **kwargs)


class LessonFilterForm(forms.Form):
    """What the lessons are narrowed to; an invalid filter is left out and said so."""

    q = forms.CharField(label=_("Words"), required=False, max_length=SEARCH_MAX_LENGTH)
    category = forms.ModelChoiceField(
        label=_("Category"), queryset=Category.objects.none(), required=False
    )
    cause = forms.ChoiceField(
        label=_("Cause class"), choices=[("", "")] + list(CauseClass.choices), required=False
    )
    branch = forms.ModelChoiceField(
        label=_("Branch"), queryset=Branch.objects.none(), required=False
    )
    month = forms.CharField(label=_("Shared in"), required=False, max_length=7)

    def __init__(self, data=None, *, user, **kwargs):
        super().__init__(data, **kwargs)
        organisation_id = getattr(user, "organisation_id", None)
        categories = Category.objects.filter(organisation_id=organisation_id)
        self.fields["category"].queryset = categories
        self.fields["branch"].queryset = Branch.objects.filter(organisation_id=organisation_id)
        self.fields["category"].error_messages["invalid_choice"] = _("There is no such category.")
        self.fields["branch"].error_messages["invalid_choice"] = _("There is no such branch.")

    def clean_month(self) -> date | None:
        text = (self.cleaned_data.get("month") or "").strip()
        if not text:
            return None
        match = _MONTH.fullmatch(text)
        if match is None or not 1 <= int(match.group(2)) <= 12 or int(match.group(1)) < 2000:
            raise forms.ValidationError(_("Give a month as YYYY-MM, e.g. 2026-11."))
        return date(int(match.group(1)), int(match.group(2)), 1)

    def filters(self) -> dict:
        """The valid filters as lessons_search takes them (the invalid ones left out)."""
        data = getattr(self, "cleaned_data", {})
        branch = data.get("branch")
        return {
            "category": data.get("category"),
            "cause": data.get("cause") or "",
            "words": (data.get("q") or "").strip(),
            "branch_id": branch.pk if branch is not None else None,
            "month": data.get("month"),
        }
