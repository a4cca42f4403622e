"""A complaint's team: co-handlers from other departments, the visiting team, watchers."""

import pytest
from django.core.exceptions import ValidationError

from kesu.audit.models import AuditEntry
from kesu.complaints.choices import ComplaintAction, State, TeamRole
from kesu.complaints.models import Complaint
from kesu.complaints.queues import queue_querysets
from kesu.complaints.selectors import complaints_visible_to
from kesu.complaints.team import team_add, team_of, team_remove
from kesu.core.errors import NotAllowed, NotFound
from kesu.notifications.models import Notification
from kesu.organisation.choices import Role
from kesu.organisation.tests.factories import UserFactory


@pytest.fixture
def sales_manager(world):
    return UserFactory(
        organisation=world.org,
        branch=world.branch,
        department=world.sales,
        role=Role.HANDLER,
        username="sales-manager",
    )


def test_a_co_handler_of_another_department_sees_the_case_in_their_queue(world, sales_manager):
    complaint = world.complaint()  # the service department's
    assert complaint not in complaints_visible_to(sales_manager)
    team_add(
        actor=world.user(Role.GENERAL_MANAGER),
        complaint_id=complaint.pk,
        user_id=sales_manager.pk,
        role=TeamRole.CO_HANDLER,
    )
    assert complaint in complaints_visible_to(sales_manager)
    assert complaint in queue_querysets(sales_manager)["team"]
    assert [m.user for m in team_of(complaint)] == [sales_manager]
    entry = AuditEntry.objects.get(complaint_id=complaint.pk, action=ComplaintAction.TEAM_ADDED)
    assert entry.data["user"] == sales_manager.pk and entry.data["role"] == "co_handler"
    # They are told, once; adding them again with the same role changes nothing.
    assert Notification.objects.filter(recipient=sales_manager, kind="team_added").count() == 1
    team_add(
        actor=world.user(Role.GENERAL_MANAGER),
        complaint_id=complaint.pk,
        user_id=sales_manager.pk,
        role=TeamRole.CO_HANDLER,
    )
    assert AuditEntry.objects.filter(action=ComplaintAction.TEAM_ADDED).count() == 1
    # A closed case leaves their queue.
    Complaint.objects.filter(pk=complaint.pk).update(state=State.CLOSED)
    assert complaint not in queue_querysets(sales_manager)["team"]


def test_a_role_change_is_recorded_as_such_and_told_once_per_change(world, sales_manager):
    """Issue 11: co-handler ↔ watcher is a change of role, not a second "added to the team":
    the timeline says so, and the person gets one message per change saying what changed."""
    from kesu.notifications.choices import Channel
    from kesu.notifications.rendering import render

    complaint = world.complaint()
    gm = world.user(Role.GENERAL_MANAGER)
    for role in (TeamRole.CO_HANDLER, TeamRole.WATCHER, TeamRole.CO_HANDLER, TeamRole.CO_HANDLER):
        team_add(actor=gm, complaint_id=complaint.pk, user_id=sales_manager.pk, role=role)
    actions = list(
        AuditEntry.objects.filter(complaint_id=complaint.pk, action__startswith="team_")
        .order_by("id")
        .values_list("action", "data__previous", "data__role")
    )
    assert actions == [
        (ComplaintAction.TEAM_ADDED, "", "co_handler"),
        (ComplaintAction.TEAM_ROLE_CHANGED, "co_handler", "watcher"),
        (ComplaintAction.TEAM_ROLE_CHANGED, "watcher", "co_handler"),
    ]
    told = list(
        Notification.objects.filter(recipient=sales_manager, channel=Channel.INBOX)
        .order_by("id")
        .values_list("kind", "payload")
    )
    assert [kind for kind, _payload in told] == ["team_added"] * 3  # one per change
    added, to_watcher, back = (render(kind, payload, "en") for kind, payload in told)
    assert "put you on the team" in added.body and "changed your role" not in added.body
    assert "changed your role" in to_watcher.body
    assert "Co-handler (cross-department team) → Watcher" in to_watcher.body, to_watcher.body
    assert "Watcher → Co-handler" in back.body
    assert "角色" in render(*told[1], "zh-hans").body
    # The same change written twice (a retried transaction) is still one message.
    from kesu.notifications.alerts import alerts_team_changed

    member = team_of(complaint)[0]
    entry = AuditEntry.objects.filter(action=ComplaintAction.TEAM_ROLE_CHANGED).last()
    alerts_team_changed(complaint, member, gm, previous="watcher", entry=entry)
    assert Notification.objects.filter(recipient=sales_manager, channel=Channel.INBOX).count() == 3


