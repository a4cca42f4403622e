"""The callback workspace pages: scoping, masking, order, the outcome round trip, query counts."""

from datetime import timedelta

import pytest
from django.utils import timezone

from kesu.callbacks.choices import TaskStatus
from kesu.callbacks.models import CallbackTask
from kesu.callbacks.tests.conftest import advisor_call, welcome_call
from kesu.complaints.models import Complaint
from kesu.core.phones import mask_phone
from kesu.organisation.choices import Role


@pytest.fixture
def calls(anytime):
    world = anytime
    now = timezone.now()
    tasks = [welcome_call(world, now=now - timedelta(minutes=5 * i)) for i in range(3)]
    other = welcome_call(world, branch=world.other_branch, now=now)
    return world, tasks, other


def sign_in(client, user):
    client.force_login(user)
    return client


def test_todays_list_shows_the_branchs_calls_in_calling_order(client, calls):
    world, tasks, other = calls
    response = sign_in(client, world.user(Role.CALLBACK)).get("/callbacks/")
    assert response.status_code == 200
    rows = response.context["rows"]
    assert [r["task"].pk for r in rows] == [t.pk for t in sorted(tasks, key=lambda t: t.call_from)]
    body = response.content.decode()
    assert other.customer.name not in body
    # Callback specialists see phone numbers in full.
    assert tasks[0].customer.phone[3:6] in body


def test_the_nav_link_is_for_callback_work(client, calls):
    world, _tasks, _other = calls
    page = sign_in(client, world.user(Role.CALLBACK)).get("/").content.decode()
    assert 'href="/callbacks/"' in page
    client.logout()
    page = sign_in(client, world.user(Role.HANDLER)).get("/").content.decode()
    assert 'href="/callbacks/"' not in page
    assert client.get("/callbacks/").status_code == 403


def test_the_group_sees_every_branch_with_phones_masked(client, calls):
    world, tasks, other = calls
    response = sign_in(client, world.user(Role.GROUP)).get("/callbacks/?scope=branch")
    body = response.content.decode()
    assert other.customer.name in body and tasks[0].customer.name in body
    assert tasks[0].customer.phone[3:] not in body
    assert mask_phone(tasks[0].customer.phone)[:3] in body


def test_another_branchs_callback_is_not_found(client, calls):
    world, _tasks, other = calls
    assert (
        sign_in(client, world.user(Role.CALLBACK)).get(f"/callbacks/tasks/{other.pk}/").status_code
        == 404
    )


def test_recording_goes_straight_to_the_next_call(client, calls):
    world, tasks, _other = calls
    ordered = sorted(tasks, key=lambda t: t.call_from)
    sign_in(client, world.user(Role.CALLBACK))
    page = client.get(f"/callbacks/tasks/{ordered[0].pk}/")
    assert page.status_code == 200 and "Script" in page.content.decode()
    response = client.post(
        f"/callbacks/tasks/{ordered[0].pk}/outcome/", {"satisfaction": "satisfied", "score": "5"}
    )
    assert response.status_code == 302 and response.url == f"/callbacks/tasks/{ordered[1].pk}/"
    response = client.post(f"/callbacks/tasks/{ordered[1].pk}/unreached/", {"result": "no_answer"})
    assert response.status_code == 302
    assert CallbackTask.objects.get(pk=ordered[1].pk).attempts == 1
    # An outcome form with an error comes back with the error and what was typed.
    response = client.post(
        f"/callbacks/tasks/{ordered[2].pk}/outcome/",
        {"notes": "客户很忙", "raise_complaint": "1", "complaint_title": ""},
    )
    assert response.status_code == 400
    body = response.content.decode()
    assert "客户很忙" in body and "errorlist" in body


def test_a_new_complaint_from_the_workspace(client, calls):
    world, tasks, _other = calls
    sign_in(client, world.user(Role.CALLBACK))
    response = client.post(
        f"/callbacks/tasks/{tasks[0].pk}/outcome/",
        {
            "satisfaction": "dissatisfied",
            "raise_complaint": "1",
            "complaint_title": "提车后发现划痕",
            "complaint_account": "左后门有一道划痕，交车时没注意到。",
            "complaint_demand": "repair",
        },
    )
    assert response.status_code == 302
    task = CallbackTask.objects.get(pk=tasks[0].pk)
    assert task.status == TaskStatus.DONE
    raised = Complaint.objects.get(pk=task.raised_complaint_id)
    assert raised.channel == "callback" and raised.demand == "repair"


