import pytest

from kesu.emerging.panels import home_panel
from kesu.organisation.choices import Role

pytestmark = pytest.mark.django_db


def test_the_directors_home_lists_the_open_issues(raised, world):
    panel = home_panel(world.user(Role.DIRECTOR))
    assert panel.template == "emerging/_home_panel.html"
    assert panel.context["issues"] == [raised] and not panel.context["more"]
    assert home_panel(world.user(Role.FRONTLINE)) is None
    assert home_panel(world.other_users[Role.DIRECTOR]) is None
