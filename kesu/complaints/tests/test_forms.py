"""The workspace forms: texts refused over their limit, never cut; the intake form per user."""

from django import forms
from django.core.validators import MaxLengthValidator
from django.utils import translation

from kesu.complaints import limits
from kesu.complaints.forms import IntakeForm, LimitedCharField, LongTextField, NoteForm
from kesu.core.limits import TextLimit
from kesu.organisation.choices import Role

CALL = {
    "phone": "139 0000 1111",
    "kind": "complaint",
    "channel": "phone",
    "demand": "repair",
    "title": "空调不制冷",
    "account": "夏天开空调一直吹热风。",
}


class Limited(forms.Form):
    line = LimitedCharField(max_length=5)
    text = LongTextField(max_length=5, required=False)


def test_a_text_over_its_limit_is_refused_in_kesus_words_and_not_cut():
    form = Limited({"line": "123456"})
    assert not form.is_valid()
    (message,) = form.errors["line"]
    assert "5" in message and "6" in message  # the limit and the length typed
    assert Limited({"line": "12345"}).is_valid()
    # Django's own "Ensure this value has at most …" is replaced, not added to.
    validators = Limited.base_fields["line"].validators
    assert [type(v) for v in validators if isinstance(v, MaxLengthValidator)] == [TextLimit]


def test_a_long_text_counts_a_crlf_as_one_character():
    form = Limited({"line": "x", "text": "ab\r\ncd"})
    assert form.is_valid(), form.errors
    assert form.cleaned_data["text"] == "ab\ncd"
    assert not Limited({"line": "x", "text": "ab\r\ncde"}).is_valid()
    assert isinstance(Limited.base_fields["text"].widget, forms.Textarea)


def test_a_note_has_the_note_limit():
    assert NoteForm({"text": "x" * limits.NOTE}).is_valid()
    assert not NoteForm({"text": "x" * (limits.NOTE + 1)}).is_valid()
    assert not NoteForm({"text": "   "}).is_valid()


def test_branch_users_register_at_their_own_branch_without_a_branch_field(world):
    form = IntakeForm(CALL, user=world.user(Role.FRONTLINE))
    assert "branch" not in form.fields
    assert form.is_valid(), form.errors
    assert form.cleaned_data["upset_level"] is None
    assert form.cleaned_data["customer"] is None


def test_the_group_chooses_among_its_organisations_branches(world):
    group = world.user(Role.GROUP)
    form = IntakeForm(CALL, user=group)
    assert set(form.fields["branch"].queryset) == {world.branch, world.other_branch}
    with translation.override("en"):
        assert not form.is_valid()
        assert form.errors["branch"] == ["Choose the branch the complaint is for."]
    chosen = IntakeForm({**CALL, "branch": world.other_branch.pk}, user=group)
    assert chosen.is_valid() and chosen.cleaned_data["branch"] == world.other_branch


def test_upset_level_is_a_number_from_one_to_five(world):
    user = world.user(Role.FRONTLINE)
    form = IntakeForm({**CALL, "upset_level": "4"}, user=user)
    assert form.is_valid() and form.cleaned_data["upset_level"] == 4
    assert not IntakeForm({**CALL, "upset_level": "6"}, user=user).is_valid()


def test_unmarked_errors_name_the_hidden_and_unknown_fields_only(world):
    form = IntakeForm({**CALL, "customer": "abc", "title": ""}, user=world.user(Role.FRONTLINE))
    with translation.override("en"):
        assert not form.is_valid()
        form.add_error(None, "the form's own error")
        form.errors["severity"] = form.error_class(["Pick a severity."])
        unmarked = [str(m) for m in form.unmarked_errors()]
    assert "title" in form.errors  # shown at its field, so not listed
    assert unmarked == ["Customer: Enter a whole number.", "severity: Pick a severity."]


def test_intake_takes_the_staff_member_involved_and_who_made_the_promise(world):
    named = {**CALL, "staff_involved": "销售顾问 王强", "promise_made_by": "销售经理 李娜"}
    form = IntakeForm(named, user=world.user(Role.FRONTLINE))
    assert form.is_valid(), form.errors
    assert form.cleaned_data["promise_made_by"] == "销售经理 李娜"
    assert IntakeForm(CALL, user=world.user(Role.FRONTLINE)).is_valid()  # both optional
    too_long = {**CALL, "staff_involved": "王" * (limits.PERSON + 1)}
    form = IntakeForm(too_long, user=world.user(Role.FRONTLINE))
    assert not form.is_valid() and list(form.errors) == ["staff_involved"]


def test_the_staff_form_needs_the_version_it_was_loaded_at():
    from kesu.complaints.forms import StaffNamedForm

    assert StaffNamedForm({"version": "3", "staff_involved": "前台接待 张敏"}).is_valid()
    form = StaffNamedForm({"staff_involved": "前台接待 张敏"})
    assert not form.is_valid() and list(form.errors) == ["version"]
    form = StaffNamedForm({"version": "3", "promise_made_by": "x" * (limits.PERSON + 1)})
    assert not form.is_valid() and list(form.errors) == ["promise_made_by"]


def test_the_intake_takes_a_third_partys_reference_and_contact(world):
    from kesu.complaints import limits as complaint_limits

    user = world.user(Role.FRONTLINE)
    form = IntakeForm(
        {**CALL, "channel": "12315", "third_party_reference": "GD-1", "third_party_contact": "李"},
        user=user,
    )
    assert form.is_valid(), form.errors
    assert form.cleaned_data["third_party_reference"] == "GD-1"
    long = "号" * (complaint_limits.THIRD_PARTY_REFERENCE + 1)
    form = IntakeForm({**CALL, "third_party_reference": long}, user=user)
    assert not form.is_valid() and "third_party_reference" in form.errors


def test_the_escalation_form_offers_the_contacts_it_is_given(world):
    from kesu.complaints.forms import ManufacturerAskForm
    from kesu.complaints.models import ManufacturerContact
    from kesu.complaints.tests.factories import ManufacturerContactFactory

    mine = ManufacturerContactFactory(organisation=world.org)
    other = ManufacturerContactFactory()
    contacts = ManufacturerContact.objects.filter(pk=mine.pk)
    assert ManufacturerAskForm({"contact": mine.pk, "asked": "问"}, contacts=contacts).is_valid()
    with translation.override("zh-hans"):
        form = ManufacturerAskForm({"contact": other.pk, "asked": "问"}, contacts=contacts)
        assert not form.is_valid()
        assert form.errors["contact"] == ["请从为本门店配置的厂家联系人中选择。"]
