"""Addresses a browser can land on by GET without a page of their own, stale forms and the
sign-in lockout: always Kesu's page in the user's language with a way back, never a bare one."""

import re

import pytest
from django.test import Client
from django.urls import reverse

from kesu.organisation.choices import Role
from kesu.web.tests.routes import url_routes

# Not pages of the workspace: the API answers in JSON, the admin and the language switch are
# Django's own, and these answer with files or data, not pages.
NOT_PAGES = re.compile(r"^/(api/|admin/|i18n/|healthz|readyz|metrics|favicon)")
CONVERTER = re.compile(r"<(?:(\w+):)?(\w+)>")
COMPLAINT_FORM_ROUTES = [
    "complaints:complaint-move",
    "complaints:complaint-checklist",
    "complaints:complaint-note",
    "complaints:complaint-upload",
    "complaints:intake-add-to",
]


def _address(path: str, complaint_pk: int) -> str:
    """A route's pattern with its parameters filled in: the complaint for pk, 1 otherwise."""

    def value(match):
        name = match.group(2)
        if name == "pk":
            return str(complaint_pk)
        if name == "name":
            return "close"
        return "1"

    return CONVERTER.sub(value, path)


def _web_routes():
    return [r for r in url_routes() if not NOT_PAGES.match(r.path)]


def test_a_get_on_any_page_address_is_never_an_empty_405(client, world):
    """Every web URL of the URL conf, by GET, signed in and not: a POST-only one redirects or
    shows Kesu's page; a new POST-only view is caught here without being listed anywhere."""
    complaint = world.complaint()
    routes = [r for r in _web_routes() if not r.name.endswith("-pdf")]
    assert len(routes) > 20
    seen_405 = set()
    for signed_in in (False, True):
        if signed_in:
            client.force_login(world.user(Role.DIRECTOR))
        for route in routes:
            url = _address(route.path, complaint.pk)
            response = client.get(url, HTTP_ACCEPT_LANGUAGE="zh-hans")
            if response.status_code == 405:
                seen_405.add(route.name)
                body = response.content.decode()
                if url.startswith("/portal/"):  # the portal's own page (kesu/portal/errors.py)
                    assert "此地址只接收表单" in body, f"{url}: an empty or bare 405"
                    assert 'href="/portal/"' in body, f"{url}: no way back"
                    assert "<nav" not in body, f"{url}: the staff navigation on the portal"
                    continue
                assert "此地址只用于接收提交的表单" in body, f"{url}: an empty or bare 405"
                assert 'href="/"' in body, f"{url}: no way back"
    assert "web:logout" in seen_405  # the check above was reached


@pytest.mark.parametrize("route", COMPLAINT_FORM_ROUTES)
def test_a_complaints_form_address_sends_a_get_to_the_complaint(client, world, route):
    """After an expired session the sign-in sends the user to next=<the form's address>; a
    language switch re-loads it: both land on the complaint, where the draft waits."""
    complaint = world.complaint()
    kwargs = {"pk": complaint.pk, **({"name": "propose_solution"} if "move" in route else {})}
    url = reverse(route, kwargs=kwargs)
    response = client.get(url)
    assert response.status_code == 302 and response.url.startswith("/login/?next=")
    client.force_login(world.user(Role.HANDLER))
    response = client.get(url)
    assert response.status_code == 302
    assert response.url == f"/complaints/{complaint.pk}/"
    assert client.put(url).status_code == 405


@pytest.mark.parametrize(
    ("language", "text", "back"),
    [
        ("zh-hans", "此地址只用于接收提交的表单", "返回我的工作"),
        ("en", "only receives a form", "Back to my work"),
    ],
)
def test_the_405_page_is_in_the_users_language(client, world, language, text, back):
    client.force_login(world.user(Role.DIRECTOR))
    response = client.get("/logout/", HTTP_ACCEPT_LANGUAGE=language)
    assert response.status_code == 405
    assert response["Allow"] == "POST, OPTIONS"
    body = response.content.decode()
    assert text in body and back in body


def test_an_api_405_keeps_its_json(client, world):
    client.force_login(world.user(Role.DIRECTOR))
    response = client.delete("/api/v1/complaints/")
    assert response.status_code == 405
    assert response["Content-Type"].startswith("application/json")


@pytest.mark.parametrize(
    ("language", "title", "back"),
    [
        ("zh-hans", "表单已失效", "返回重试"),
        ("en", "The form has expired", "Go back and try again"),
    ],
)
def test_a_stale_form_gets_kesus_403_page(world, language, title, back):
    """A form posted with a token from before signing out elsewhere: Kesu's page, not Django's."""
    complaint = world.complaint()
    client = Client(enforce_csrf_checks=True)
    client.force_login(world.user(Role.FRONTLINE))
    page = f"http://testserver/complaints/{complaint.pk}/"
    response = client.post(
        f"/complaints/{complaint.pk}/notes/",
        {"text": "客户来电", "csrfmiddlewaretoken": "stale" * 8},
        HTTP_ACCEPT_LANGUAGE=language,
        HTTP_REFERER=page,
    )
    assert response.status_code == 403
    body = response.content.decode()
    assert title in body and back in body
    assert f'href="{page}"' in body  # back to the form
    assert "DEBUG" not in body and "CSRF" not in body
    assert 'href="/"' in body


def test_a_stale_form_does_not_offer_a_way_back_to_another_site(world):
    client = Client(enforce_csrf_checks=True)
    client.force_login(world.user(Role.FRONTLINE))
    response = client.post("/inbox/read-all/", HTTP_REFERER="https://evil.example/")
    assert response.status_code == 403
    assert "evil.example" not in response.content.decode()


@pytest.mark.parametrize(
    ("language", "text", "back"),
    [
        ("zh-hans", "此账号已被锁定 15 分钟", "返回登录页"),
        ("en", "locked for 15 minutes", "Back to sign-in"),
    ],
)
def test_the_lockout_says_how_long_and_sends_retry_after(
    client, world, settings, language, text, back
):
    for _ in range(settings.AXES_FAILURE_LIMIT):
        client.post("/login/", {"username": "frontline-east", "password": "wrong"})
    response = client.post(
        "/login/", {"username": "frontline-east", "password": "pw"}, HTTP_ACCEPT_LANGUAGE=language
    )
    assert response.status_code == 429
    assert response["Retry-After"] == str(int(settings.AXES_COOLOFF_TIME.total_seconds()))
    body = response.content.decode()
    assert text in body and back in body and 'href="/login/"' in body


@pytest.mark.parametrize("language,text", [("zh-hans", "页面不存在"), ("en", "page not found")])
def test_under_debug_a_missing_page_is_kesus_page_not_djangos(world, settings, language, text):
    """`make run` runs with DEBUG on: a complaint of another branch, or no such address, still
    shows Kesu's 404 in the user's language, never Django's list of URL patterns."""
    settings.DEBUG = True
    complaint = world.complaint()
    client = Client(HTTP_ACCEPT_LANGUAGE=language)
    client.force_login(world.other_users[Role.HANDLER])
    for url in (f"/complaints/{complaint.pk}/", "/no-such-page/"):
        response = client.get(url)
        body = response.content.decode()
        assert response.status_code == 404, url
        assert "URLconf" not in body and "Raised by" not in body, url
        assert text in body.lower(), (url, body[:500])
    api = client.get("/api/v1/complaints/999999/")
    assert api.status_code == 404 and api["Content-Type"].startswith("application/json")
