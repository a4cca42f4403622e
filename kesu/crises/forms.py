"""The forms of the crisis pages. They only read the input; the rules are the services'."""

from django import forms
from django.utils.translation import gettext_lazy as _

from kesu.complaints.forms import LimitedCharField, LongTextField
from kesu.crises import limits
from kesu.crises.choices import Platform, Status
from kesu.organisation.models import Branch, User

WHEN = forms.DateTimeInput(attrs={"type": "datetime-local"}, format="%Y-%m-%dT%H:%M")


class _Person(forms.ModelChoiceField):
    def label_from_instance(self, obj: User) -> str:
        return f"{obj} · {obj.get_role_display()}"


class _WithPeople(forms.Form):
    person_fields: tuple[str, ...] = ()

    def __init__(self, *args, people=None, **kwargs):
        super().__init__(*args, **kwargs)
        for name in self.person_fields:
            self.fields[name].queryset = people if people is not None else User.objects.none()


class OpenForm(_WithPeople):
    person_fields = ("spokesperson",)
    spokesperson = _Person(
        label=_("Spokesperson"),
        queryset=User.objects.none(),
        help_text=_("The only person who speaks for the company in public about this case."),
    )
    internal_notice = LongTextField(
        label=_("Internal notice to staff"),
        max_length=limits.TEXT,
        required=False,
        help_text=_(
            "Sent to everyone of the branch with the spokesperson's name, e.g. what to say "
            "when a journalist calls."
        ),
    )


class SpokespersonForm(OpenForm):
    pass


class StepForm(_WithPeople):
    person_fields = ("owner",)
    title = LimitedCharField(label=_("Step"), max_length=limits.TITLE)
    owner = _Person(label=_("Owner"), queryset=User.objects.none())
    due_at = forms.DateTimeField(label=_("Due"), widget=WHEN)
    note = LongTextField(label=_("Note"), max_length=limits.TEXT, required=False)


class StepDoneForm(forms.Form):
    note = LongTextField(label=_("Note"), max_length=limits.TEXT, required=False)


class StatementForm(_WithPeople):
    person_fields = ("made_by",)
    made_at = forms.DateTimeField(label=_("Made at"), widget=WHEN)
    channel = LimitedCharField(
        label=_("Where"),
        max_length=limits.LINE,
        help_text=_("E.g. the official Weibo account, a reply to a newspaper."),
    )
    text = LongTextField(label=_("Statement"), max_length=limits.TEXT)
    made_by = _Person(
        label=_("Made by"),
        queryset=User.objects.none(),
        required=False,
        empty_label=_("The spokesperson"),
    )


class PostForm(forms.Form):
    platform = forms.ChoiceField(label=_("Platform"), choices=Platform.choices)
    # Checked by the service (http or https only), so that its message is the one shown.
    url = forms.CharField(label=_("Web address"), max_length=limits.URL + 1)
    title = LimitedCharField(label=_("Title"), max_length=limits.TITLE, required=False)
    first_seen_at = forms.DateTimeField(label=_("First seen"), widget=WHEN)
    reach = LimitedCharField(
        label=_("Reach"),
        max_length=limits.LINE,
        required=False,
        help_text=_("Views, shares, comments, as far as they are known."),
    )
    notes = LongTextField(label=_("Notes"), max_length=limits.TEXT, required=False)
    screenshot = forms.FileField(
        label=_("Screenshot"),
        required=False,
        widget=forms.FileInput(attrs={"accept": "image/*"}),
    )


class EndForm(forms.Form):
    what_happened = LongTextField(label=_("What happened"), max_length=limits.TEXT)
    what_worked = LongTextField(label=_("What worked"), max_length=limits.TEXT)
    what_to_change = LongTextField(label=_("What to change next time"), max_length=limits.TEXT)


class FilterForm(forms.Form):
    status = forms.ChoiceField(
        label=_("Status"),
        required=False,
        choices=[("", _("All")), *Status.choices],
    )
    branch = forms.ModelChoiceField(
        label=_("Branch"), required=False, queryset=Branch.objects.all()
    )
