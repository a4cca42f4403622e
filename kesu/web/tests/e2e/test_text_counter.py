"""The "typed / limit" counter next to a long text, live in the browser under the strict
script policy (kesu.js, data-counter): counted as the server counts, line breaks once."""

from kesu.complaints import limits


def test_the_account_counter_follows_what_is_typed(sign_in):
    page = sign_in("frontline")
    page.click("[data-shortcut=new]")
    counter = page.locator("#id_account-count")
    assert counter.inner_text() == f"0 / {limits.ACCOUNT}"
    page.fill("#id_account", "车窗\n关不严😀")
    # 2 + 1 (one line break) + 3 + 1 (an emoji is one character, as Python counts it)
    assert counter.inner_text() == f"7 / {limits.ACCOUNT}"
    page.keyboard.press("End")
    page.type("#id_account", "了")
    assert counter.inner_text() == f"8 / {limits.ACCOUNT}"
    assert page.get_attribute("#id_account", "maxlength") == str(limits.ACCOUNT)
    # Emptied by discarding the draft, the counter goes back to nought.
    page.reload()
    page.wait_for_selector("[data-draft-note]:not([hidden])")
    assert counter.inner_text() == f"8 / {limits.ACCOUNT}"  # the restored draft is counted
    page.keyboard.press("Alt+d")
    page.wait_for_selector("[data-draft-note]", state="hidden")
    assert counter.inner_text() == f"0 / {limits.ACCOUNT}"
