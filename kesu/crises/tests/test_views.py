from datetime import timedelta

import pytest
from django.urls import reverse
from django.utils import timezone

from kesu.crises.choices import Status
from kesu.crises.models import Crisis, WatchedPost
from kesu.crises.tests.conftest import photo, program
from kesu.organisation.choices import Role


@pytest.fixture
def signed_in(client, world, settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path

    def as_(role, other_branch=False, language="en"):
        user = world.other_users[role] if other_branch else world.user(role)
        client.force_login(user)
        client.defaults["HTTP_ACCEPT_LANGUAGE"] = language
        return client

    return as_


def _local(moment) -> str:
    return timezone.localtime(moment).strftime("%Y-%m-%dT%H:%M")


def test_the_complaint_page_offers_the_gm_to_open_the_crisis(signed_in, world, crises):
    complaint = crises.complaint()
    gm = signed_in(Role.GENERAL_MANAGER)
    page = gm.get(reverse("complaints:complaint", args=[complaint.pk]))
    assert reverse("crises:open", args=[complaint.pk]) in page.content.decode()
    refused = gm.post(reverse("crises:open", args=[complaint.pk]), {"spokesperson": ""})
    assert refused.status_code == 400
    assert "This field is required." in refused.content.decode()
    opened = gm.post(
        reverse("crises:open", args=[complaint.pk]),
        {"spokesperson": world.user(Role.DIRECTOR).pk, "internal_notice": "记者来电转发言人"},
    )
    crisis = Crisis.objects.get(complaint=complaint)
    assert opened.status_code == 302 and opened["Location"] == reverse(
        "crises:detail", args=[crisis.pk]
    )
    # The notice shows on the complaint page, for frontline staff too, and on the timeline.
    html = (
        signed_in(Role.FRONTLINE)
        .get(reverse("complaints:complaint", args=[complaint.pk]))
        .content.decode()
    )
    assert "记者来电转发言人" in html
    assert f"Only {world.user(Role.DIRECTOR)} speaks for the company" in html
    assert "Crisis handling opened" in html


def test_frontline_staff_cannot_open_it(signed_in, world, crises):
    complaint = crises.complaint()
    frontline = signed_in(Role.FRONTLINE)
    html = frontline.get(reverse("complaints:complaint", args=[complaint.pk])).content.decode()
    assert reverse("crises:open", args=[complaint.pk]) not in html
    refused = frontline.post(
        reverse("crises:open", args=[complaint.pk]), {"spokesperson": world.user(Role.FRONTLINE).pk}
    )
    assert refused.status_code == 403


@pytest.mark.parametrize("language", ["en", "zh-hans"])
def test_the_crisis_page_in_both_languages(signed_in, world, crises, language):
    crisis = crises.open()
    crises.step(crisis)
    page = signed_in(Role.DIRECTOR, language=language).get(
        reverse("crises:detail", args=[crisis.pk])
    )
    html = page.content.decode()
    assert page.status_code == 200 and "联系车主当面致歉" in html
    if language == "en":
        assert "Action plan" in html and "Record a statement" in html
    else:
        assert "行动计划" in html and "记录声明" in html
    listed = signed_in(Role.DIRECTOR, language=language).get(reverse("crises:list"))
    assert crisis.complaint.number in listed.content.decode()


def test_another_branch_gets_404_and_does_not_list_it(signed_in, world, crises):
    crisis = crises.open()
    other = signed_in(Role.DIRECTOR, other_branch=True)
    assert other.get(reverse("crises:detail", args=[crisis.pk])).status_code == 404
    assert crisis.complaint.number not in other.get(reverse("crises:list")).content.decode()
    step_form = {
        "title": "x",
        "owner": world.other_users[Role.DIRECTOR].pk,
        "due_at": "2030-01-01T10:00",
    }
    assert other.post(reverse("crises:step-add", args=[crisis.pk]), step_form).status_code == 404
    group = signed_in(Role.GROUP)
    assert group.get(reverse("crises:detail", args=[crisis.pk])).status_code == 200


def test_a_step_is_added_and_done(signed_in, world, crises):
    crisis = crises.open()
    gm = signed_in(Role.GENERAL_MANAGER)
    due = timezone.now() + timedelta(hours=3)
    added = gm.post(
        reverse("crises:step-add", args=[crisis.pk]),
        {"title": "联系媒体说明情况", "owner": world.user(Role.HANDLER).pk, "due_at": _local(due)},
    )
    assert added.status_code == 302
    step = crisis.steps.get()
    past = gm.post(
        reverse("crises:step-add", args=[crisis.pk]),
        {"title": "晚了", "owner": world.user(Role.HANDLER).pk, "due_at": "2020-01-01T10:00"},
    )
    assert (
        past.status_code == 400 and "The due time cannot be in the past." in past.content.decode()
    )
    frontline = signed_in(Role.FRONTLINE)
    assert frontline.post(reverse("crises:step-done", args=[step.pk]), {}).status_code == 403
    handler = signed_in(Role.HANDLER)
    assert (
        handler.post(reverse("crises:step-done", args=[step.pk]), {"note": "已说明"}).status_code
        == 302
    )
    step.refresh_from_db()
    assert step.done_at is not None and "已说明" in step.note


def test_a_post_with_a_photo_and_the_page_still_renders(signed_in, world, crises):
    crisis = crises.open()
    director = signed_in(Role.DIRECTOR)
    form = {
        "platform": "weibo",
        "url": "https://weibo.com/1234/abc",
        "title": "修车越修越坏",
        "first_seen_at": _local(timezone.now() - timedelta(hours=1)),
        "reach": "转发 300",
        "notes": "",
    }
    sent = director.post(
        reverse("crises:post-add", args=[crisis.pk]), {**form, "screenshot": photo()}
    )
    assert sent.status_code == 302
    post = WatchedPost.objects.get()
    assert post.screenshot is not None
    page = director.get(reverse("crises:detail", args=[crisis.pk]))
    html = page.content.decode()
    assert page.status_code == 200 and "修车越修越坏" in html
    thumb = reverse(
        "complaints:complaint-file-thumbnail", args=[crisis.complaint_id, post.screenshot_id]
    )
    assert thumb in html
    assert director.get(thumb).status_code == 200
    assert (
        director.get(reverse("complaints:complaint", args=[crisis.complaint_id])).status_code == 200
    )


@pytest.mark.parametrize(
    ("language", "message"),
    [
        ("en", "starting with https:// or http://"),
        ("zh-hans", "https://"),
    ],
)
def test_a_bad_address_is_a_clear_error(signed_in, world, crises, language, message):
    crisis = crises.open()
    director = signed_in(Role.DIRECTOR, language=language)
    refused = director.post(
        reverse("crises:post-add", args=[crisis.pk]),
        {
            "platform": "weibo",
            "url": "javascript:alert(1)",
            "first_seen_at": _local(timezone.now()),
        },
    )
    assert refused.status_code == 400
    assert message in refused.content.decode()
    assert not WatchedPost.objects.exists()


def test_an_executable_named_jpg_is_refused(signed_in, world, crises):
    crisis = crises.open()
    refused = signed_in(Role.DIRECTOR).post(
        reverse("crises:post-add", args=[crisis.pk]),
        {
            "platform": "weibo",
            "url": "https://weibo.com/1",
            "first_seen_at": _local(timezone.now()),
            "screenshot": program(),
        },
    )
    assert refused.status_code == 400
    assert not WatchedPost.objects.exists()


def test_a_statement_and_the_end_with_its_review(signed_in, world, crises):
    crisis = crises.open()
    gm = signed_in(Role.GENERAL_MANAGER)
    said = gm.post(
        reverse("crises:statement-add", args=[crisis.pk]),
        {"made_at": _local(timezone.now()), "channel": "官方微博", "text": "正在核实"},
    )
    assert said.status_code == 302 and crisis.statements.get().made_by == world.user(Role.DIRECTOR)
    empty = gm.post(reverse("crises:end", args=[crisis.pk]), {})
    assert empty.status_code == 400
    ended = gm.post(
        reverse("crises:end", args=[crisis.pk]),
        {"what_happened": "发帖", "what_worked": "快速回应", "what_to_change": "提前准备"},
    )
    assert ended.status_code == 302
    crisis.refresh_from_db()
    assert crisis.status == Status.ENDED
    html = gm.get(reverse("crises:detail", args=[crisis.pk])).content.decode()
    assert "提前准备" in html and reverse("crises:step-add", args=[crisis.pk]) not in html


def test_the_gm_sees_open_crises_first_on_the_home_page(signed_in, world, crises):
    crisis = crises.open()
    crises.step(crisis)
    html = signed_in(Role.GENERAL_MANAGER).get(reverse("complaints:my-work")).content.decode()
    assert 'id="open-crises"' in html
    assert html.index('id="open-crises"') < html.index('id="queues"')
    assert crisis.complaint.number in html
    other = signed_in(Role.GENERAL_MANAGER, other_branch=True).get(reverse("complaints:my-work"))
    assert 'id="open-crises"' not in other.content.decode()
    frontline = signed_in(Role.FRONTLINE).get(reverse("complaints:my-work"))
    assert 'id="open-crises"' not in frontline.content.decode()
