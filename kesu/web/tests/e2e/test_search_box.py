"""The search box's placeholder is readable in full, in Chinese and English, on common screens."""

import pytest

from kesu.web.tests.e2e.conftest import PASSWORD

# How much of the field the placeholder needs, against the room the field has for text.
MEASURE = """sel => {
  const input = document.querySelector(sel);
  const style = getComputedStyle(input);
  const pen = document.createElement('canvas').getContext('2d');
  pen.font = style.font;
  const bar = document.querySelector('.topbar');
  return {
    text: pen.measureText(input.placeholder).width,
    room: input.clientWidth - parseFloat(style.paddingLeft) - parseFloat(style.paddingRight),
    placeholder: input.placeholder,
    barOverflow: bar.scrollWidth - bar.clientWidth,
  };
}"""


@pytest.mark.parametrize("width", [1360, 1024])
@pytest.mark.parametrize("locale", ["zh-CN", "en-US"])
def test_placeholder_fits(browser, demo, locale, width):
    # The director has the most links in the bar; the group centre the longest branch label.
    for username in ("director", "group", "frontline"):
        context = browser.new_context(locale=locale, viewport={"width": width, "height": 800})
        page = context.new_page()
        page.goto(f"{demo.url}/login/")
        page.fill("#id_username", username)
        page.fill("#id_password", PASSWORD)
        page.click("button[type=submit]")
        page.wait_for_url(f"{demo.url}/")
        page.goto(f"{demo.url}/complaints/")
        for selector in (".topbar .search-box input", "#f-q"):
            got = page.evaluate(MEASURE, selector)
            assert got["placeholder"], (username, selector)
            assert got["text"] <= got["room"], (username, locale, width, selector, got)
            assert got["barOverflow"] <= 0, (username, locale, width, got)
        top = page.locator(".topbar .search-box input").bounding_box()
        assert top["width"] >= 200
        context.close()
