"""A complaint's team through the API: list, add, change the role, remove (team.py)."""

from kesu.audit.models import AuditEntry
from kesu.complaints.choices import ComplaintAction
from kesu.complaints.tests.api.helpers import complaint_url, error_of
from kesu.notifications.choices import Kind
from kesu.notifications.models import Notification
from kesu.organisation.choices import Role
from kesu.organisation.tests.factories import UserFactory


def _colleague(world):
    return UserFactory(
        organisation=world.org, branch=world.branch, department=world.sales, role=Role.HANDLER,
        display_name="销售经理赵",
    )  # fmt: skip


def test_a_leader_puts_a_colleague_on_the_team_and_takes_them_off(world, api):
    complaint = world.complaint()
    colleague = _colleague(world)
    added = api(Role.DIRECTOR).post(
        complaint_url(complaint, "team/"), {"user": colleague.pk, "role": "co_handler"}
    )
    assert added.status_code == 201, added.content
    body = added.json()
    assert body["user"] == {"id": colleague.pk, "name": "销售经理赵"}
    assert body["department"] == world.sales.name and body["role"] == "co_handler"
    assert Notification.objects.filter(kind=Kind.TEAM_ADDED, recipient=colleague).exists()
    again = api(Role.DIRECTOR).post(
        complaint_url(complaint, "team/"), {"user": colleague.pk, "role": "watcher"}
    )
    assert again.status_code == 201 and again.json()["role"] == "watcher"
    listed = api(user=colleague).get(complaint_url(complaint, "team/"))
    assert [(m["user"]["id"], m["role"]) for m in listed.json()] == [(colleague.pk, "watcher")]
    removed = api(Role.DIRECTOR).delete(complaint_url(complaint, f"team/{colleague.pk}/"))
    assert removed.status_code == 204
    assert api(Role.DIRECTOR).get(complaint_url(complaint, "team/")).json() == []
    actions = list(
        AuditEntry.objects.filter(complaint_id=complaint.pk, action__startswith="team_")
        .order_by("id")
        .values_list("action", flat=True)
    )
    assert actions == [
        ComplaintAction.TEAM_ADDED,
        ComplaintAction.TEAM_ROLE_CHANGED,  # the second post changed the role
        ComplaintAction.TEAM_REMOVED,
    ]


def test_bad_input_is_refused_readably_in_the_users_language(world, api):
    complaint = world.complaint()
    west = world.other_users[Role.HANDLER]
    url = complaint_url(complaint, "team/")
    other_branch = api(Role.DIRECTOR).post(url, {"user": west.pk, "role": "watcher"})
    assert other_branch.status_code == 400
    assert "user" in error_of(other_branch)["fields"]
    bad_role = api(Role.DIRECTOR, language="zh-hans").post(
        url, {"user": _colleague(world).pk, "role": "boss"}
    )
    assert bad_role.status_code == 400
    assert "role" in error_of(bad_role)["fields"]
    assert "不是" in str(error_of(bad_role)["fields"]["role"])
    unknown = api(Role.DIRECTOR).post(url, {"user": 10**9, "role": "watcher", "extra": 1})
    assert unknown.status_code == 400
    missing = api(Role.DIRECTOR).delete(complaint_url(complaint, "team/999999/"))
    assert missing.status_code == 404 and error_of(missing)["code"]


def test_who_may_change_the_team(world, api):
    complaint = world.complaint(actor=world.user(Role.DIRECTOR))
    colleague = _colleague(world)
    refused = api(Role.CALLBACK).post(
        complaint_url(complaint, "team/"), {"user": colleague.pk, "role": "watcher"}
    )
    assert refused.status_code == 403
    assert error_of(refused)["code"] == "role_not_allowed"
    # Another branch does not see the complaint at all.
    hidden = api(user=world.other_users[Role.DIRECTOR]).get(complaint_url(complaint, "team/"))
    assert hidden.status_code == 404
