"""The group customer centre registers a complaint for a branch (issue 8)."""

from kesu.complaints.models import Complaint
from kesu.web.tests.e2e.conftest import screenshot


def test_group_registers_for_the_west_branch(sign_in, demo):
    page = sign_in("group")
    page.click("[data-shortcut=new]")
    assert page.is_visible("#id_branch")
    page.fill("#id_phone", "137 0000 1111")
    page.wait_for_selector("#lookup .lookup-result")
    page.fill("#id_customer_name", "周杰")
    page.fill("#id_title", "西城店交车延误")
    page.fill("#id_account", "约好周六交车，到店才说车还没到。")

    # Without a branch: told so in words, with nothing lost.
    with page.expect_navigation():
        page.click("button[type=submit]")
    body = page.inner_text("body")
    assert "请选择投诉所属门店" in body
    assert "branch" not in body.lower()
    assert page.input_value("#id_account") == "约好周六交车，到店才说车还没到。"
    page.wait_for_selector("#lookup .lookup-result")  # the phone is looked up again
    screenshot(page, "intake-group-branch")

    page.select_option("#id_branch", label="华辰汽车 西城4S店")
    with page.expect_navigation():
        page.click("button[type=submit]")
    assert "readback=1" in page.url
    complaint = Complaint.objects.get(title="西城店交车延误")
    assert complaint.branch.code == "west"
    assert complaint.number in page.inner_text(".readback")


def test_branch_staff_see_no_branch_field(sign_in, demo):
    page = sign_in("west_frontline")
    page.click("[data-shortcut=new]")
    assert page.locator("#id_branch").count() == 0
