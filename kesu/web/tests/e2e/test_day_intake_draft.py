"""Intake drafts in the browser: a draft left by an abandoned call never corrupts the next one
(issue 8), and "add to this complaint" hands what was typed to the open complaint."""

import json
import re
import time

from kesu.audit.models import AuditEntry
from kesu.complaints.models import Complaint
from kesu.web.tests.e2e.conftest import PASSWORD, screenshot

DRAFT_KEY_JS = "'kesu-draft:' + document.body.dataset.user + ':intake'"  # the user's own


def field(page, name: str) -> str:
    return page.input_value(f"[name={name}]")


def stored_draft(page):
    raw = page.evaluate(f"localStorage.getItem({DRAFT_KEY_JS})")
    return json.loads(raw) if raw else None


def test_an_abandoned_draft_is_announced_and_discarded_in_one_key(sign_in, demo):
    page = sign_in("frontline")
    page.click("[data-shortcut=new]")
    page.type("#id_phone", "15011112222")
    page.fill("#id_account", "第一通电话：客户说车窗关不严。")
    page.wait_for_selector("#lookup .lookup-result")
    assert stored_draft(page)["fields"]["phone"] == "15011112222"

    # The call is abandoned; the next call opens a new intake.
    page.click("[data-shortcut=work]")
    page.wait_for_url(f"{demo.url}/")
    page.click("[data-shortcut=new]")
    page.wait_for_selector("[data-draft-note]:not([hidden])")
    note = page.inner_text("[data-draft-note]")
    assert "15011112222" in note and "丢弃" in note and "Alt+D" in note
    assert re.search(r"\b\d{2}:\d{2}\b", note)  # when it was typed
    assert field(page, "phone") == "15011112222"  # restored once, not doubled
    assert field(page, "account") == "第一通电话：客户说车窗关不严。"
    screenshot(page, "intake-draft-restored")

    # Alt+D discards it: the form is empty, the draft gone, the phone field ready.
    page.keyboard.press("Alt+d")
    page.wait_for_selector("[data-draft-note]", state="hidden")
    for name in ["phone", "account", "title", "customer_name", "demand_detail"]:
        assert field(page, name) == "", name
    assert page.inner_text("#lookup").strip() == ""
    assert stored_draft(page) is None
    assert page.evaluate("document.activeElement.id") == "id_phone"

    # A new phone typed after discarding is exactly what was typed.
    page.keyboard.type("13987654321")
    assert field(page, "phone") == "13987654321"
    page.wait_for_selector("#lookup .lookup-result")
    assert "李秀英" in page.inner_text("#lookup")

    # Leaving again and coming back restores that phone, once; typing straight away replaces it.
    page.goto(f"{demo.url}/complaints/new/")
    page.wait_for_selector("[data-draft-note]:not([hidden])")
    assert field(page, "phone") == "13987654321"
    page.keyboard.type("13812345678")
    assert field(page, "phone") == "13812345678"


def test_old_and_stale_drafts_are_dropped(sign_in, demo):
    page = sign_in("frontline")
    page.goto(f"{demo.url}/complaints/new/")
    five_hours_ago = int((time.time() - 5 * 3600) * 1000)
    stale = {"v": 2, "savedAt": five_hours_ago, "fields": {"phone": "15011112222"}}
    for draft in [stale, {"phone": "15011112222", "account": "旧格式"}]:
        page.evaluate(f"localStorage.setItem({DRAFT_KEY_JS}, {json.dumps(json.dumps(draft))})")
        page.reload()
        assert page.is_hidden("[data-draft-note]")
        assert field(page, "phone") == "" and field(page, "account") == ""
        assert stored_draft(page) is None


def test_a_restored_draft_never_appends_to_a_filled_field(sign_in, demo):
    page = sign_in("frontline")
    page.goto(f"{demo.url}/complaints/new/")
    now = int(time.time() * 1000)
    draft = {"v": 2, "savedAt": now, "fields": {"phone": "15011112222", "title": "旧摘要"}}
    page.evaluate(f"localStorage.setItem({DRAFT_KEY_JS}, {json.dumps(json.dumps(draft))})")
    # A page that comes back from the server with the phone filled (e.g. after an error).
    page.route(
        f"{demo.url}/complaints/new/",
        lambda route: route.fulfill(
            response=route.fetch(),
            body=route.fetch()
            .text()
            .replace('id="id_phone"', 'id="id_phone" value="13812345678"', 1),
        ),
    )
    page.reload()
    assert field(page, "phone") == "13812345678"
    assert field(page, "title") == "旧摘要"


def test_add_to_the_open_complaint_from_intake(sign_in, demo):
    page = sign_in("frontline")
    page.click("[data-shortcut=new]")
    page.fill("#id_phone", "138 1234 5678")
    page.wait_for_selector("#lookup .duplicate")
    page.fill("#id_title", "客户再次来电催问")
    page.fill("#id_account", "异响还在，想知道什么时候能修好。")
    button = page.locator("#lookup [data-add-to]").first
    assert button.inner_text() == "补充到这条投诉"
    target = int(button.get_attribute("data-add-to").split("/")[2])
    with page.expect_navigation():
        button.click()
    assert page.url.startswith(f"{demo.url}/complaints/{target}/")
    assert "异响还在，想知道什么时候能修好。" in page.inner_text("body")
    note = AuditEntry.objects.get(complaint_id=target, action="note")
    assert "客户再次来电催问" in note.data["text"]
    assert stored_draft(page) is None
    # Nothing was registered, and the next intake starts empty.
    assert not Complaint.objects.filter(title="客户再次来电催问").exists()
    page.click("[data-shortcut=new]")
    assert page.is_hidden("[data-draft-note]") and field(page, "phone") == ""


def test_a_draft_is_never_restored_for_the_next_user_of_the_browser(sign_in, demo):
    page = sign_in("frontline")
    page.click("[data-shortcut=new]")
    page.type("#id_phone", "15011112222")
    page.fill("#id_account", "东城客户的陈述")
    page.wait_for_selector("#lookup .lookup-result")
    assert stored_draft(page) is not None
    # An old unowned draft (first version) is not handed to anyone either.
    page.evaluate(
        "localStorage.setItem('kesu-draft:intake', JSON.stringify({v: 2, savedAt: Date.now(), fields: {phone: '13700000000'}}))"
    )
    with page.expect_navigation():
        page.click("form[action='/logout/'] button")
    page.fill("#id_username", "west_frontline")
    page.fill("#id_password", PASSWORD)
    with page.expect_navigation():
        page.click("button[type=submit]")
    page.goto(f"{demo.url}/complaints/new/")
    assert page.is_hidden("[data-draft-note]")
    assert field(page, "phone") == "" and field(page, "account") == ""
    assert page.evaluate("localStorage.getItem('kesu-draft:intake')") is None
