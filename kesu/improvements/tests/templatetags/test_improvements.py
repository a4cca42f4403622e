from django.contrib.auth.models import AnonymousUser
from django.template import Context, Template
from django.urls import reverse

from kesu.improvements.templatetags.improvements import takes_improvement_actions
from kesu.organisation.choices import Role


def test_who_is_offered_the_form(world):
    offered = {r for r in Role.values if takes_improvement_actions(world.user(r))}
    assert offered == {Role.HANDLER, Role.DIRECTOR, Role.GENERAL_MANAGER, Role.GROUP}
    assert not takes_improvement_actions(AnonymousUser())
    assert not takes_improvement_actions(None)


def test_the_complaint_page_links_to_a_new_action_from_it(client, world):
    complaint = world.complaint()
    link = f"{reverse('improvements:create')}?complaint={complaint.pk}"
    client.force_login(world.user(Role.DIRECTOR))
    assert link in client.get(reverse("complaints:complaint", args=[complaint.pk])).content.decode()
    client.force_login(world.user(Role.FRONTLINE))
    page = client.get(reverse("complaints:complaint", args=[complaint.pk])).content.decode()
    assert link not in page


def test_the_filter_in_a_template(world):
    template = Template(
        "{% load improvements %}{% if user|takes_improvement_actions %}yes{% endif %}"
    )
    assert template.render(Context({"user": world.user(Role.GROUP)})) == "yes"


def test_joined_uses_the_separator_of_the_active_language():
    from django.utils import translation

    from kesu.improvements.templatetags.improvements import joined

    with translation.override("en"):
        assert joined(["a", "b"]) == "a, b"
    with translation.override("zh-hans"):
        assert joined(["甲", "乙"]) == "甲、乙"
