from datetime import timedelta

import pytest
from django.urls import reverse
from django.utils import timezone

from kesu.improvements.choices import Status
from kesu.improvements.models import ImprovementAction
from kesu.organisation.choices import Role


@pytest.fixture
def signed_in(client, world):
    def as_(role, other_branch=False):
        user = world.other_users[role] if other_branch else world.user(role)
        client.force_login(user)
        client.defaults["HTTP_ACCEPT_LANGUAGE"] = "en"
        return client

    return as_


def _form(world, actions, **over):
    today = timezone.localdate()
    first, last = (
        (today.replace(day=1) - timedelta(days=90)),
        today.replace(day=1) - timedelta(days=1),
    )
    data = {
        "title": "发动机异响专项整改",
        "description": "保养流程增加张紧器检查",
        "owner": world.user(Role.HANDLER).pk,
        "due_on": (today + timedelta(days=20)).isoformat(),
        "review_on": (today + timedelta(days=90)).isoformat(),
        "causes": ["product_quality"],
        "categories": [actions.category("vehicle.engine").pk],
        "complaint_numbers": "",
        "unit": "per_30_days",
        "denominator_label": "",
        "baseline_from": first.isoformat(),
        "baseline_to": last.isoformat(),
        "baseline_denominator": "",
    }
    data.update(over)
    return data


def test_the_list_shows_the_branchs_actions_with_filters(signed_in, world, actions):
    mine = actions.create(title="东城整改")
    group = world.user(Role.GROUP)
    actions.create(
        actor=group, branch=world.other_branch, owner=world.other_users[Role.DIRECTOR],
        title="西城整改",
    )  # fmt: skip
    page = signed_in(Role.FRONTLINE).get(reverse("improvements:list"))
    html = page.content.decode()
    assert page.status_code == 200
    assert "东城整改" in html and "西城整改" not in html
    assert reverse("improvements:create") not in html  # frontline staff read only
    director = signed_in(Role.DIRECTOR)
    assert (
        reverse("improvements:create")
        in director.get(reverse("improvements:list")).content.decode()
    )
    ImprovementAction.objects.filter(pk=mine.pk).update(status=Status.EFFECTIVE)
    partial = director.get(
        reverse("improvements:list"), {"status": "active"}, HTTP_HX_REQUEST="true",
        HTTP_HX_TARGET="results",
    )  # fmt: skip
    assert partial.status_code == 200
    assert "<h1>" not in partial.content.decode() and "东城整改" not in partial.content.decode()
    bad = director.get(reverse("improvements:list"), {"status": "nonsense"})
    assert bad.status_code == 200 and "东城整改" in bad.content.decode()


def test_create_from_the_form(signed_in, world, actions):
    complaint = world.complaint()
    client = signed_in(Role.DIRECTOR)
    page = client.get(reverse("improvements:create"), {"complaint": complaint.pk})
    assert page.status_code == 200
    assert complaint.number in page.content.decode()  # the prompting complaint, filled in
    response = client.post(
        reverse("improvements:create"), _form(world, actions, complaint_numbers=complaint.number)
    )
    assert response.status_code == 302
    action = ImprovementAction.objects.get()
    assert response["Location"] == reverse("improvements:detail", args=[action.pk])
    assert list(action.complaints.all()) == [complaint]
    assert action.causes == ["product_quality"]


def test_bad_input_is_told_in_the_form(signed_in, world, actions):
    client = signed_in(Role.DIRECTOR)
    past = (timezone.localdate() - timedelta(days=1)).isoformat()
    response = client.post(
        reverse("improvements:create"),
        _form(world, actions, due_on=past, complaint_numbers="KS-1999-000001"),
    )
    assert response.status_code == 400
    html = response.content.decode()
    assert "KS-1999-000001" in html  # no such complaint
    response = client.post(reverse("improvements:create"), _form(world, actions, due_on=past))
    assert response.status_code == 400
    assert "The due date cannot be in the past." in response.content.decode()
    assert not ImprovementAction.objects.exists()


def test_roles_that_do_not_take_actions_may_not_open_the_form(signed_in):
    for role in (Role.FRONTLINE, Role.CALLBACK, Role.ADMIN):
        assert signed_in(role).get(reverse("improvements:create")).status_code == 403


def test_the_page_of_an_action_and_another_branchs_404(signed_in, world, actions):
    action = actions.create(complaints=[world.complaint().pk])
    url = reverse("improvements:detail", args=[action.pk])
    page = signed_in(Role.CALLBACK).get(url)
    assert page.status_code == 200
    html = page.content.decode()
    assert action.title in html and reverse("improvements:edit", args=[action.pk]) not in html
    assert signed_in(Role.DIRECTOR, other_branch=True).get(url).status_code == 404
    assert signed_in(Role.GROUP).get(url).status_code == 200
    director_page = signed_in(Role.DIRECTOR).get(url).content.decode()
    assert reverse("improvements:edit", args=[action.pk]) in director_page


