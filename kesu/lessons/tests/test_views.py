"""The lessons pages: the search, the intake's partial, sharing from the complaint's page."""

import pytest
from django.urls import reverse

from kesu.audit.models import AuditEntry
from kesu.customers.tests.factories import CustomerFactory
from kesu.lessons import views
from kesu.lessons.choices import LessonAction
from kesu.lessons.models import Lesson
from kesu.lessons.tests.conftest import category, closed
from kesu.organisation.choices import Role

LIST = reverse("lessons:list")


def _page(client, user, url=LIST, **params):
    client.force_login(user)
    return client.get(url, params, HTTP_ACCEPT_LANGUAGE="en")


@pytest.fixture
def west_lesson(world):
    customer = CustomerFactory(organisation=world.org, branch=world.other_branch, name="赵西城")
    return closed(
        world,
        branch_users=world.other_users,
        customer=customer,
        category=category(world, "vehicle.body"),
        cause="product_quality",
        share=("车身漆面色差", "交车前在日光下检查漆面"),
    ).lesson


def test_the_list_shows_every_branch_and_links_only_what_the_reader_may_open(
    client, world, shared, west_lesson
):
    html = _page(client, world.user(Role.FRONTLINE)).content.decode()
    assert "张紧器批次问题" in html and "车身漆面色差" in html
    own_link = reverse("complaints:complaint", args=[shared.pk])
    other_link = reverse("complaints:complaint", args=[west_lesson.complaint_id])
    assert f'href="{own_link}"' in html
    assert f'href="{other_link}"' not in html
    assert west_lesson.complaint.number in html  # the number, without a link
    # Nothing of the customers.
    assert "赵西城" not in html and shared.customer.name not in html
    assert shared.customer.phone[-8:] not in html


def test_the_list_filters(client, world, shared, west_lesson):
    user = world.user(Role.CALLBACK)
    by_words = _page(client, user, q="漆面").content.decode()
    assert "车身漆面色差" in by_words and "张紧器批次问题" not in by_words
    vehicle = category(world, "vehicle")
    both = _page(client, user, category=vehicle.pk).content.decode()
    assert "车身漆面色差" in both and "张紧器批次问题" in both
    engine_only = _page(client, user, category=category(world, "vehicle.engine").pk)
    assert "车身漆面色差" not in engine_only.content.decode()
    by_cause = _page(client, user, cause="service_manner").content.decode()
    assert "No lessons match." in by_cause
    by_branch = _page(client, user, branch=world.other_branch.pk).content.decode()
    assert "车身漆面色差" in by_branch and "张紧器批次问题" not in by_branch


def test_invalid_filters_are_named_and_left_out_never_a_500(client, world, shared):
    response = _page(client, world.user(Role.FRONTLINE), month="2026-13", category="x")
    assert response.status_code == 200
    html = response.content.decode()
    assert "Give a month as YYYY-MM" in html
    assert "张紧器批次问题" in html  # the other filters still apply (none here)


def test_the_list_pages_by_keyset(client, world, shared, monkeypatch):
    monkeypatch.setattr(views, "PAGE", 1)
    second = closed(world, share=("第二条经验", "建议"))
    first_page = _page(client, world.user(Role.FRONTLINE))
    html = first_page.content.decode()
    assert "第二条经验" in html and "张紧器批次问题" not in html
    assert f"before={second.lesson.pk}" in html
    older = _page(client, world.user(Role.FRONTLINE), before=second.lesson.pk).content.decode()
    assert "张紧器批次问题" in older and "第二条经验" not in older


def test_the_list_answers_htmx_with_the_results_only(client, world, shared):
    client.force_login(world.user(Role.FRONTLINE))
    response = client.get(LIST, {"q": "张紧器"}, HTTP_HX_REQUEST="true", HTTP_HX_TARGET="results")
    html = response.content.decode()
    assert "张紧器批次问题" in html and "<form" not in html


def test_the_list_in_chinese(client, world, shared):
    client.force_login(world.user(Role.FRONTLINE))
    client.cookies["django_language"] = "zh-hans"
    html = client.get(LIST).content.decode()
    assert "经验教训" in html and "Lessons learned" not in html


def test_no_lessons_yet(client, world):
    html = _page(client, world.user(Role.GROUP)).content.decode()
    assert "No lessons yet." in html


def test_the_intakes_partial_shows_the_lessons_of_the_chosen_category(client, world, shared):
    engine = category(world, "vehicle.engine")
    url = reverse("lessons:for-category")
    html = _page(
        client, world.user(Role.FRONTLINE), url, category=f"{engine.parent.name} › {engine.name}"
    ).content.decode()
    assert "张紧器批次问题" in html and "保养时检查同批次张紧器" in html
    assert f"?category={engine.parent.pk}" in html
    assert _page(client, world.user(Role.FRONTLINE), url, category="不存在").content.strip() == b""
    assert _page(client, world.user(Role.FRONTLINE), url).content.strip() == b""


def test_the_intake_page_asks_for_the_partial(client, world):
    html = _page(client, world.user(Role.FRONTLINE), reverse("complaints:intake")).content
    assert reverse("lessons:for-category").encode() in html


def test_the_complaint_page_shows_the_lesson_and_similar_ones(client, world, shared):
    other = world.complaint(category=category(world, "vehicle.engine"))
    html = _page(
        client, world.user(Role.FRONTLINE), reverse("complaints:complaint", args=[other.pk])
    ).content.decode()
    assert "Lessons from similar cases" in html and "张紧器批次问题" in html
    own = _page(
        client, world.user(Role.DIRECTOR), reverse("complaints:complaint", args=[shared.pk])
    ).content.decode()
    assert "Shared as a lesson" in own and "Edit the lesson" in own
    assert reverse("lessons:unmark", args=[shared.pk]) in own
    # The timeline's entry names the lesson.
    assert own.count("张紧器批次问题") >= 2


