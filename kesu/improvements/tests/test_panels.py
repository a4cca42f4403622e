from django.urls import reverse

from kesu.improvements.panels import PANEL_LIMIT, complaint_panel
from kesu.organisation.choices import Role


def test_the_complaint_page_lists_the_actions_taken_from_it(client, world, actions):
    complaint = world.complaint()
    action = actions.create(title="保养流程专项整改", complaints=[complaint.pk])
    actions.create(title="别的整改")  # not linked
    client.force_login(world.user(Role.FRONTLINE))
    client.defaults["HTTP_ACCEPT_LANGUAGE"] = "en"
    page = client.get(reverse("complaints:complaint", args=[complaint.pk])).content.decode()
    assert "Improvement actions from this complaint" in page
    assert reverse("improvements:detail", args=[action.pk]) in page
    assert "保养流程专项整改" in page and "别的整改" not in page
    assert f"Due {action.due_on.isoformat()}" in page and "Not started" in page


def test_no_panel_without_linked_actions_the_reader_sees(world, actions):
    complaint = world.complaint()
    assert complaint_panel(complaint, world.user(Role.DIRECTOR), {}) is None
    group = world.user(Role.GROUP)
    actions.create(actor=group, branch=world.other_branch, owner=group, complaints=[complaint.pk])
    # A branch's staff do not see another branch's actions, even linked to their complaint.
    assert complaint_panel(complaint, world.user(Role.DIRECTOR), {}) is None
    assert complaint_panel(complaint, group, {}) is not None


def test_the_panel_takes_one_query_however_many_actions(world, actions, django_assert_num_queries):
    complaint = world.complaint()
    for n in range(PANEL_LIMIT + 2):
        actions.create(title=f"整改 {n}", complaints=[complaint.pk])
    director = world.user(Role.DIRECTOR)
    with django_assert_num_queries(1):
        panel = complaint_panel(complaint, director, {})
    assert panel is not None
    assert len(panel.context["actions"]) == PANEL_LIMIT and panel.context["more"]


def test_the_home_page_lists_my_open_actions_earliest_due_first(client, world, actions):
    from datetime import timedelta

    from django.utils import timezone

    from kesu.improvements.choices import Status
    from kesu.improvements.models import ImprovementAction
    from kesu.improvements.panels import HOME_LIMIT

    handler = world.user(Role.HANDLER)
    today = timezone.localdate()
    for n in range(HOME_LIMIT + 1):
        actions.create(title=f"我的整改{n}", due_on=today + timedelta(days=30 - n))
    done = actions.create(title="已完成的整改")
    ImprovementAction.objects.filter(pk=done.pk).update(status=Status.DONE)
    actions.create(title="别人的整改", owner=world.user(Role.GENERAL_MANAGER))
    client.force_login(handler)
    client.defaults["HTTP_ACCEPT_LANGUAGE"] = "en"
    page = client.get(reverse("complaints:my-work")).content.decode()
    assert "My improvement actions" in page
    shown = [n for n in range(HOME_LIMIT + 1) if f"我的整改{n}" in page]
    assert shown == [1, 2, 3, 4, 5]  # the five due first
    assert "已完成的整改" not in page and "别人的整改" not in page
    assert f"Due {(today + timedelta(days=25)).isoformat()}" in page
    assert "All my improvement actions not reviewed yet" in page
    client.force_login(world.user(Role.FRONTLINE))
    assert (
        "My improvement actions" not in client.get(reverse("complaints:my-work")).content.decode()
    )
