"""The list page's actions: bulk hand-over (kesu/complaints/views_list_actions.py)."""

import pytest
from django.contrib.messages import get_messages

from kesu.audit.models import AuditEntry
from kesu.complaints.choices import State
from kesu.complaints.models import Complaint
from kesu.complaints.views_list_actions import hand_over_many
from kesu.customers.tests.factories import CustomerFactory
from kesu.organisation.choices import Role


def texts(response) -> list[str]:
    return [str(m) for m in get_messages(response.wsgi_request)]


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


# ---- hand_over_many and the view's limits ------------------------------------------------------


def test_hand_over_many_moves_counts_the_unseen_and_refuses_a_no_op(world, three):
    director = world.user(Role.DIRECTOR)
    handler = world.user(Role.HANDLER)
    hidden = world.complaint(
        actor=world.other_users[Role.FRONTLINE], customer=CustomerFactory(organisation=world.org)
    )
    Complaint.objects.filter(pk=three[1].pk).update(owner=handler)
    result = hand_over_many(
        actor=director,
        ids=[three[0].pk, three[1].pk, hidden.pk, 999_999_999],
        to_user=handler,
        note="请跟进",
    )
    assert result.moved == [three[0].number]
    assert [number for number, _reason in result.refused] == [three[1].number]
    assert str(handler) in result.refused[0][1]
    assert result.not_found == 2
    assert Complaint.objects.get(pk=three[0].pk).owner_id == handler.pk
    assert Complaint.objects.get(pk=hidden.pk).owner_id == world.other_users[Role.FRONTLINE].pk
    assert AuditEntry.objects.filter(action="hand_over", actor=director).count() == 1


def test_a_complaint_selected_twice_is_handed_over_once(client, world, three):
    director = world.user(Role.DIRECTOR)
    handler = world.user(Role.HANDLER)
    client.force_login(director)
    response = client.post(
        "/complaints/bulk/hand-over/",
        {"ids": [three[0].pk, f" {three[0].pk} "], "to_user": handler.pk},
    )
    assert Complaint.objects.get(pk=three[0].pk).owner_id == handler.pk
    assert AuditEntry.objects.filter(action="hand_over", actor=director).count() == 1
    assert texts(response) == [f"1 complaint handed over to {handler}."]


def test_unseen_selections_are_counted_in_a_warning(client, world, three):
    handler = world.user(Role.HANDLER)
    client.force_login(world.user(Role.DIRECTOR))
    response = client.post(
        "/complaints/bulk/hand-over/", {"ids": [three[0].pk, 999_999_999], "to_user": handler.pk}
    )
    assert "1 selected complaint was not found." in texts(response)


def test_more_than_the_bulk_limit_is_refused_whole(client, world, three, monkeypatch):
    monkeypatch.setattr("kesu.complaints.views_list_actions.MAX_BULK", 2)
    handler = world.user(Role.HANDLER)
    client.force_login(world.user(Role.DIRECTOR))
    response = client.post(
        "/complaints/bulk/hand-over/",
        {"ids": [c.pk for c in three], "to_user": handler.pk},
    )
    assert response.status_code == 302
    assert texts(response) == ["Hand over at most 2 complaints at a time."]
    assert not Complaint.objects.filter(owner=handler).exists()


def test_the_list_actions_need_a_login_and_a_post(client, world):
    for url in ["/complaints/views/", "/complaints/views/1/delete/", "/complaints/bulk/hand-over/"]:
        response = client.post(url)
        assert response.status_code == 302 and response.url.startswith("/login/"), url
    client.force_login(world.user(Role.DIRECTOR))
    assert client.get("/complaints/views/").status_code == 405
