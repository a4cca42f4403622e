"""Signing in and choosing the language: the shell's pages through real HTTP."""

from django.urls import reverse

from kesu.organisation.choices import Role


def test_login_page_and_sign_in(client, world):
    assert client.get("/login/").status_code == 200
    response = client.post("/login/", {"username": "frontline-east", "password": "pw"})
    assert response.status_code == 302 and response.url == "/"
    assert client.get("/").status_code == 200


def test_language_switch(client, world):
    client.force_login(world.user(Role.FRONTLINE))
    client.post(reverse("set_language"), {"language": "zh-hans", "next": "/"})
    assert "我的工作" in client.get("/").content.decode()
    client.post(reverse("set_language"), {"language": "en", "next": "/"})
    assert "My work" in client.get("/").content.decode()
