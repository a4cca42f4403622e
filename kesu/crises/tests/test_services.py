from datetime import timedelta

import pytest
from django.core.exceptions import ValidationError
from django.utils import timezone

from kesu.audit.models import AuditEntry
from kesu.core.errors import InvalidState, NotAllowed, NotFound
from kesu.crises import services
from kesu.crises.choices import CrisisAudit, Status
from kesu.crises.models import Crisis
from kesu.crises.selectors import crises_visible_to
from kesu.crises.tests.conftest import photo, program
from kesu.notifications.choices import Channel, Kind
from kesu.notifications.models import Notification
from kesu.organisation.choices import Role


def _entries(complaint, action):
    return list(AuditEntry.objects.filter(complaint_id=complaint.pk, action=action).order_by("seq"))


@pytest.mark.parametrize("role", [Role.GENERAL_MANAGER, Role.DIRECTOR, Role.GROUP])
def test_who_leads_the_branch_opens_the_crisis(world, crises, role):
    crisis = crises.open(actor=world.user(role))
    assert crisis.status == Status.OPEN and crisis.branch_id == world.branch.pk
    (entry,) = _entries(crisis.complaint, CrisisAudit.OPENED)
    assert entry.actor_id == world.user(role).pk
    assert entry.data["spokesperson"] == world.user(Role.DIRECTOR).pk
    assert entry.data["text"] == "媒体来电一律转交发言人"


@pytest.mark.parametrize("role", [Role.FRONTLINE, Role.CALLBACK, Role.HANDLER, Role.ADMIN])
def test_other_roles_do_not_open_one(world, crises, role):
    with pytest.raises(NotAllowed):
        crises.open(actor=world.user(role))
    assert not Crisis.objects.exists()


def test_another_branchs_director_does_not_see_the_complaint(world, crises):
    with pytest.raises(NotFound):
        crises.open(actor=world.other_users[Role.DIRECTOR])


def test_only_a_crisis_complaint_and_only_once(world, crises):
    plain = world.complaint()
    with pytest.raises(InvalidState):
        crises.open(complaint=plain)
    complaint = crises.complaint()
    crises.open(complaint=complaint)
    with pytest.raises(InvalidState):
        crises.open(complaint=complaint)


def test_the_spokesperson_is_of_the_branch_or_the_group(world, crises):
    with pytest.raises(ValidationError) as refused:
        crises.open(spokesperson=world.other_users[Role.DIRECTOR])
    assert "spokesperson" in refused.value.message_dict
    assert crises.open(spokesperson=world.user(Role.GROUP)).spokesperson == world.user(Role.GROUP)


def test_the_branch_staff_hear_who_the_only_spokesperson_is(world, crises):
    crisis = crises.open()
    told = set(
        Notification.objects.filter(kind=Kind.CRISIS_NOTICE, channel=Channel.INBOX).values_list(
            "recipient_id", flat=True
        )
    )
    branch = {u.pk for u in world.users.values() if u.branch_id == world.branch.pk}
    assert told == branch
    assert not told & {u.pk for u in world.other_users.values()}
    payload = Notification.objects.filter(kind=Kind.CRISIS_NOTICE).first().payload
    assert payload["crisis_id"] == crisis.pk
    assert payload["spokesperson"] == str(world.user(Role.DIRECTOR))
    assert payload["notice"] == "媒体来电一律转交发言人"
    assert not Notification.objects.filter(kind=Kind.CRISIS_NOTICE, endpoint__isnull=False)


def test_a_new_spokesperson_is_told_again_and_recorded(world, crises):
    crisis = crises.open()
    gm = world.user(Role.GENERAL_MANAGER)
    services.crisis_set_spokesperson(
        actor=gm, crisis_id=crisis.pk, spokesperson=gm, internal_notice="只由总经理发言"
    )
    (entry,) = _entries(crisis.complaint, CrisisAudit.SPOKESPERSON)
    assert entry.data["spokesperson"] == gm.pk
    assert entry.data["previous"] == world.user(Role.DIRECTOR).pk
    inbox = Notification.objects.filter(kind=Kind.CRISIS_NOTICE, channel=Channel.INBOX)
    assert inbox.filter(recipient=world.user(Role.FRONTLINE)).count() == 2
    # The spokesperson (not leading the branch) does not name another.
    with pytest.raises(NotAllowed):
        services.crisis_set_spokesperson(
            actor=world.user(Role.HANDLER),
            crisis_id=crisis.pk,
            spokesperson=world.user(Role.HANDLER),
            internal_notice="",
        )


def test_steps_are_added_by_who_works_on_it_and_done_by_their_owner(world, crises):
    crisis = crises.open()
    step = crises.step(crisis)
    (added,) = _entries(crisis.complaint, CrisisAudit.STEP_ADDED)
    assert added.data["text"] == "联系车主当面致歉" and added.data["owner"] == step.owner_id
    assert Notification.objects.filter(
        kind=Kind.CRISIS_STEP_ASSIGNED, recipient=world.user(Role.HANDLER)
    ).exists()
    # The spokesperson (the director) adds steps too; frontline staff do not.
    crises.step(crisis, actor=world.user(Role.DIRECTOR), title="准备声明")
    with pytest.raises(NotAllowed):
        crises.step(crisis, actor=world.user(Role.FRONTLINE))
    with pytest.raises(NotAllowed):
        services.step_complete(actor=world.user(Role.FRONTLINE), step_id=step.pk)
    done = services.step_complete(actor=world.user(Role.HANDLER), step_id=step.pk, note="已致歉")
    assert done.done_at and done.done_by == world.user(Role.HANDLER)
    (entry,) = _entries(crisis.complaint, CrisisAudit.STEP_DONE)
    assert entry.actor_id == world.user(Role.HANDLER).pk and entry.data["note"] == "已致歉"
    with pytest.raises(InvalidState):
        services.step_complete(actor=world.user(Role.HANDLER), step_id=step.pk)
    with pytest.raises(NotFound):
        services.step_complete(actor=world.other_users[Role.DIRECTOR], step_id=step.pk)


