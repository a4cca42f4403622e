"""In a browser: a 200-character title wraps, and the dates and numbers beside it do not."""

from kesu.improvements.models import ImprovementAction
from kesu.web.tests.e2e.conftest import screenshot

LONG = "发动机异响专项整改" * 20 + "ABCDEFGHIJKLMNOPQRSTUVWXYZ" * 1


def _single_line_heights(page, selector: str) -> list[float]:
    """The height of each matching cell divided by its line height (1.0: one line)."""
    return page.eval_on_selector_all(
        selector,
        "cells => cells.map(c => { const s = getComputedStyle(c);"
        " const lh = parseFloat(s.lineHeight) || parseFloat(s.fontSize) * 1.3;"
        " const r = document.createRange(); r.selectNodeContents(c);"
        " return r.getClientRects().length ? r.getBoundingClientRect().height / lh : 0; })",
    )


def test_long_titles_wrap_and_dates_do_not(sign_in, demo):
    ImprovementAction.objects.update(title=LONG[:200])
    page = sign_in("director")
    page.goto(f"{demo.url}/improvements/")
    screenshot(page, "improvements-long-titles")
    heights = _single_line_heights(page, ".improvements-table td.nowrap")
    assert heights and max(heights) < 1.6, heights
    title_rows = _single_line_heights(page, ".improvements-table td.title")
    assert max(title_rows) > 1.6  # the title itself wraps
    first = ImprovementAction.objects.order_by("pk").first()
    page.goto(f"{demo.url}/improvements/{first.pk}/")
    screenshot(page, "improvement-long-title")
    assert max(_single_line_heights(page, ".improvements-table td.nowrap")) < 1.6