def test_the_call_page_names_the_sales_advisor_or_says_none_is_recorded(client, calls):
    world, _tasks, _other = calls
    task = advisor_call(world)
    sign_in(client, world.user(Role.FRONTLINE))
    for language, missing in (
        ("en", "No sales advisor is recorded"),
        ("zh-hans", "未登记销售顾问"),
    ):
        page = client.get(f"/callbacks/tasks/{task.pk}/", HTTP_ACCEPT_LANGUAGE=language)
        assert missing in page.content.decode()
    task.purchase.sales_advisor = world.user(Role.FRONTLINE)
    task.purchase.save()
    page = client.get(f"/callbacks/tasks/{task.pk}/", HTTP_ACCEPT_LANGUAGE="en").content.decode()
    assert 'id="sales-advisor">' + str(world.user(Role.FRONTLINE)) in page
    welcome = CallbackTask.objects.exclude(plan__code="delivery_3").filter(purchase=task.purchase)
    sign_in(client, world.user(Role.CALLBACK))
    other = client.get(f"/callbacks/tasks/{welcome.first().pk}/").content.decode()
    assert 'id="sales-advisor"' not in other  # only on the advisor's own call


def test_the_sales_advisor_works_the_call_after_a_delivery(client, calls):
    """Frontline staff (the sales advisors) get the bar link, their own call on today's list,
    and register what the customer complains about from the call."""
    world, tasks, _other = calls
    task = advisor_call(world)
    sign_in(client, world.user(Role.FRONTLINE))
    assert 'href="/callbacks/"' in client.get("/").content.decode()
    response = client.get("/callbacks/")
    assert [r["task"].pk for r in response.context["rows"]] == [task.pk]
    # The specialist's welcome calls are not theirs.
    assert client.get(f"/callbacks/tasks/{tasks[0].pk}/").status_code == 404
    page = client.get(f"/callbacks/tasks/{task.pk}/")
    assert page.status_code == 200 and page.context["can_record"]
    assert "cancel_order" in page.content.decode()  # the demands include the seed's
    response = client.post(
        f"/callbacks/tasks/{task.pk}/outcome/",
        {
            "satisfaction": "dissatisfied",
            "notes": "选装包没有装",
            "raise_complaint": "1",
            "complaint_title": "选装包未安装",
            "complaint_account": "订的选装包交车时没有装，要求从订单里去掉并退款。",
            "complaint_demand": "cancel_order",
        },
    )
    assert response.status_code == 302
    task.refresh_from_db()
    raised = Complaint.objects.get(pk=task.raised_complaint_id)
    assert (raised.channel, raised.demand, raised.purchase_id) == (
        "callback",
        "cancel_order",
        task.purchase_id,
    )
    assert raised.registered_by == world.user(Role.FRONTLINE)


def test_query_counts_are_bounded(client, anytime, django_assert_max_num_queries):
    world = anytime
    for _ in range(25):
        welcome_call(world)
    sign_in(client, world.user(Role.DIRECTOR))
    with django_assert_max_num_queries(16):
        response = client.get("/callbacks/?scope=branch")
    assert len(response.context["rows"]) == 25
    task = CallbackTask.objects.filter(branch=world.branch).first()
    with django_assert_max_num_queries(20):
        assert client.get(f"/callbacks/tasks/{task.pk}/").status_code == 200
    with django_assert_max_num_queries(20):
        assert client.get("/callbacks/dashboard/").status_code == 200


