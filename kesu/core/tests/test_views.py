"""Error pages people can read, in their language, with a way back; JSON under /api/."""

import json

import pytest
from django.http import HttpResponse
from django.test import Client

from kesu.core.views import csrf_failure, database_unavailable, method_not_allowed, null_character

pytestmark = pytest.mark.django_db

PAGES = {
    400: "/suspicious/",
    403: "/forbidden/",
    404: "/no-such-page/",
    500: "/boom/",
}
CHINESE = {400: "请求无法识别", 403: "无权打开此页面", 404: "此地址没有内容", 500: "服务器出错"}


@pytest.fixture
def client(settings):
    settings.ROOT_URLCONF = "kesu.core.tests.error_urls"
    return Client(raise_request_exception=False)


@pytest.mark.parametrize("status", sorted(PAGES))
def test_error_pages_in_chinese_with_a_way_back(client, status):
    response = client.get(PAGES[status], HTTP_ACCEPT_LANGUAGE="zh-hans")
    assert response.status_code == status
    html = response.content.decode()
    assert CHINESE[status] in html
    assert 'href="/"' in html
    assert "返回我的工作" in html


@pytest.mark.parametrize("status", sorted(PAGES))
def test_error_pages_in_english(client, status):
    response = client.get(PAGES[status], HTTP_ACCEPT_LANGUAGE="en")
    assert response.status_code == status
    assert "Back to my work" in response.content.decode()


@pytest.mark.parametrize(
    ("path", "status", "code"),
    [("/api/v1/boom/", 500, "server_error"), ("/api/nothing-here", 404, "not_found")],
)
def test_api_errors_keep_the_json_shape(client, path, status, code):
    response = client.get(path, HTTP_ACCEPT_LANGUAGE="en")
    assert response.status_code == status
    assert response["Content-Type"] == "application/json"
    assert response.json()["error"]["code"] == code
    assert json.loads(response.content)["error"]["message"]


def test_a_database_away_is_503_with_retry_after(rf):
    response = database_unavailable(rf.get("/complaints/"))
    assert response.status_code == 503
    assert response["Retry-After"] == "5"


def test_a_nul_character_is_a_400_that_says_so(rf):
    response = null_character(rf.get("/api/v1/complaints/"))
    assert response.status_code == 400
    assert "NUL character" in json.loads(response.content)["error"]["message"]


def test_an_expired_form_leads_back_to_the_page_it_came_from(rf):
    request = rf.post("/complaints/1/", HTTP_REFERER="http://testserver/complaints/1/")
    response = csrf_failure(request)
    assert response.status_code == 403
    html = response.content.decode()
    assert "The form has expired" in html
    assert 'href="http://testserver/complaints/1/"' in html


def test_an_expired_form_never_leads_back_to_another_site(rf):
    response = csrf_failure(rf.post("/x/", HTTP_REFERER="https://evil.example/phish"))
    assert response.status_code == 403
    assert "evil.example" not in response.content.decode()


def test_a_form_only_address_opened_is_405_in_the_api_shape_under_api(rf):
    assert method_not_allowed(rf.get("/complaints/1/move/")).status_code == 405
    response = method_not_allowed(rf.get("/api/v1/x/"))
    assert json.loads(response.content)["error"]["code"] == "method_not_allowed"


def test_signed_in_and_refuses_strangers_and_the_not_allowed(rf):
    from django.contrib.auth.models import AnonymousUser
    from django.core.exceptions import PermissionDenied

    from kesu.core.views import signed_in_and

    @signed_in_and(lambda user: user.username == "ok")
    def page(request):
        """The page."""
        return HttpResponse("seen")

    request = rf.get("/x/")
    request.user = AnonymousUser()
    assert page(request).status_code == 302  # to the sign-in page
    request.user = type("U", (), {"is_authenticated": True, "username": "no"})()
    with pytest.raises(PermissionDenied):
        page(request)
    request.user.username = "ok"
    assert page(request).content == b"seen" and page.__doc__ == "The page."
