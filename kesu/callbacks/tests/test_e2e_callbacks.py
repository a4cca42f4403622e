"""A callback specialist works through a day's list in the browser (Debian chromium + Playwright).

Three customers are due today: the first is satisfied, the second does not answer (and is
rescheduled), the third is unhappy and a new complaint is registered from the call.

The live server and the demo data come from kesu/web/tests/e2e/conftest.py (`demo`). The
browser runs in a thread of its own: Playwright's sync API allows one instance per thread,
and the session browser of kesu/web/tests/e2e may be open in this one when both run.
"""

import re
from concurrent.futures import ThreadPoolExecutor
from datetime import time, timedelta

import pytest
from django.db import connections
from django.utils import timezone

from kesu.callbacks.choices import TaskStatus
from kesu.callbacks.models import CallbackSettings, CallbackTask
from kesu.complaints.models import Complaint
from kesu.customers.services import customer_create, purchase_create
from kesu.organisation.models import Organisation, User
from kesu.web.tests.e2e.conftest import CHROMIUM, PASSWORD, demo, pytestmark  # noqa: F401

CUSTOMERS = [("钱进", "13611110001"), ("梁爽", "13611110002"), ("邓超凡", "13611110003")]


def a_days_list():
    """Three welcome calls due today for the east branch's callback specialist."""
    organisation = Organisation.objects.get(code="demo")
    # Any hour will do, so that the test does not depend on when it runs.
    CallbackSettings.objects.filter(organisation=organisation).update(
        call_from=time(0, 0), call_until=time(23, 59), rest_from=None, rest_until=None,
        working_days_only=False,
    )  # fmt: skip
    frontline = User.objects.get(username="frontline")
    yesterday = timezone.localdate() - timedelta(days=1)
    tasks = []
    for name, phone in CUSTOMERS:
        customer = customer_create(actor=frontline, name=name, phone=phone, branch=frontline.branch)
        purchase = purchase_create(
            actor=frontline,
            customer=customer,
            kind="order",
            product="途观L 2025款",
            branch=frontline.branch,
            order_effective_on=yesterday,
        )
        tasks.append(CallbackTask.objects.get(purchase=purchase))
    return tasks


@pytest.fixture
def as_user(demo):  # noqa: F811
    """as_user(username, steps): run steps(page) with a signed-in page, in a thread of its own."""

    def run(username: str, steps):
        def body():
            from playwright.sync_api import sync_playwright

            try:
                with sync_playwright() as p:
                    browser = p.chromium.launch(
                        executable_path=CHROMIUM,
                        args=["--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
                              "--disable-background-networking", "--disable-component-update",
                              "--disable-sync"],
                    )  # fmt: skip
                    try:
                        context = browser.new_context(
                            locale="zh-CN", viewport={"width": 1360, "height": 900}
                        )
                        page = context.new_page()
                        page.set_default_timeout(15_000)
                        page.goto(f"{demo.url}/login/")
                        page.fill("#id_username", username)
                        page.fill("#id_password", PASSWORD)
                        page.click("button[type=submit]")
                        page.wait_for_url(f"{demo.url}/")
                        return steps(page)
                    finally:
                        browser.close()
            finally:
                connections.close_all()  # this thread's database connection

        with ThreadPoolExecutor(max_workers=1) as pool:
            return pool.submit(body).result()

    return run


def test_a_specialist_works_through_the_days_list(as_user, demo):  # noqa: F811
    first, second, third = a_days_list()
    as_user("callback", lambda page: work_through(page, demo.url, first, second, third))


def work_through(page, base, first, second, third):
    page.click("header nav a[href='/callbacks/']")
    page.wait_for_url(f"{base}/callbacks/")
    rows = page.locator("#callback-list tbody tr")
    names = [rows.nth(i).locator("td").nth(1).locator("strong").inner_text() for i in range(3)]
    assert names == [name for name, _phone in CUSTOMERS]
    # Full numbers for the specialist, who dials them.
    assert "136 1111 0001" in page.inner_text("#callback-list")

    # 1. Reached and satisfied: recorded in one form, straight on to the next customer.
    page.click(f"tr[data-task='{first.pk}'] a.btn")
    page.wait_for_url(f"{base}/callbacks/tasks/{first.pk}/")
    assert page.is_visible("#script")
    page.check("#reached-form input[name=satisfaction][value=satisfied]")
    page.check("#reached-form input[name=score][value='5']")
    page.fill("#notes", "对销售顾问的服务很满意")
    with page.expect_navigation():
        page.click("#save-outcome")
    assert page.url == f"{base}/callbacks/tasks/{second.pk}/"
    assert "钱进" in page.inner_text(".messages")

    # 2. No answer: tried again later by rule, and the next customer comes up.
    with page.expect_navigation():
        page.click("#unreached-form button[value=no_answer]")
    assert page.url == f"{base}/callbacks/tasks/{third.pk}/"
    second.refresh_from_db()
    assert second.status == TaskStatus.OPEN and second.attempts == 1
    assert second.call_from > timezone.now() + timedelta(minutes=100)

    # 3. Unhappy: a new complaint is registered from the call, linked and prefilled.
    page.check("#reached-form input[name=satisfaction][value=dissatisfied]")
    page.click("#raise-complaint summary")
    page.check("#raise-complaint input[name=raise_complaint]")
    page.fill("#complaint-title", "交车日期一再推迟")
    page.fill("#complaint-account", "订单生效时说两周交车，现在又说要等一个月。")
    page.select_option("#complaint-demand", "explanation")
    with page.expect_navigation():
        page.click("#save-outcome")
    third.refresh_from_db()
    assert third.status == TaskStatus.DONE and third.satisfaction == "dissatisfied"
    complaint = Complaint.objects.get(pk=third.raised_complaint_id)
    assert complaint.channel == "callback" and complaint.customer_id == third.customer_id
    assert complaint.purchase_id == third.purchase_id and complaint.title == "交车日期一再推迟"
    assert complaint.number in page.inner_text(".messages")

    # The list now: the two calls done today (and the demo's verified complaint, which the
    # specialist settled on the complaint's page), the unreached customer still to call.
    page.goto(f"{base}/callbacks/")
    done = CallbackTask.objects.filter(
        completed_by__username="callback", status=TaskStatus.DONE
    ).count()
    assert done >= 2 and page.inner_text("#count-done").strip() == str(done)
    if second.call_from < timezone.now().replace(hour=23, minute=59):
        row = page.locator(f"tr[data-task='{second.pk}']")
        if row.count():
            assert row.locator("td").nth(5).inner_text().strip() == "1"
    first.refresh_from_db()
    assert first.status == TaskStatus.DONE and first.score == 5

    # The complaint raised during the call is a normal complaint in the workspace.
    page.goto(f"{base}/complaints/{complaint.pk}/")
    assert complaint.number in page.inner_text("h1")
    assert re.search(r"#\d+", page.inner_text(".facts"))
