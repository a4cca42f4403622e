"""The list page's own tools: saved views (private to their owner) and bulk hand-over."""

import pytest
from django.contrib.messages import get_messages

from kesu.audit.models import AuditEntry
from kesu.complaints.choices import State
from kesu.complaints.models import Complaint
from kesu.complaints.saved_views import SavedView, clean_list_query, saved_view_save
from kesu.customers.tests.factories import CustomerFactory
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


# ---- Bulk hand-over ----------------------------------------------------------------------------


@pytest.fixture
def three(world):
    return [world.complaint(title=f"第{i}件") for i in range(3)]


def test_bulk_hand_over_moves_the_selected(client, world, three):
    director = world.user(Role.DIRECTOR)
    handler = world.user(Role.HANDLER)
    client.force_login(director)
    response = client.post(
        "/complaints/bulk/hand-over/",
        {
            "ids": [three[0].pk, three[1].pk],
            "to_user": handler.pk,
            "next": "state=registered&q=第",
        },
    )
    assert response.status_code == 302
    assert response.url == "/complaints/?state=registered&q=%E7%AC%AC"
    owners = dict(Complaint.objects.values_list("pk", "owner_id"))
    assert owners[three[0].pk] == handler.pk and owners[three[1].pk] == handler.pk
    assert owners[three[2].pk] == world.user(Role.FRONTLINE).pk
    assert AuditEntry.objects.filter(action="hand_over", actor=director).count() == 2
    assert any("2" in t for t in texts(response))


def test_bulk_hand_over_skips_what_the_user_cannot_see(client, world, three):
    theirs = world.complaint(
        actor=world.other_users[Role.FRONTLINE], customer=CustomerFactory(organisation=world.org)
    )
    handler = world.user(Role.HANDLER)
    client.force_login(world.user(Role.DIRECTOR))
    response = client.post(
        "/complaints/bulk/hand-over/",
        {"ids": [three[0].pk, theirs.pk], "to_user": handler.pk},
    )
    assert response.status_code == 302
    theirs.refresh_from_db()
    assert theirs.owner_id == world.other_users[Role.FRONTLINE].pk
    assert Complaint.objects.get(pk=three[0].pk).owner_id == handler.pk
    assert theirs.number not in " ".join(texts(response))


def test_bulk_hand_over_reports_refusals_and_keeps_the_rest(client, world, three):
    Complaint.objects.filter(pk=three[1].pk).update(state=State.CLOSED)
    handler = world.user(Role.HANDLER)
    client.force_login(world.user(Role.DIRECTOR))
    response = client.post(
        "/complaints/bulk/hand-over/",
        {"ids": [three[0].pk, three[1].pk, three[2].pk], "to_user": handler.pk},
    )
    owners = dict(Complaint.objects.values_list("pk", "owner_id"))
    assert owners[three[0].pk] == handler.pk and owners[three[2].pk] == handler.pk
    assert owners[three[1].pk] != handler.pk
    messages = texts(response)
    refusal = next(t for t in messages if three[1].number in t)
    assert refusal.startswith("1")


def test_bulk_hand_over_only_to_a_colleague_in_the_picker(client, world, three):
    client.force_login(world.user(Role.DIRECTOR))
    outsider = world.other_users[Role.HANDLER]
    for to_user in [outsider.pk, "", "abc", "999999999"]:
        response = client.post(
            "/complaints/bulk/hand-over/", {"ids": [three[0].pk], "to_user": to_user}
        )
        assert response.status_code == 302 and texts(response)
    assert Complaint.objects.get(pk=three[0].pk).owner_id == world.user(Role.FRONTLINE).pk


def test_bulk_hand_over_with_bad_ids(client, world, three):
    handler = world.user(Role.HANDLER)
    client.force_login(world.user(Role.DIRECTOR))
    for ids in [[], ["abc"], ["1e3"], ["99999999999999999999999999"]]:
        response = client.post("/complaints/bulk/hand-over/", {"ids": ids, "to_user": handler.pk})
        assert response.status_code == 302 and texts(response)
    assert not Complaint.objects.filter(owner=handler).exists()
    assert client.get("/complaints/bulk/hand-over/").status_code == 405


def test_the_list_offers_the_bulk_form(client, world, three):
    client.force_login(world.user(Role.DIRECTOR))
    body = client.get("/complaints/?state=registered").content.decode()
    assert 'id="bulk-form"' in body and 'form="bulk-form"' in body
    assert 'name="to_user"' in body and str(world.user(Role.HANDLER)) in body
    assert 'name="next" value="state=registered"' in body