def test_edit(signed_in, world, actions):
    action = actions.create()
    client = signed_in(Role.DIRECTOR)
    url = reverse("improvements:edit", args=[action.pk])
    assert client.get(url).status_code == 200
    response = client.post(url, _form(world, actions, title="张紧器专项整改"))
    assert response.status_code == 302
    action.refresh_from_db()
    assert action.title == "张紧器专项整改"
    assert signed_in(Role.FRONTLINE).get(url).status_code == 403
    assert signed_in(Role.DIRECTOR, other_branch=True).get(url).status_code == 404


def test_moving_it_on_from_the_page(signed_in, world, actions):
    action = actions.create()
    url = reverse("improvements:status", args=[action.pk])
    owner = signed_in(Role.HANDLER)
    assert owner.post(url, {"move": "start"}).status_code == 302
    assert owner.post(url, {"move": "done"}).status_code == 302
    action.refresh_from_db()
    assert action.status == Status.DONE
    # A move the state does not allow: a message, back to the page.
    response = owner.post(url, {"move": "start"}, follow=True)
    assert "Not possible while the action is" in response.content.decode()
    assert owner.post(url, {"move": "fly"}).status_code == 302
    assert signed_in(Role.FRONTLINE).post(url, {"move": "reopen"}).status_code == 403
    cancel = signed_in(Role.DIRECTOR).post(url, {"move": "cancel", "reason": ""}, follow=True)
    assert "Say why the action is cancelled." in cancel.content.decode()
    assert signed_in(Role.DIRECTOR).post(url, {"move": "cancel", "reason": "并入集团整改"})
    action.refresh_from_db()
    assert action.status == Status.CANCELLED


def test_review_from_the_page(signed_in, world, actions):
    action = actions.create()
    today = timezone.localdate()
    ImprovementAction.objects.filter(pk=action.pk).update(
        status=Status.DONE, completed_on=today - timedelta(days=40), review_on=today
    )
    url = reverse("improvements:review", args=[action.pk])
    page = signed_in(Role.DIRECTOR).get(reverse("improvements:detail", args=[action.pk]))
    assert url in page.content.decode()
    refused = signed_in(Role.DIRECTOR).post(url, {})
    assert refused.status_code == 400
    assert signed_in(Role.HANDLER).post(url, {"verdict": "effective"}).status_code == 403
    response = signed_in(Role.DIRECTOR).post(url, {"verdict": "effective", "note": "有效"})
    assert response.status_code == 302
    action.refresh_from_db()
    assert action.status == Status.EFFECTIVE and action.after_count == 0
    done = signed_in(Role.DIRECTOR).get(reverse("improvements:detail", args=[action.pk]))
    assert "有效" in done.content.decode()


def test_a_review_too_early_is_told_on_the_page(signed_in, world, actions):
    action = actions.create()
    ImprovementAction.objects.filter(pk=action.pk).update(
        status=Status.DONE, completed_on=timezone.localdate()
    )
    response = signed_in(Role.DIRECTOR).post(
        reverse("improvements:review", args=[action.pk]), {"verdict": "effective"}
    )
    assert response.status_code == 400
    assert "The action is reviewed from" in response.content.decode()


def test_nobody_outside_an_organisation_reads_them(client, world):
    from kesu.organisation.tests.factories import UserFactory

    client.force_login(UserFactory(organisation=None, branch=None))
    assert client.get(reverse("improvements:list")).status_code == 403


def _reviewed(actions):
    action = actions.create()
    today = timezone.localdate()
    ImprovementAction.objects.filter(pk=action.pk).update(
        status=Status.EFFECTIVE,
        completed_on=today - timedelta(days=40),
        after_from=today - timedelta(days=40),
        after_to=today - timedelta(days=1),
        after_count=1,
        after_value="0.77",
        before_value="2.00",
    )
    return action


def test_the_difference_after_review_is_not_called_like_the_edit_button(signed_in, actions):
    action = _reviewed(actions)
    client = signed_in(Role.DIRECTOR)
    client.defaults["HTTP_ACCEPT_LANGUAGE"] = "zh-hans"
    page = client.get(reverse("improvements:detail", args=[action.pk])).content.decode()
    assert "<strong>变化:</strong> -1.23" in page
    assert "修改" not in page.split("变化")[1].split("</p>")[0]


@pytest.mark.parametrize(
    ("language", "expected"),
    [
        ("en", "There are no complaints KS-2026-999998, KS-2026-999999 you can see."),
        ("zh-hans", "没有您可查看的投诉 KS-2026-999998、KS-2026-999999。"),
    ],
)
def test_unknown_complaints_are_listed_in_the_words_of_the_language(
    signed_in, world, actions, language, expected
):
    client = signed_in(Role.DIRECTOR)
    client.defaults["HTTP_ACCEPT_LANGUAGE"] = language
    data = _form(world, actions, complaint_numbers="KS-2026-999998 ks-2026-999999")
    response = client.post(reverse("improvements:create"), data)
    assert response.status_code == 400
    assert expected in response.content.decode()


