"""The forms of the improvement pages: what an action is, moving it on, reviewing it.

They only read the input; the rules (who, which branch, which dates) are the services'.
"""

import re
from datetime import timedelta

from django import forms
from django.utils import timezone
from django.utils.translation import get_language, ngettext
from django.utils.translation import gettext_lazy as _

from kesu.complaints.choices import CauseClass
from kesu.complaints.forms import LimitedCharField, LongTextField
from kesu.complaints.selectors import complaints_visible_to
from kesu.improvements import limits
from kesu.improvements.choices import ACTIVE, Status, Unit, Verdict
from kesu.improvements.selectors import categories_for, departments_for, owners_for_picker
from kesu.improvements.services import default_baseline
from kesu.organisation.choices import Role
from kesu.organisation.models import Branch, Department, User
from kesu.organisation.selectors import branches_visible_to

# Optional in the form, but the service wants them once the unit is "per 1,000".
PER_THOUSAND_FIELDS = ("denominator_label", "baseline_denominator")
REQUIRED_PER_THOUSAND = _("required for per 1,000")
DATE = forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d")
NUMBER_SEPARATORS = re.compile(r"[\s,，、;；]+")


def list_separator() -> str:
    """How the active language separates the items of a list in a sentence."""
    return "、" if (get_language() or "").lower().startswith("zh") else ", "


class _Person(forms.ModelChoiceField):
    def label_from_instance(self, obj: User) -> str:
        where = obj.branch.name if obj.branch_id else _("All branches")
        return f"{obj} · {obj.get_role_display()} · {where}"


class _Place(forms.ModelChoiceField):
    def label_from_instance(self, obj: Department) -> str:
        return f"{obj.branch.name} · {obj.name}"


class _Categories(forms.ModelMultipleChoiceField):
    def label_from_instance(self, obj) -> str:
        return "— " * obj.path.count("/") + obj.label


