"""A complaint's life in the browser, as staff live it (issue: the staff workspace)."""

import re

from kesu.complaints.choices import EscalationLevel, State
from kesu.complaints.models import Complaint
from kesu.web.tests.e2e.conftest import PASSWORD, screenshot

XSS = '<script>window.__xss=1</script><img src=x onerror="window.__xss=1">'


def open_complaint(page, base_url, complaint_id):
    page.goto(f"{base_url}/complaints/{complaint_id}/")


def do_move(page, name: str, **fields):
    """Open the move's panel, fill its fields, submit and wait for the page to come back."""
    page.click(f"#move-{name} summary")
    for field, value in fields.items():
        selector = f"#move-{name} [name={field}]"
        tag = page.eval_on_selector(selector, "el => el.tagName")
        if tag == "SELECT":
            if isinstance(value, dict):
                page.select_option(selector, **value)
            else:
                page.select_option(selector, value)
        else:
            page.fill(selector, value)
    with page.expect_navigation():
        page.click(f"#move-{name} button[type=submit]")


def tick(page, item: str) -> None:
    """Tick a checklist item (a move the organisation requires it for is refused otherwise)."""
    form = f"form:has(input[name=item][value={item}])"
    with page.expect_response(lambda r: "/checklist/" in r.url):
        page.check(f"#checklist {form} input[type=checkbox]")
    page.wait_for_selector(f"#checklist li.done {form}")


def state_of(complaint_id) -> str:
    return Complaint.objects.get(pk=complaint_id).state


def complaint_id_from(page) -> int:
    return int(re.search(r"/complaints/(\d+)/", page.url).group(1))


def test_intake_by_phone_to_closure(sign_in, demo):
    frontline = sign_in("frontline")
    screenshot(frontline, "my-work")

    # Intake while the customer is on the phone: the number finds them and their vehicle.
    frontline.click("[data-shortcut=new]")
    frontline.fill("#id_phone", "138 1234 5678")
    frontline.wait_for_selector("#lookup .lookup-result")
    assert "张伟" in frontline.inner_text("#lookup")
    frontline.select_option("#id_demand", "repair")
    frontline.fill("#id_category", "车辆质量 › 发动机")
    frontline.fill("#id_title", "怠速抖动")
    frontline.fill("#id_account", "早上冷车启动后怠速抖得厉害，方向盘都在震。")
    screenshot(frontline, "intake")
    with frontline.expect_navigation():
        frontline.click("button[type=submit]")

    # The read-back, then the customer's confirmation.
    assert "readback=1" in frontline.url
    assert frontline.is_visible(".readback")
    complaint_id = complaint_id_from(frontline)
    number = Complaint.objects.get(pk=complaint_id).number
    assert number in frontline.inner_text(".readback")
    screenshot(frontline, "read-back")
    do_move(frontline, "confirm", method="recorded_consent")
    assert state_of(complaint_id) == State.CONFIRMED
    tick(frontline, "read_back")
    do_move(frontline, "hand_over", to_user={"label": "售后服务总监 张强"})

    handler = sign_in("handler")
    open_complaint(handler, demo.url, complaint_id)
    do_move(handler, "start_investigation", note="已安排技师检查")
    do_move(
        handler,
        "propose_solution",
        solution="清洗节气门并更换点火线圈，免费。",
        compensation_type="free_repair",
    )
    assert state_of(complaint_id) == State.SOLUTION_PROPOSED

    open_complaint(frontline, demo.url, complaint_id)
    do_move(frontline, "accept_solution", note="客户电话同意")
    open_complaint(handler, demo.url, complaint_id)
    do_move(handler, "resolve", result="已更换点火线圈，试车正常，已告知客户。")
    assert state_of(complaint_id) == State.RESOLVED

    callback = sign_in("callback")
    assert number in callback.inner_text("#q-waiting")  # the satisfaction callback is due
    open_complaint(callback, demo.url, complaint_id)
    do_move(callback, "verify", satisfaction="satisfied", note="客户表示满意")

    director = sign_in("director")
    open_complaint(director, demo.url, complaint_id)
    tick(director, "told_result")
    tick(director, "summary")
    do_move(director, "close", summary="点火线圈批次问题，已反馈厂家")
    assert state_of(complaint_id) == State.CLOSED
    assert "已关闭" in director.inner_text("h1 + p")
    screenshot(director, "complaint-closed")
    director.goto(f"{demo.url}/complaints/")
    screenshot(director, "complaint-list")


