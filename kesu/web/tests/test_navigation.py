import re

import pytest
from django.contrib.auth.models import AnonymousUser
from django.test import RequestFactory
from django.urls import reverse

from kesu.organisation.choices import Role
from kesu.web.navigation import navigation

NAV_PAGES = [
    "complaints:my-work",
    "complaints:complaint-list",
    "callbacks:today",
    "complaints:intake",
    "improvements:list",
    "emerging:list",
    "lessons:list",
    "complaints:triage-acceptance",
    "webhooks:endpoints",
]


def _nav_links(html: str) -> set[str]:
    nav = re.search(r"<nav>(.*?)</nav>", html, re.S).group(1)
    return set(re.findall(r'href="([^"]+)"', nav))


@pytest.mark.parametrize("role", Role.values)
def test_the_bar_links_exactly_the_pages_the_role_may_use(client, world, role):
    client.force_login(world.user(role))
    links = _nav_links(client.get(reverse("complaints:my-work")).content.decode())
    for name in NAV_PAGES:
        url = reverse(name)
        response = client.get(url)
        # A page the role may use answers 200; one it may not refuses or sends it away.
        usable = response.status_code == 200
        assert (url in links) == usable, (
            f"{role}: {name} linked={url in links} status={response.status_code}"
        )


def test_nothing_for_a_visitor_who_is_not_signed_in():
    request = RequestFactory().get("/")
    request.user = AnonymousUser()
    values = [value() for value in navigation(request).values()]
    assert values and not any(values)


def test_a_user_of_no_organisation_may_not_register(world):
    user = world.user(Role.FRONTLINE)
    user.organisation = None
    request = RequestFactory().get("/")
    request.user = user
    assert navigation(request)["can_register"]() is False
