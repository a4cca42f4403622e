"""Error pages people can read, in their language, with a way back; JSON under /api/."""

import pytest
from django.test import Client

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
    assert response.json()["error"]["message"]
