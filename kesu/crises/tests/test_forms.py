from kesu.crises.forms import OpenForm, PostForm, StepForm
from kesu.crises.selectors import people_for
from kesu.organisation.choices import Role


def test_the_people_are_those_of_the_branch_and_the_group(world):
    people = people_for(world.org.pk, world.branch.pk)
    form = OpenForm(people=people)
    offered = set(form.fields["spokesperson"].queryset)
    assert world.user(Role.GROUP) in offered and world.user(Role.DIRECTOR) in offered
    assert world.user(Role.ADMIN) not in offered
    assert not offered & set(world.other_users.values())
    assert not StepForm({"owner": world.other_users[Role.HANDLER].pk}, people=people).is_valid()


def test_a_post_needs_its_address_and_time(world):
    form = PostForm({"platform": "weibo"})
    assert not form.is_valid()
    assert {"url", "first_seen_at"} <= set(form.errors)