def test_sharing_from_the_complaint_page(client, world):
    complaint = closed(world)
    client.force_login(world.user(Role.HANDLER))
    url = reverse("lessons:mark", args=[complaint.pk])
    response = client.post(url, {"title": "事后分享", "text": "经过", "advice": "下次先检查"})
    assert response.status_code == 302
    assert response["Location"].endswith(f"/complaints/{complaint.pk}/#lesson")
    assert Lesson.objects.get(complaint=complaint).title == "事后分享"
    page = client.get(response["Location"]).content.decode()
    assert f'data-clear-draft="lesson-{complaint.pk}"' in page


def test_a_refused_lesson_comes_back_with_what_was_typed(client, world):
    customer = CustomerFactory(organisation=world.org, name="钱多多")
    complaint = closed(world, customer=customer)
    client.force_login(world.user(Role.DIRECTOR))
    response = client.post(
        reverse("lessons:mark", args=[complaint.pk]),
        {"title": "", "advice": "给钱多多回电"},
        HTTP_ACCEPT_LANGUAGE="en",
    )
    assert response.status_code == 400
    html = response.content.decode()
    assert "This field is required." in html
    assert "给钱多多回电" in html
    assert not Lesson.objects.exists()
    named = client.post(
        reverse("lessons:mark", args=[complaint.pk]),
        {"title": "回电", "advice": "给钱多多回电"},
        HTTP_ACCEPT_LANGUAGE="en",
    )
    assert named.status_code == 400
    assert "This names the customer" in named.content.decode()


def test_an_open_complaint_is_refused_with_a_message(client, world):
    complaint = world.complaint()
    client.force_login(world.user(Role.DIRECTOR))
    response = client.post(
        reverse("lessons:mark", args=[complaint.pk]),
        {"title": "未结案", "advice": "x"},
        HTTP_ACCEPT_LANGUAGE="en",
    )
    assert response.status_code == 409
    assert "Only a closed complaint can be shared as a lesson." in response.content.decode()


def test_who_may_share_and_whose_complaint(client, world):
    complaint = closed(world)
    url = reverse("lessons:mark", args=[complaint.pk])
    client.force_login(world.user(Role.FRONTLINE))
    assert client.post(url, {"title": "x", "advice": "y"}).status_code == 403
    client.force_login(world.other_users[Role.DIRECTOR])
    assert client.post(url, {"title": "x", "advice": "y"}).status_code == 404
    assert not Lesson.objects.exists()


def test_a_get_goes_to_the_complaints_page(client, world, shared):
    client.force_login(world.user(Role.DIRECTOR))
    for name in ("lessons:mark", "lessons:unmark"):
        response = client.get(reverse(name, args=[shared.pk]))
        assert response.status_code == 302
        assert response["Location"] == reverse("complaints:complaint", args=[shared.pk])


def test_taking_a_lesson_back(client, world, shared):
    client.force_login(world.user(Role.GENERAL_MANAGER))
    url = reverse("lessons:unmark", args=[shared.pk])
    response = client.post(url)
    assert response.status_code == 302
    assert not Lesson.objects.exists()
    assert AuditEntry.objects.filter(complaint_id=shared.pk, action=LessonAction.UNMARKED).exists()
    assert client.post(url).status_code == 404  # nothing left to take back


def test_closing_with_a_lesson_from_the_move_form(client, world):
    from kesu.complaints.choices import State
    from kesu.complaints.models import Complaint
    from kesu.complaints.tests.helpers import tick_required

    complaint = world.complaint()
    Complaint.objects.filter(pk=complaint.pk).update(state=State.VERIFIED)
    director = world.user(Role.DIRECTOR)
    tick_required(complaint, "close", director)
    client.force_login(director)
    page = client.get(reverse("complaints:complaint", args=[complaint.pk])).content.decode()
    assert 'name="share_as_lesson"' in page and 'name="lesson_title"' in page
    url = reverse("complaints:complaint-move", args=[complaint.pk, "close"])
    refused = client.post(
        url, {"summary": "已处理", "share_as_lesson": "1"}, HTTP_ACCEPT_LANGUAGE="en"
    )
    assert refused.status_code == 400
    assert "Give the lesson a short title." in refused.content.decode()
    done = client.post(
        url,
        {
            "summary": "已处理",
            "share_as_lesson": "1",
            "lesson_title": "结案时分享",
            "lesson_advice": "下次提前告知",
        },
    )
    assert done.status_code == 302
    lesson = Lesson.objects.get(complaint=complaint)
    assert (lesson.title, lesson.text, lesson.advice) == ("结案时分享", "已处理", "下次提前告知")


def test_the_list_costs_the_same_queries_however_many_lessons(client, world, shared):
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    client.force_login(world.user(Role.FRONTLINE))
    client.get(LIST)  # the session and the like, once
    with CaptureQueriesContext(connection) as one:
        client.get(LIST, {"q": "张紧器"})
    for n in range(4):
        closed(world, share=(f"张紧器经验{n}", "建议"))
    with CaptureQueriesContext(connection) as five:
        response = client.get(LIST, {"q": "张紧器"})
    assert response.content.decode().count('class="card lesson"') == 5
    assert len(five) == len(one)