def test_the_timeline_shows_a_role_change(client, world, sales_manager):
    complaint = world.complaint()
    director = world.user(Role.DIRECTOR)
    for role in (TeamRole.CO_HANDLER, TeamRole.WATCHER):
        team_add(actor=director, complaint_id=complaint.pk, user_id=sales_manager.pk, role=role)
    client.force_login(director)
    page = client.get(f"/complaints/{complaint.pk}/", HTTP_ACCEPT_LANGUAGE="en").content.decode()
    assert "Role on the team changed" in page
    assert "Co-handler (cross-department team) → Watcher" in page


def test_the_team_hears_of_a_reopen_and_an_escalation(world, sales_manager):
    from kesu.complaints import workflow

    complaint = world.complaint()
    team_add(
        actor=world.user(Role.HANDLER),
        complaint_id=complaint.pk,
        user_id=sales_manager.pk,
        role=TeamRole.WATCHER,
    )
    workflow.complaint_escalate(
        complaint_id=complaint.pk, actor=world.user(Role.HANDLER), level=2, reason="需要协调"
    )
    assert Notification.objects.filter(recipient=sales_manager, kind="escalation").exists()


def test_only_the_owner_and_who_leads_the_handling_change_the_team(world, sales_manager):
    complaint = world.complaint()
    with pytest.raises(NotAllowed):
        team_add(
            actor=world.user(Role.CALLBACK),
            complaint_id=complaint.pk,
            user_id=sales_manager.pk,
            role=TeamRole.WATCHER,
        )
    # The frontline owner may.
    team_add(
        actor=world.user(Role.FRONTLINE),
        complaint_id=complaint.pk,
        user_id=sales_manager.pk,
        role=TeamRole.VISITING,
    )
    with pytest.raises(NotFound):  # another branch does not even see it
        team_remove(
            actor=world.other_users[Role.DIRECTOR],
            complaint_id=complaint.pk,
            user_id=sales_manager.pk,
        )
    team_remove(
        actor=world.user(Role.DIRECTOR), complaint_id=complaint.pk, user_id=sales_manager.pk
    )
    assert team_of(complaint) == []
    assert AuditEntry.objects.filter(action=ComplaintAction.TEAM_REMOVED).count() == 1


@pytest.mark.parametrize("case", ["other_branch", "inactive", "nonsense", "bad_role"])
def test_bad_members_are_refused_readably(world, case):
    complaint = world.complaint()
    user_id, role = world.user(Role.CALLBACK).pk, TeamRole.WATCHER
    if case == "other_branch":
        user_id = world.other_users[Role.HANDLER].pk
    elif case == "inactive":
        user_id = UserFactory(organisation=world.org, branch=world.branch, is_active=False).pk
    elif case == "nonsense":
        user_id = "x\x00"
    else:
        role = "boss"
    with pytest.raises(ValidationError) as exc:
        team_add(
            actor=world.user(Role.DIRECTOR), complaint_id=complaint.pk, user_id=user_id, role=role
        )
    assert set(exc.value.error_dict) <= {"user", "role"}
    assert team_of(complaint) == []


def test_the_page_shows_the_team_and_adds_to_it(client, world, sales_manager):
    complaint = world.complaint()
    client.force_login(world.user(Role.DIRECTOR))
    page = client.get(
        f"/complaints/{complaint.pk}/", HTTP_ACCEPT_LANGUAGE="zh-hans"
    ).content.decode()
    assert "处理小组" in page and 'name="role"' in page
    response = client.post(
        f"/complaints/{complaint.pk}/team/", {"user": sales_manager.pk, "role": "co_handler"}
    )
    assert response.status_code == 302
    page = client.get(
        f"/complaints/{complaint.pk}/", HTTP_ACCEPT_LANGUAGE="zh-hans"
    ).content.decode()
    assert "协办人" in page and str(sales_manager) in page
    refused = client.post(
        f"/complaints/{complaint.pk}/team/",
        {"user": "", "role": "watcher"},
        HTTP_ACCEPT_LANGUAGE="en",
    )
    assert refused.status_code == 400
    assert "Choose an active colleague" in refused.content.decode()
    client.force_login(world.user(Role.CALLBACK))
    page = client.get(f"/complaints/{complaint.pk}/").content.decode()
    assert f'action="/complaints/{complaint.pk}/team/"' not in page  # may not change it