def test_a_step_needs_a_title_an_owner_and_a_time_to_come(world, crises):
    crisis = crises.open()
    with pytest.raises(ValidationError) as refused:
        services.step_add(
            actor=world.user(Role.GENERAL_MANAGER),
            crisis_id=crisis.pk,
            title=" ",
            owner=world.other_users[Role.HANDLER],
            due_at=timezone.now() - timedelta(hours=1),
        )
    assert set(refused.value.message_dict) == {"title", "owner", "due_at"}


def test_statements_and_posts_are_logged_on_the_timeline(world, crises, settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path
    crisis = crises.open()
    director = world.user(Role.DIRECTOR)
    statement = services.statement_add(
        actor=director,
        crisis_id=crisis.pk,
        made_at=timezone.now() - timedelta(minutes=30),
        channel="官方微博",
        text="我们已联系车主，正在核实。",
    )
    assert statement.made_by == director  # the spokesperson, unless said
    post = services.post_add(
        actor=director,
        crisis_id=crisis.pk,
        platform="weibo",
        url="https://weibo.com/1234567/abcd",
        title="4S店修车越修越坏",
        first_seen_at=timezone.now() - timedelta(hours=2),
        reach="转发 1200",
        screenshot=photo(),
    )
    assert post.screenshot is not None and post.screenshot.complaint_id == crisis.complaint_id
    (said,) = _entries(crisis.complaint, CrisisAudit.STATEMENT)
    assert said.data["text"] == "我们已联系车主，正在核实。" and said.data["channel"] == "官方微博"
    (watched,) = _entries(crisis.complaint, CrisisAudit.POST)
    assert watched.data["url"] == "https://weibo.com/1234567/abcd"
    assert watched.data["screenshot"] == post.screenshot_id


@pytest.mark.parametrize(
    "url", ["javascript:alert(1)", "ftp://example.com/a", "weibo.com/123", "https://", "http://a b"]
)
def test_a_post_address_is_http_or_https(world, crises, url):
    crisis = crises.open()
    with pytest.raises(ValidationError) as refused:
        services.post_add(
            actor=world.user(Role.DIRECTOR),
            crisis_id=crisis.pk,
            platform="weibo",
            url=url,
            first_seen_at=timezone.now(),
        )
    assert "url" in refused.value.message_dict


def test_a_program_named_jpg_is_no_screenshot(world, crises, settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path
    crisis = crises.open()
    for upload in (program(), photo("截图.exe")):
        with pytest.raises(ValidationError) as refused:
            services.post_add(
                actor=world.user(Role.DIRECTOR),
                crisis_id=crisis.pk,
                platform="weibo",
                url="https://weibo.com/1",
                first_seen_at=timezone.now(),
                screenshot=upload,
            )
        assert "screenshot" in refused.value.message_dict
    assert not crisis.posts.exists()


def test_the_crisis_ends_with_its_review_by_who_leads_it(world, crises):
    crisis = crises.open()
    crises.step(crisis)
    review = {
        "what_happened": "车主发微博",
        "what_worked": "两小时内回应",
        "what_to_change": "更早联系",
    }
    with pytest.raises(NotAllowed):  # the spokesperson is not the one who ends it... unless leading
        services.crisis_end(actor=world.user(Role.HANDLER), crisis_id=crisis.pk, **review)
    with pytest.raises(ValidationError) as refused:
        services.crisis_end(
            actor=world.user(Role.GENERAL_MANAGER),
            crisis_id=crisis.pk,
            **{**review, "what_worked": ""},
        )
    assert list(refused.value.message_dict) == ["what_worked"]
    ended = services.crisis_end(
        actor=world.user(Role.GENERAL_MANAGER), crisis_id=crisis.pk, **review
    )
    assert ended.status == Status.ENDED and ended.review_what_to_change == "更早联系"
    (entry,) = _entries(crisis.complaint, CrisisAudit.ENDED)
    assert entry.data["open_steps"] == 1 and entry.data["what_worked"] == "两小时内回应"
    with pytest.raises(InvalidState):
        crises.step(crisis)


def test_each_branch_sees_its_own_crises_the_group_all(world, crises):
    east = crises.open()
    west_complaint = world.complaint(actor=world.other_users[Role.FRONTLINE])
    west_complaint.__class__.objects.filter(pk=west_complaint.pk).update(is_crisis=True)
    west = crises.open(
        complaint=west_complaint,
        actor=world.other_users[Role.GENERAL_MANAGER],
        spokesperson=world.other_users[Role.GENERAL_MANAGER],
    )
    assert set(crises_visible_to(world.user(Role.DIRECTOR))) == {east}
    assert set(crises_visible_to(world.user(Role.FRONTLINE))) == {east}
    assert set(crises_visible_to(world.other_users[Role.DIRECTOR])) == {west}
    assert set(crises_visible_to(world.user(Role.GROUP))) == {east, west}
    assert set(crises_visible_to(world.user(Role.ADMIN))) == {east, west}
