"""Under /portal/ the error pages are the portal's: its branding, the customer's language, a
way back to the portal's start, and nothing of the staff workspace (DEBUG off, as in
production)."""

import pytest
from django.test import Client
from django.urls import reverse

from kesu.core.views import csrf_failure

PAGES = {
    400: "/portal/suspicious/",
    403: "/portal/forbidden/",
    404: "/portal/no-such-branch/",
    500: "/portal/boom/",
}
CHINESE = {
    400: "无法识别您的浏览器发送的内容",
    403: "此页面不对您开放",
    404: "此地址没有内容",
    500: "我们这边出了问题",
}
ENGLISH = {
    400: "We could not understand what your browser sent.",
    403: "This page is not available to you.",
    404: "There is nothing at this address.",
    500: "Something went wrong on our side.",
}
# What only the staff workspace's pages carry.
STAFF = ("<nav", "web/kesu.css", 'href="/complaints/"', "返回我的工作", "Back to my work")


@pytest.fixture
def client(settings):
    settings.DEBUG = False
    settings.ROOT_URLCONF = "kesu.portal.tests.error_urls"
    return Client(raise_request_exception=False)


def _staff_free(html: str) -> None:
    for marker in STAFF:
        assert marker not in html, marker


@pytest.mark.parametrize("status", sorted(PAGES))
def test_portal_errors_in_chinese_in_the_portals_look(world, client, status):
    world.org.name = "东方汽车"
    world.org.save()
    response = client.get(PAGES[status], HTTP_ACCEPT_LANGUAGE="zh-hans")
    assert response.status_code == status
    html = response.content.decode()
    assert CHINESE[status] in html
    assert "portal/portal.css" in html and "东方汽车" in html
    assert f'href="{reverse("portal:home")}"' in html
    assert "返回客户服务首页" in html
    _staff_free(html)


@pytest.mark.parametrize("status", sorted(PAGES))
def test_portal_errors_in_english(world, client, status):
    response = client.get(PAGES[status], HTTP_ACCEPT_LANGUAGE="en")
    assert response.status_code == status
    html = response.content.decode()
    assert ENGLISH[status] in html and "To the customer service start page" in html
    _staff_free(html)


def test_an_error_at_a_branchs_address_carries_the_branchs_name(world, client):
    world.branch.display_name = "东城旗舰店"
    world.branch.save()
    html = client.get("/portal/east/boom/", HTTP_ACCEPT_LANGUAGE="zh-hans").content.decode()
    assert "东城旗舰店" in html


def test_a_500_gives_the_customer_a_reference_to_quote(world, client):
    html = client.get("/portal/east/boom/", HTTP_ACCEPT_LANGUAGE="en").content.decode()
    assert "quote this reference" in html
    assert "administrator" not in html


def test_a_portal_404_without_any_organisation_is_still_the_portals(db, client):
    response = client.get(reverse("portal:home"), HTTP_ACCEPT_LANGUAGE="zh-hans")
    assert response.status_code == 404
    html = response.content.decode()
    assert "portal/portal.css" in html and "客户服务" in html
    _staff_free(html)


def test_an_expired_portal_form_is_the_portals_page(world, rf):
    request = rf.post(reverse("portal:track"), HTTP_ACCEPT_LANGUAGE="en")
    html = csrf_failure(request).content.decode()
    assert "The form was open too long" in html and "signed out" not in html
    _staff_free(html)


def test_a_staff_404_keeps_the_workspaces_page(world, client):
    html = client.get("/no-such-page/", HTTP_ACCEPT_LANGUAGE="en").content.decode()
    assert "Back to my work" in html and "portal/portal.css" not in html


def test_a_form_only_portal_address_opened_is_the_portals_405(world, client):
    response = client.get(reverse("portal:leave"), HTTP_ACCEPT_LANGUAGE="zh-hans")
    assert response.status_code == 405
    html = response.content.decode()
    assert "此地址只接收表单" in html
    _staff_free(html)
