"""The integration token over HTTP: scopes, branches, expiry and revocation."""

from datetime import timedelta

import pytest
from django.utils import timezone

from kesu.customers.tests.factories import CustomerFactory
from kesu.integrations.models import Integration
from kesu.integrations.tests.conftest import inbound_body, post_inbound
from kesu.organisation.choices import Role

pytestmark = pytest.mark.django_db


def _codes(response):
    return response.status_code, response.json()["error"]["code"]


def test_a_branch_token_sees_its_branch_and_nothing_of_the_other(world, make_integration, bearer):
    own = world.complaint()
    west_customer = CustomerFactory(organisation=world.org, branch=world.other_branch)
    other = world.complaint(actor=world.other_users[Role.FRONTLINE], customer=west_customer)
    _integration, key = make_integration()
    client = bearer(key)

    listed = client.get("/api/v1/complaints/").json()["results"]
    assert [c["id"] for c in listed] == [own.pk]
    assert client.get(f"/api/v1/complaints/{own.pk}/").status_code == 200
    assert _codes(client.get(f"/api/v1/complaints/{other.pk}/")) == (404, "not_found")
    assert client.get(f"/api/v1/customers/{own.customer_id}/").status_code == 200
    assert client.get(f"/api/v1/customers/{other.customer_id}/").status_code == 404
    customers = client.get("/api/v1/customers/").json()["results"]
    assert other.customer_id not in [c["id"] for c in customers]


def test_an_all_branches_token_sees_both(world, make_integration, bearer):
    world.complaint()
    world.complaint(actor=world.other_users[Role.FRONTLINE])
    _integration, key = make_integration(all_branches=True)
    assert len(bearer(key).get("/api/v1/complaints/").json()["results"]) == 2


def test_a_branch_token_cannot_register_in_the_other_branch(world, make_integration, bearer):
    _integration, key = make_integration()
    response = post_inbound(bearer(key), inbound_body(branch=world.other_branch.pk))
    assert response.status_code == 400
    assert "branch" in response.json()["error"]["fields"]


def test_a_read_only_token_is_refused_writes(world, make_integration, bearer):
    complaint = world.complaint()
    _integration, key = make_integration(may_write=False)
    client = bearer(key)
    note = client.post(f"/api/v1/complaints/{complaint.pk}/notes/", {"text": "客户再次来电"})
    assert _codes(note) == (403, "read_only")
    assert _codes(post_inbound(client, inbound_body())) == (403, "read_only")
    assert client.get(f"/api/v1/complaints/{complaint.pk}/").status_code == 200


def test_a_write_token_adds_a_note_in_its_name(world, make_integration, bearer):
    complaint = world.complaint()
    _integration, key = make_integration(name="厂家CRM")
    response = bearer(key).post(
        f"/api/v1/complaints/{complaint.pk}/notes/", {"text": "厂家已安排技术支持"}
    )
    assert response.status_code in (200, 201), response.json()
    timeline = bearer(key).get(f"/api/v1/complaints/{complaint.pk}/timeline/").json()
    entries = timeline["results"] if isinstance(timeline, dict) else timeline
    assert "厂家CRM" in str(entries[-1])


def test_a_token_without_the_read_scope_reads_nothing(world, make_integration, bearer):
    _integration, key = make_integration(may_read=False)
    assert _codes(bearer(key).get("/api/v1/complaints/")) == (403, "scope_missing")


def test_a_token_reaches_only_the_addresses_for_integrations(world, make_integration, bearer):
    _integration, key = make_integration(all_branches=True)
    response = bearer(key).get("/api/v1/reports/monthly/")
    assert _codes(response) == (403, "not_for_integrations")


def test_abilities_are_checked(world, make_integration, bearer):
    _integration, key = make_integration(may_register_inbound=False, may_report_calls=False)
    client = bearer(key)
    assert _codes(post_inbound(client, inbound_body())) == (403, "scope_missing")
    call = client.post("/api/v1/telephony/calls/", {"caller": "13812345678", "extension": "8012"})
    assert _codes(call) == (403, "scope_missing")


