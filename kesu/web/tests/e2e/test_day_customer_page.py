"""A callback specialist on a call goes to the customer's page, changes when the customer
wants to be called and how to reach them, saves, and sees both, with the changes recorded."""

from kesu.audit.models import AuditEntry
from kesu.callbacks.choices import TaskStatus
from kesu.callbacks.models import CallbackTask, CustomerCallPreference
from kesu.web.tests.e2e.conftest import screenshot


def test_a_caller_updates_the_customer_from_the_call(sign_in, demo):
    # An open call of the east branch (today's list depends on the hour: opened by address).
    task = (
        CallbackTask.objects.filter(branch__code="east", status=TaskStatus.OPEN, role="callback")
        .order_by("call_from")
        .first()
    )
    customer = task.customer
    page = sign_in("callback")
    page.goto(f"{demo.url}/callbacks/tasks/{task.pk}/")

    page.click("#customer-page-link")
    page.wait_for_url(f"{demo.url}/customers/{customer.pk}/")
    assert customer.name in page.inner_text("h1")
    assert "客户资料" in page.inner_text("#customer-details")
    assert f"/callbacks/tasks/{task.pk}/" in page.inner_html("#customer-callbacks")

    # When to call: weekday evenings.
    page.click("#preference-form summary")
    page.fill("#pref-from", "18:00")
    page.fill("#pref-until", "20:00")
    for day in "12345":
        page.check(f"#preference-form input[name=days][value='{day}']")
    with page.expect_navigation():
        page.click("#save-preference")
    assert page.inner_text("#pref-window") == "18:00–20:00"
    assert page.inner_text("#pref-days") == "星期一至星期五"
    assert "已记录联系偏好" in page.inner_text("#customer-history")
    pref = CustomerCallPreference.objects.get(customer=customer)
    assert (pref.window_from.hour, pref.window_until.hour, pref.days) == (18, 20, "12345")

    # How to reach them: WeChat; and a bad birthday first.
    page.click("#edit-customer")
    page.fill("#id_birthday", "1850-01-01")
    page.select_option("#id_preferred_channel", "wechat")
    with page.expect_navigation():
        page.click("#save-customer")
    assert "请填写 1900-01-01 至今天之间的日期。" in page.inner_text("main")
    page.fill("#id_birthday", "1988-06-01")
    with page.expect_navigation():
        page.click("#save-customer")
    assert page.url == f"{demo.url}/customers/{customer.pk}/"
    assert page.inner_text("#preferred-channel") == "微信"
    history = page.inner_text("#customer-history")
    assert "客户资料已修改" in history and "首选联系方式" in history and "微信" in history
    entry = AuditEntry.objects.filter(action="customer_update", object_id=customer.pk).last()
    assert entry.data["changes"]["preferred_channel"] == [customer.preferred_channel, "wechat"]
    screenshot(page, "customer-page-zh")

    english = sign_in("callback", locale="en-US")
    english.goto(f"{demo.url}/customers/{customer.pk}/")
    assert "Calling preference" in english.inner_text("#calling-preference")
    assert english.inner_text("#pref-days") == "Mon to Fri"
    screenshot(english, "customer-page-en")