class ImprovementForm(forms.Form):
    title = LimitedCharField(label=_("Title"), max_length=limits.TITLE)
    description = LongTextField(
        label=_("What will be done"), max_length=limits.TEXT, required=False
    )
    branch = forms.ModelChoiceField(
        label=_("Branch"),
        queryset=Branch.objects.none(),
        required=False,
        empty_label=_("The whole group"),
    )
    department = _Place(label=_("Department"), queryset=Department.objects.none(), required=False)
    owner = _Person(label=_("Owner"), queryset=User.objects.none())
    due_on = forms.DateField(label=_("Due"), widget=DATE)
    review_on = forms.DateField(
        label=_("Review on"),
        widget=DATE,
        help_text=_("When to compare the measure after completion with the measure before."),
    )
    causes = forms.MultipleChoiceField(
        label=_("Causes"),
        choices=CauseClass.choices,
        required=False,
        widget=forms.CheckboxSelectMultiple,
    )
    categories = _Categories(
        label=_("Categories"),
        queryset=categories_for(0),
        required=False,
        widget=forms.SelectMultiple(attrs={"size": 8}),
        help_text=_("Each with everything under it. Hold Ctrl (⌘) to choose several."),
    )
    complaint_numbers = LimitedCharField(
        label=_("Complaints that prompted it"),
        max_length=limits.COMPLAINT_NUMBERS,
        required=False,
        help_text=_("Their numbers, separated by spaces or commas."),
    )
    unit = forms.ChoiceField(
        label=_("Measure"), choices=Unit.choices, initial=Unit.PER_30_DAYS, widget=forms.RadioSelect
    )
    denominator_label = LimitedCharField(
        label=_("Business volume counted"),
        max_length=limits.DENOMINATOR_LABEL,
        required=False,
        help_text=_("What the number entered by hand counts, e.g. deliveries or service visits."),
    )
    baseline_from = forms.DateField(label=_("Baseline from"), widget=DATE)
    baseline_to = forms.DateField(label=_("Baseline to"), widget=DATE)
    baseline_denominator = forms.IntegerField(
        label=_("Number in the baseline period"),
        required=False,
        min_value=1,
        max_value=2_000_000_000,
        help_text=_("With “per 1,000”: e.g. the deliveries of the baseline period."),
    )

    def __init__(self, *args, user: User, action=None, **kwargs):
        super().__init__(*args, **kwargs)
        self.user = user
        branch_id = action.branch_id if action is not None else user.branch_id
        if user.role == Role.GROUP:
            self.fields["branch"].queryset = branches_visible_to(user)
            departments = Department.objects.filter(
                branch__organisation_id=user.organisation_id
            ).select_related("branch")
            owners = owners_for_picker(user, None)
        else:
            del self.fields["branch"]
            departments = departments_for(user, branch_id).select_related("branch")
            owners = owners_for_picker(user, branch_id)
        self.fields["department"].queryset = departments.order_by("branch__code", "name")
        if user.role == Role.HANDLER:
            self.fields["department"].required = True
            self.fields["department"].empty_label = None
        self.fields["owner"].queryset = owners.select_related("branch")
        self.fields["categories"].queryset = categories_for(user.organisation_id)
        for name in PER_THOUSAND_FIELDS:
            self.fields[name].required_for = REQUIRED_PER_THOUSAND  # type: ignore[attr-defined]

    @classmethod
    def initial_for(cls, user: User, complaint=None) -> dict:
        """A new action's form: due in a month, reviewed three months after, the usual
        baseline; from a complaint, its category, cause and number."""
        today = timezone.localdate()
        first, last = default_baseline(today)
        initial = {
            "owner": user.pk,
            "due_on": today + timedelta(days=30),
            "review_on": today + timedelta(days=120),
            "baseline_from": first,
            "baseline_to": last,
            "unit": Unit.PER_30_DAYS,
            "department": user.department_id if user.role == Role.HANDLER else None,
        }
        if complaint is not None:
            initial["complaint_numbers"] = complaint.number
            if complaint.category_id:
                initial["categories"] = [complaint.category_id]
            if complaint.cause:
                initial["causes"] = [complaint.cause]
        return initial

    @classmethod
    def initial_of(cls, action) -> dict:
        return {
            **{
                name: getattr(action, name)
                for name in (
                    "title",
                    "description",
                    "due_on",
                    "review_on",
                    "causes",
                    "unit",
                    "denominator_label",
                    "baseline_from",
                    "baseline_to",
                    "baseline_denominator",
                )
            },  # fmt: skip
            "branch": action.branch_id,
            "department": action.department_id,
            "owner": action.owner_id,
            "categories": list(action.categories.values_list("pk", flat=True)),
            "complaint_numbers": " ".join(
                action.complaints.order_by("id").values_list("number", flat=True)
            ),
        }

    def clean_complaint_numbers(self):
        """The typed numbers as the complaints the user sees; any other is named."""
        numbers = [
            n.upper()
            for n in NUMBER_SEPARATORS.split(self.cleaned_data.get("complaint_numbers") or "")
            if n
        ]
        found = dict(
            complaints_visible_to(self.user).filter(number__in=numbers).values_list("number", "pk")
        )
        unknown = [n for n in numbers if n not in found]
        if unknown:
            shown = unknown[:5]
            raise forms.ValidationError(
                ngettext(
                    "There is no complaint %(numbers)s you can see.",
                    "There are no complaints %(numbers)s you can see.",
                    len(shown),
                )
                % {"numbers": list_separator().join(shown)}
            )
        return sorted(set(found.values()))

    def service_values(self) -> dict:
        """The cleaned input as the services' keyword arguments."""
        data = dict(self.cleaned_data)
        data["complaints"] = data.pop("complaint_numbers")
        data["categories"] = list(data["categories"])
        if "branch" not in self.fields:
            data.pop("branch", None)
        return data


# A service's field errors that belong to another field of the form.
FORM_FIELD_OF = {"complaints": "complaint_numbers"}


class StatusForm(forms.Form):
    """Start it, mark it done, back in progress, or cancel it (with the reason)."""

    START, DONE, REOPEN, CANCEL = "start", "done", "reopen", "cancel"
    move = forms.ChoiceField(choices=[(m, m) for m in (START, DONE, REOPEN, CANCEL)])
    reason = LimitedCharField(label=_("Why"), max_length=limits.LINE, required=False)


class ReviewForm(forms.Form):
    verdict = forms.ChoiceField(
        label=_("Did it work?"), choices=Verdict.choices, widget=forms.RadioSelect
    )
    after_denominator = forms.IntegerField(
        label=_("Number in the period after"), required=False, min_value=1, max_value=2_000_000_000
    )
    after_denominator.required_for = REQUIRED_PER_THOUSAND  # type: ignore[attr-defined]
    note = LongTextField(label=_("What the review found"), max_length=limits.TEXT, required=False)


class FilterForm(forms.Form):
    """The list's filters; an invalid one is ignored with a message."""

    status = forms.ChoiceField(
        required=False,
        choices=[("", _("All")), (ACTIVE, _("Not reviewed yet")), *Status.choices],
    )
    owner = forms.IntegerField(required=False, min_value=1)
    branch = forms.IntegerField(required=False, min_value=1)
    overdue = forms.BooleanField(required=False)