def test_a_director_draws_a_sample_on_the_measures_page(client, anytime):
    from datetime import date

    from kesu.callbacks.models import SampleDraw
    from kesu.customers.tests.factories import CustomerFactory, PurchaseFactory

    world = anytime
    for _ in range(12):
        customer = CustomerFactory(organisation=world.org, branch=world.branch)
        PurchaseFactory(customer=customer, branch=world.branch, delivered_on=date(2026, 3, 4))
    sign_in(client, world.user(Role.CALLBACK))
    form = {"population": "deliveries", "period_start": "2026-03-02", "period_end": "2026-03-08"}
    assert client.post("/callbacks/draws/", form).status_code == 403
    client.logout()
    sign_in(client, world.user(Role.DIRECTOR))
    response = client.post("/callbacks/draws/", form)
    draw = SampleDraw.objects.get()
    assert response.status_code == 302 and response.url == f"/callbacks/draws/{draw.pk}/"
    assert (draw.branch, draw.population_size, draw.drawn_count) == (world.branch, 12, 2)
    assert draw.drawn_by == world.user(Role.DIRECTOR)
    page = client.get(response.url).content.decode()
    assert str(draw.seed) in page
    # Drawing the same period again is refused with a message, nothing new.
    again = client.post("/callbacks/draws/", form, follow=True)
    assert SampleDraw.objects.count() == 1 and b"already been drawn" in again.content
    m = client.get("/callbacks/dashboard/?from=2026-03-01&until=2026-03-31").context["m"]
    (row,) = m["sampling"]
    assert (row["population_size"], row["drawn"]) == (12, 2)
    assert row["target_rate"] == 0.1 and row["achieved_rate"] == round(2 / 12, 4)


def test_preference_and_questionnaire_link_from_the_call_page(client, anytime):
    import re
    from datetime import time

    from kesu.callbacks.models import CustomerCallPreference, SmsMessage
    from kesu.callbacks.tests.conftest import resolve
    from kesu.mailboxes.models import CustomerMessage

    world = anytime
    task = welcome_call(world)
    sign_in(client, world.user(Role.CALLBACK))
    client.post(
        f"/callbacks/tasks/{task.pk}/preference/",
        {"window_from": "18:00", "window_until": "20:00", "no_sms": "1"},
    )
    pref = CustomerCallPreference.objects.get(customer=task.customer)
    assert (pref.window_from, pref.window_until, pref.no_sms) == (time(18), time(20), True)
    client.logout()
    complaint = resolve(world, world.complaint())
    satisfaction = complaint.callback_tasks.get()
    sign_in(client, world.user(Role.DIRECTOR))
    response = client.post(f"/callbacks/tasks/{satisfaction.pk}/survey-link/")
    assert response.status_code == 302
    # About a complaint: from the survey template, on the complaint's page and timeline.
    (told,) = CustomerMessage.objects.filter(complaint=complaint, kind="survey", channel="sms")
    message = SmsMessage.objects.get(key=f"message:{told.pk}")
    (url,) = re.findall(r"http://testserver/callbacks/s/[^/]+/", message.params["text"])
    assert client.get(url.replace("http://testserver", "")).status_code == 200


@pytest.mark.parametrize("path", ["unreached/", "outcome/", "preference/", "survey-link/"])
@pytest.mark.parametrize("role", [Role.GROUP, Role.ADMIN])
def test_roles_that_only_look_are_refused_calls_with_a_403(client, world, role, path):
    task = welcome_call(world)
    response = sign_in(client, world.user(role)).post(
        f"/callbacks/tasks/{task.pk}/{path}", {"result": "no_answer", "satisfaction": "satisfied"}
    )
    assert response.status_code == 403
    task.refresh_from_db()
    assert (task.status, task.attempts) == (TaskStatus.OPEN, 0)


@pytest.mark.parametrize(
    "email,preferred,label,channel",
    [
        ("wang@example.test", "email", "Send the questionnaire by e-mail instead", "email"),
        ("", "phone", "Send the questionnaire by text message instead", "sms"),
    ],
)
def test_the_questionnaire_button_names_the_channel_it_sends_by(
    client, anytime, email, preferred, label, channel
):
    from kesu.callbacks.tests.conftest import resolve
    from kesu.customers.tests.factories import CustomerFactory

    world = anytime
    customer = CustomerFactory(
        organisation=world.org,
        branch=world.branch,
        phone="13800138000",
        email=email,
        preferred_channel=preferred,
    )
    satisfaction = resolve(world, world.complaint(customer=customer)).callback_tasks.get()
    sign_in(client, world.user(Role.DIRECTOR))
    page = client.get(f"/callbacks/tasks/{satisfaction.pk}/").content.decode()
    assert label in page and f'data-survey-by="{channel}"' in page
