import pytest
from django.urls import reverse

from kesu.emerging.choices import State
from kesu.emerging.views import trend_bars
from kesu.organisation.choices import Role

pytestmark = pytest.mark.django_db


def test_the_list_and_the_page(client, raised, world):
    client.force_login(world.user(Role.DIRECTOR))
    page = client.get(reverse("emerging:list")).content.decode()
    assert "冷启动正时链条异响" in page
    page = client.get(reverse("emerging:detail", args=[raised.pk])).content.decode()
    assert raised.test_complaints[0].number in page
    assert "<svg" in page and 'id="trend"' in page
    for name in ("emerging:improve", "emerging:crisis", "emerging:dismiss"):
        assert reverse(name, args=[raised.pk]) in page
    assert client.get(reverse("emerging:list") + "?state=nonsense").status_code == 200


def test_frontline_is_refused_and_other_branches_do_not_find_it(client, raised, world):
    client.force_login(world.user(Role.FRONTLINE))
    assert client.get(reverse("emerging:list")).status_code == 403
    client.force_login(world.other_users[Role.DIRECTOR])
    assert client.get(reverse("emerging:detail", args=[raised.pk])).status_code == 404


def test_a_handler_sees_it_without_the_deciding_buttons(client, raised, world):
    client.force_login(world.user(Role.HANDLER))
    page = client.get(reverse("emerging:detail", args=[raised.pk])).content.decode()
    assert reverse("emerging:improve", args=[raised.pk]) in page
    assert reverse("emerging:crisis", args=[raised.pk]) not in page
    assert (
        client.post(reverse("emerging:dismiss", args=[raised.pk]), {"reason": "x"}).status_code
        == 403
    )
    assert client.post(reverse("emerging:crisis", args=[raised.pk])).status_code == 403


def test_dismiss_needs_a_reason(client, raised, world):
    client.force_login(world.user(Role.DIRECTOR))
    url = reverse("emerging:dismiss", args=[raised.pk])
    assert client.post(url, {"reason": ""}).status_code == 400
    response = client.post(url, {"reason": "巧合"})
    assert response.status_code == 302
    raised.refresh_from_db()
    assert raised.state == State.DISMISSED


def test_the_buttons_start_an_improvement_action_and_a_crisis(client, raised, world):
    client.force_login(world.user(Role.DIRECTOR))
    response = client.post(reverse("emerging:improve", args=[raised.pk]))
    raised.refresh_from_db()
    assert response.url == reverse("improvements:edit", args=[raised.improvement_id])
    response = client.post(reverse("emerging:crisis", args=[raised.pk]))
    raised.refresh_from_db()
    assert response.url == reverse("crises:detail", args=[raised.crisis_id])
    again = client.post(reverse("emerging:crisis", args=[raised.pk]))
    assert again.status_code == 302 and again.url == reverse("emerging:detail", args=[raised.pk])


def test_trend_bars_scale_to_the_busiest_day():
    from datetime import date

    bars = trend_bars([(date(2026, 1, 1), 2), (date(2026, 1, 2), 0), (date(2026, 1, 3), 4)])
    assert [b["h"] for b in bars] == [50, 0, 100]
    assert bars[2]["y"] == 16 and bars[1]["x"] == 42 and bars[1]["mid"] == 54
