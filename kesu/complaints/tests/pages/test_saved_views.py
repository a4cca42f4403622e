"""The list page's saved views, private to their owner."""

from django.contrib.messages import get_messages

from kesu.complaints.saved_views import SavedView, clean_list_query, saved_view_save
from kesu.organisation.choices import Role


def texts(response) -> list[str]:
    return [str(m) for m in get_messages(response.wsgi_request)]


# ---- Saved views -----------------------------------------------------------------------------


def test_save_a_view_and_find_it_on_the_list(client, world):
    client.force_login(world.user(Role.DIRECTOR))
    response = client.post(
        "/complaints/views/",
        {"name": "重大未结", "query": "severity=major&state=investigating&before=99&q="},
    )
    assert response.status_code == 302
    assert response.url == "/complaints/?severity=major&state=investigating"
    view = SavedView.objects.get(user=world.user(Role.DIRECTOR))
    assert view.name == "重大未结" and view.query == "severity=major&state=investigating"
    body = client.get("/complaints/").content.decode()
    assert "重大未结" in body
    assert "/complaints/?severity=major&amp;state=investigating" in body


def test_saved_views_are_per_user(client, world):
    director = world.user(Role.DIRECTOR)
    saved_view_save(user=director, name="我的视图", query="severity=major")
    other = world.user(Role.HANDLER)
    saved_view_save(user=other, name="我的视图", query="state=registered")
    client.force_login(other)
    body = client.get("/complaints/").content.decode()
    assert "state=registered" in body and "severity=major" not in body
    # Someone else's view cannot be deleted, nor is its existence confirmed.
    theirs = SavedView.objects.get(user=director)
    assert client.post(f"/complaints/views/{theirs.pk}/delete/").status_code == 404
    assert SavedView.objects.filter(pk=theirs.pk).exists()


def test_delete_own_view(client, world):
    user = world.user(Role.DIRECTOR)
    view, _ = saved_view_save(user=user, name="超期", query="overdue=true")
    client.force_login(user)
    response = client.post(f"/complaints/views/{view.pk}/delete/", {"next": "overdue=true"})
    assert response.status_code == 302 and response.url == "/complaints/?overdue=true"
    assert not SavedView.objects.filter(pk=view.pk).exists()
    assert client.get(f"/complaints/views/{view.pk}/delete/").status_code == 405


def test_the_same_name_replaces_the_filters(client, world):
    user = world.user(Role.DIRECTOR)
    client.force_login(user)
    client.post("/complaints/views/", {"name": "本周", "query": "state=registered"})
    client.post("/complaints/views/", {"name": "本周", "query": "state=confirmed"})
    assert list(SavedView.objects.filter(user=user).values_list("query", flat=True)) == [
        "state=confirmed"
    ]


def test_a_view_needs_a_name(client, world):
    client.force_login(world.user(Role.DIRECTOR))
    response = client.post("/complaints/views/", {"name": "  ", "query": "state=registered"})
    assert response.status_code == 302
    assert texts(response)
    assert not SavedView.objects.exists()


def test_saved_names_and_queries_are_escaped(client, world):
    user = world.user(Role.DIRECTOR)
    saved_view_save(user=user, name="<b>x</b>", query='q="><script>alert(1)</script>')
    client.force_login(user)
    body = client.get("/complaints/").content.decode()
    assert "<script>alert(1)</script>" not in body and "<b>x</b>" not in body
    assert "&lt;b&gt;x&lt;/b&gt;" in body


def test_clean_list_query_drops_paging_and_blanks():
    assert clean_list_query("q=&state=a&state=b&before=5&csrfmiddlewaretoken=x") == (
        "state=a&state=b"
    )