def test_an_unsatisfied_customer_reaches_the_general_manager(sign_in, demo):
    from kesu.complaints import workflow
    from kesu.complaints.checklist import checklist_tick
    from kesu.organisation.models import User

    handler = User.objects.get(username="handler")
    # A case of the after-sales department, which its handling manager works.
    complaint = (
        Complaint.objects.filter(
            department=handler.department,
            state__in=[State.REGISTERED, State.CONFIRMED, State.INVESTIGATING],
        )
        .order_by("pk")
        .first()
    )
    frontline = User.objects.get(username="frontline")
    # Bring a case to "resolved" quickly; the browser takes over for the callback.
    if complaint.state == State.REGISTERED:
        workflow.complaint_confirm(complaint_id=complaint.pk, actor=frontline, method="signature")
    complaint.refresh_from_db()
    if complaint.state == State.CONFIRMED:
        checklist_tick(complaint=complaint, actor=frontline, item="read_back", done=True)
        workflow.complaint_start_investigation(complaint_id=complaint.pk, actor=handler)
    workflow.complaint_propose_solution(
        complaint_id=complaint.pk, actor=handler, solution="更换脚垫"
    )
    workflow.complaint_accept_solution(complaint_id=complaint.pk, actor=frontline)
    workflow.complaint_resolve(complaint_id=complaint.pk, actor=handler, result="已送达")

    callback = sign_in("callback")
    open_complaint(callback, demo.url, complaint.pk)
    do_move(callback, "reopen", reason="客户说送来的脚垫型号不对，仍不满意")
    complaint.refresh_from_db()
    assert complaint.state == State.INVESTIGATING
    assert complaint.escalation_level == EscalationLevel.GENERAL_MANAGER

    gm = sign_in("gm")
    assert complaint.number in gm.inner_text("#q-assigned")
    open_complaint(gm, demo.url, complaint.pk)
    assert "总经理" in gm.inner_text("h1 + p")
    screenshot(gm, "reopened-for-gm")


def test_a_validation_error_or_a_lost_session_loses_nothing(sign_in, demo, browser):
    page = sign_in("frontline")
    page.goto(f"{demo.url}/complaints/new/")
    page.fill("#id_phone", "139 8888 7777")
    page.fill("#id_customer_name", "孙八")
    page.fill("#id_account", "车窗升降时有异响，已经两周了。")
    # No summary: the server refuses, and everything typed is still there.
    with page.expect_navigation():
        page.click("button[type=submit]")
    assert page.is_visible(".field-error #id_title")
    assert page.input_value("#id_phone") == "139 8888 7777"
    assert page.input_value("#id_customer_name") == "孙八"
    assert page.input_value("#id_account") == "车窗升降时有异响，已经两周了。"

    # The session expires while typing the rest: signing in again brings the draft back.
    page.fill("#id_title", "车窗异响")
    page.context.clear_cookies(name="sessionid")
    with page.expect_navigation():
        page.click("button[type=submit]")
    assert "/login/" in page.url
    page.fill("#id_username", "frontline")
    page.fill("#id_password", PASSWORD)
    with page.expect_navigation():
        page.click("button[type=submit]")
    page.goto(f"{demo.url}/complaints/new/")
    assert page.is_visible("[data-draft-note]")
    assert page.input_value("#id_account") == "车窗升降时有异响，已经两周了。"
    assert page.input_value("#id_title") == "车窗异响"
    with page.expect_navigation():
        page.click("button[type=submit]")
    assert Complaint.objects.filter(title="车窗异响", customer__name="孙八").exists()


def test_script_in_every_free_text_field_stays_inert(sign_in, demo):
    page = sign_in("frontline")
    page.goto(f"{demo.url}/complaints/new/")
    page.fill("#id_phone", "137 6666 5555")
    page.fill("#id_customer_name", XSS)
    page.fill("#id_title", XSS)
    page.fill("#id_account", XSS)
    page.fill("#id_demand_detail", XSS)
    with page.expect_navigation():
        page.click("button[type=submit]")
    complaint_id = complaint_id_from(page)
    page.fill("#note-text", XSS)
    with page.expect_navigation():
        page.click("form[action$='/notes/'] button[type=submit]")
    do_move(page, "withdraw", reason=XSS)

    for url in [
        f"/complaints/{complaint_id}/",
        "/complaints/",
        "/",
        f"/complaints/?q={complaint_id}",
    ]:
        page.goto(f"{demo.url}{url}")
        assert page.evaluate("window.__xss") is None, url
    page.goto(f"{demo.url}/complaints/{complaint_id}/")
    assert "<script>window.__xss=1</script>" in page.inner_text("main")