@pytest.mark.parametrize(
    ("change", "code"),
    [
        ({"revoked": True}, "token_revoked"),
        ({"expires_at": timezone.now() - timedelta(minutes=1)}, "token_expired"),
    ],
)
def test_revoked_and_expired_tokens_are_401(world, make_integration, bearer, change, code):
    integration, key = make_integration()
    Integration.objects.filter(pk=integration.pk).update(**change)
    response = bearer(key).get("/api/v1/complaints/")
    assert _codes(response) == (401, code)
    assert response["WWW-Authenticate"]


def test_unknown_and_malformed_keys_are_401(world, make_integration, bearer):
    make_integration()
    assert _codes(bearer("kesu_not-a-key").get("/api/v1/complaints/")) == (401, "invalid_token")
    client = bearer("")
    client.credentials(HTTP_AUTHORIZATION="Bearer")
    assert client.get("/api/v1/complaints/").status_code == 401


def test_a_chinese_client_gets_the_refusal_in_chinese(world, make_integration, bearer):
    integration, key = make_integration()
    Integration.objects.filter(pk=integration.pk).update(revoked=True)
    message = bearer(key, language="zh-hans").get("/api/v1/complaints/").json()["error"]
    assert message["code"] == "token_revoked"
    assert "吊销" in message["message"]


def test_the_time_of_last_use_is_recorded(world, make_integration, bearer):
    integration, key = make_integration()
    assert integration.last_used_at is None
    bearer(key).get("/api/v1/me/")
    integration.refresh_from_db()
    assert integration.last_used_at is not None


def test_staff_may_not_use_the_integration_endpoints(world, api):
    CustomerFactory(organisation=world.org)
    response = api(Role.FRONTLINE).post(
        "/api/v1/telephony/calls/", {"caller": "13812345678", "extension": "8012"}
    )
    assert response.status_code == 403
    assert response.json()["error"]["code"] == "integrations_only"


def test_the_service_user_cannot_sign_in(world, make_integration, client):
    integration, _key = make_integration()
    user = integration.service_user
    assert not user.has_usable_password()
    for password in ("", "!", user.password):
        client.post("/login/", {"username": user.username, "password": password})
        assert "_auth_user_id" not in client.session
    assert user.display_name == integration.name


def test_the_service_user_is_in_no_picker(world, make_integration, api):
    integration, _key = make_integration(all_branches=True)
    users = api(Role.DIRECTOR).get("/api/v1/users/").json()
    listed = users["results"] if isinstance(users, dict) else users
    assert integration.service_user.pk not in [u["id"] for u in listed]


def test_me_tells_what_a_branch_token_sees(world, make_integration, bearer):
    """An east-only key's service user has an organisation-wide role; /me/ says east only."""
    world.complaint(actor=world.other_users[Role.FRONTLINE])  # a west complaint it cannot see
    _integration, key = make_integration(name="微信公众号")
    me = bearer(key).get("/api/v1/me/").json()
    assert me["name"] == "微信公众号"
    assert me["sees_whole_organisation"] is False
    assert [b["id"] for b in me["visible_branches"]] == [world.branch.pk]
    assert me["sees_contact_data"] is False


def test_me_tells_what_an_all_branches_token_sees(world, make_integration, bearer):
    _integration, key = make_integration(all_branches=True)
    me = bearer(key).get("/api/v1/me/").json()
    assert me["sees_whole_organisation"] is True
    assert {b["id"] for b in me["visible_branches"]} == {world.branch.pk, world.other_branch.pk}


@pytest.mark.parametrize(
    ("role", "whole"), [(Role.GROUP, True), (Role.DIRECTOR, False), (Role.HANDLER, False)]
)
def test_me_tells_staff_which_branches_they_see(world, api, role, whole):
    me = api(role).get("/api/v1/me/").json()
    assert me["sees_whole_organisation"] is whole
    seen = {b["id"] for b in me["visible_branches"]}
    assert seen == ({world.branch.pk, world.other_branch.pk} if whole else {world.branch.pk})
