from kesu.improvements.forms import FilterForm, ImprovementForm
from kesu.organisation.choices import Role


def test_complaint_numbers_are_read_in_any_separator(world):
    first, second = world.complaint(), world.complaint()
    form = ImprovementForm(user=world.user(Role.DIRECTOR))
    form.cleaned_data = {"complaint_numbers": f" {first.number.lower()}，{second.number}、 "}
    assert form.clean_complaint_numbers() == sorted([first.pk, second.pk])


def test_a_number_the_user_does_not_see_is_named(world):
    theirs = world.complaint(actor=world.other_users[Role.FRONTLINE])
    form = ImprovementForm({"complaint_numbers": theirs.number}, user=world.user(Role.DIRECTOR))
    assert not form.is_valid()
    assert theirs.number in str(form.errors["complaint_numbers"])


def test_the_choices_follow_the_role(world):
    director = ImprovementForm(user=world.user(Role.DIRECTOR))
    assert "branch" not in director.fields
    assert set(director.fields["department"].queryset) == {world.service, world.sales}
    group = ImprovementForm(user=world.user(Role.GROUP))
    assert set(group.fields["branch"].queryset) == {world.branch, world.other_branch}
    handler = ImprovementForm(user=world.user(Role.HANDLER))
    assert list(handler.fields["department"].queryset) == [world.service]
    assert handler.fields["department"].required


def test_a_new_form_starts_from_the_prompting_complaint(world, actions):
    engine = actions.category("vehicle.engine")
    complaint = world.complaint(category=engine)
    initial = ImprovementForm.initial_for(world.user(Role.DIRECTOR), complaint)
    assert initial["complaint_numbers"] == complaint.number
    assert initial["categories"] == [engine.pk]
    assert initial["review_on"] > initial["due_on"]


def test_an_existing_action_fills_the_form(world, actions):
    complaint = world.complaint()
    action = actions.create(complaints=[complaint.pk], causes=["process"])
    initial = ImprovementForm.initial_of(action)
    assert initial["complaint_numbers"] == complaint.number
    assert initial["causes"] == ["process"] and initial["owner"] == action.owner_id


def test_the_filters():
    assert FilterForm({"status": "active", "overdue": "true"}).is_valid()
    assert not FilterForm({"status": "nonsense"}).is_valid()