def test_one_unknown_complaint_is_named_in_the_singular(signed_in, world, actions):
    data = _form(world, actions, complaint_numbers="KS-2026-999998")
    response = signed_in(Role.DIRECTOR).post(reverse("improvements:create"), data)
    assert "There is no complaint KS-2026-999998 you can see." in response.content.decode()


def test_the_review_form_is_offered_from_the_review_date_on_only(signed_in, actions):
    action = actions.create()
    today = timezone.localdate()
    ImprovementAction.objects.filter(pk=action.pk).update(
        status=Status.DONE,
        completed_on=today - timedelta(days=10),
        review_on=today + timedelta(days=5),
    )
    url = reverse("improvements:review", args=[action.pk])
    detail = reverse("improvements:detail", args=[action.pk])
    early = signed_in(Role.DIRECTOR).get(detail).content.decode()
    day = (today + timedelta(days=5)).isoformat()
    assert f"The review is possible from {day} on." in early
    assert url not in early and 'name="verdict"' not in early
    refused = signed_in(Role.DIRECTOR).post(url, {"verdict": "effective"})
    assert refused.status_code == 400
    assert "The action is reviewed from" in refused.content.decode()
    ImprovementAction.objects.filter(pk=action.pk).update(review_on=today)
    due = signed_in(Role.DIRECTOR).get(detail).content.decode()
    assert url in due and 'name="verdict"' in due
    assert "The review is possible from" not in due


def test_dates_stay_on_one_line_and_titles_wrap(signed_in, actions):
    action = actions.create(title="长" * 200)
    page = signed_in(Role.DIRECTOR).get(reverse("improvements:list")).content.decode()
    due = action.due_on.isoformat()
    assert f'<td class="nowrap">{due}' in page
    assert '<td class="title">' in page
    detail = signed_in(Role.DIRECTOR).get(reverse("improvements:detail", args=[action.pk]))
    assert 'class="improvement-title"' in detail.content.decode()
    assert 'class="nowrap">Before:' in detail.content.decode()


def test_the_per_thousand_fields_say_when_they_are_required(signed_in):
    page = signed_in(Role.DIRECTOR).get(reverse("improvements:create")).content.decode()
    for label in ("Business volume counted", "Number in the baseline period"):
        line = page.split(label, 1)[1].split("</label>", 1)[0]
        assert "required for per 1,000" in line and "(optional)" not in line
    assert "all complaints of the branch" in page


def test_the_measure_is_shown_with_its_unit(signed_in, world, actions):
    action = _reviewed(actions)
    thousand = actions.create(
        title="交车整改",
        unit="per_thousand",
        denominator_label="维修台次",
        baseline_denominator=500,
    )
    client = signed_in(Role.DIRECTOR)
    listed = client.get(reverse("improvements:list")).content.decode()
    assert '2.00 <span class="muted">/ 30 days</span>' in listed
    assert '0.00 <span class="muted">per 1,000 维修台次</span>' in listed
    page = client.get(reverse("improvements:detail", args=[action.pk])).content.decode()
    assert '0.77 <span class="muted">/ 30 days</span>' in page
    assert "-1.23 / 30 days" in page
    zh = client.get(
        reverse("improvements:detail", args=[thousand.pk]), HTTP_ACCEPT_LANGUAGE="zh-hans"
    ).content.decode()
    assert '0.00 <span class="muted">每千维修台次</span>' in zh


def test_an_empty_baseline_and_an_action_about_everything_are_told(signed_in, world, actions):
    everything = actions.create(causes=[], categories=[])
    assert everything.before_count == 0
    page = signed_in(Role.DIRECTOR).get(reverse("improvements:detail", args=[everything.pk]))
    text = page.content.decode()
    assert 'id="empty-baseline"' in text and "cannot show an improvement" in text
    assert "the measure counts all complaints of the branch" in text
    from kesu.complaints.models import Complaint
    from kesu.improvements.services import default_baseline
    from kesu.improvements.tests.conftest import at

    first, _last = default_baseline()
    Complaint.objects.filter(pk=world.complaint().pk).update(received_at=at(first))
    counted = actions.create(causes=[], categories=[])
    assert counted.before_count == 1
    text = signed_in(Role.DIRECTOR).get(reverse("improvements:detail", args=[counted.pk]))
    assert 'id="empty-baseline"' not in text.content.decode()
    narrow = actions.create(causes=["product_quality"])
    text = signed_in(Role.DIRECTOR).get(reverse("improvements:detail", args=[narrow.pk]))
    assert "counts all complaints" not in text.content.decode()
