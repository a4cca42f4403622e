"""A complaint department at work (issue 11): routed to the right people, who are told, and the
group's level above the branch, in a real browser."""

from kesu.complaints.choices import EscalationLevel, State
from kesu.complaints.models import Complaint
from kesu.web.tests.e2e.conftest import screenshot
from kesu.web.tests.e2e.test_procedure import do_move, open_complaint


def _inbox_text(page, url) -> str:
    page.goto(f"{url}/inbox/")
    return page.inner_text("main")


def test_a_sales_complaint_reaches_the_sales_director_who_is_told(sign_in, demo):
    frontline = sign_in("frontline")
    frontline.click("[data-shortcut=new]")
    frontline.fill("#id_phone", "137 0000 2222")
    frontline.wait_for_selector("#lookup .lookup-result")
    frontline.fill("#id_customer_name", "钱七")
    frontline.fill("#id_category", "销售")
    frontline.dispatch_event("#id_category", "change")
    frontline.wait_for_selector("#route-preview strong:has-text('销售部')")
    preview = frontline.inner_text("#route-preview")
    assert "赵敏" in preview  # the sales director, by name, before saving
    frontline.fill("#id_title", "承诺的原厂脚垫没有兑现")
    frontline.fill("#id_account", "提车时说好送原厂脚垫，到现在也没给。")
    screenshot(frontline, "intake-route-preview")
    with frontline.expect_navigation():
        frontline.click("button[type=submit]")
    complaint = Complaint.objects.get(title="承诺的原厂脚垫没有兑现")
    assert complaint.department.code == "sales" and complaint.routed_by is not None

    director = sign_in("sales_handler")
    assert complaint.number in director.inner_text("#q-waiting")
    inbox = _inbox_text(director, demo.url)
    assert complaint.number in inbox and "分派到本部门" in inbox
    screenshot(director, "inbox-routed-sales")
    # The customer director heard of the new complaint too.
    assert complaint.number in _inbox_text(sign_in("director"), demo.url)


def test_a_reopen_reaches_the_general_managers_inbox(sign_in, demo):
    complaint = Complaint.objects.filter(branch__code="east", state=State.RESOLVED).first()
    callback = sign_in("callback")
    open_complaint(callback, demo.url, complaint.pk)
    do_move(callback, "reopen", reason="客户说问题又出现了，仍不满意")
    complaint.refresh_from_db()
    assert complaint.state == State.INVESTIGATING
    inbox = _inbox_text(sign_in("gm"), demo.url)
    assert complaint.number in inbox and "客户仍不满意" in inbox


def test_an_escalation_reaches_the_group_which_sends_it_back(sign_in, demo):
    complaint = Complaint.objects.filter(
        branch__code="east", state=State.INVESTIGATING, escalation_level__lt=EscalationLevel.GROUP
    ).first()
    gm = sign_in("gm")
    open_complaint(gm, demo.url, complaint.pk)
    do_move(gm, "escalate", level=str(EscalationLevel.GROUP.value), reason="需集团协调厂家")

    group = sign_in("group")
    assert complaint.number in group.inner_text("#q-waiting")
    assert complaint.number in _inbox_text(group, demo.url)
    open_complaint(group, demo.url, complaint.pk)
    do_move(group, "send_back", instructions="请三日内与客户面谈，结果报集团")
    complaint.refresh_from_db()
    assert complaint.escalation_level == EscalationLevel.GENERAL_MANAGER
    assert "请三日内与客户面谈" in group.inner_text(".timeline")
    screenshot(group, "sent-back-by-group")

    inbox = _inbox_text(sign_in("gm"), demo.url)
    assert complaint.number in inbox and "请三日内与客户面谈" in inbox
