from kesu.crises.panels import complaint_panel, home_panel
from kesu.organisation.choices import Role


def test_no_panel_for_an_ordinary_complaint(world):
    assert complaint_panel(world.complaint(), world.user(Role.GENERAL_MANAGER), {}) is None


def test_the_gm_gets_the_open_form_and_frontline_a_hint(world, crises):
    complaint = crises.complaint()
    gm = complaint_panel(complaint, world.user(Role.GENERAL_MANAGER), {})
    assert gm.context["may_open"] and gm.context["form"] is not None
    frontline = complaint_panel(complaint, world.user(Role.FRONTLINE), {})
    assert not frontline.context["may_open"] and "form" not in frontline.context
    crisis = crises.open(complaint=complaint)
    assert complaint_panel(complaint, world.user(Role.FRONTLINE), {}).context["crisis"] == crisis


def test_the_home_panel_lists_open_crises_for_who_leads(
    world, crises, django_assert_max_num_queries
):
    crisis = crises.open()
    crises.step(crisis)
    assert home_panel(world.user(Role.FRONTLINE)) is None
    assert home_panel(world.other_users[Role.GENERAL_MANAGER]) is None
    with django_assert_max_num_queries(1):
        panel = home_panel(world.user(Role.DIRECTOR))
    (listed,) = panel.context["crises"]
    assert listed == crisis and listed.open_steps == 1 and listed.overdue_steps == 0
