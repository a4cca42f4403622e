"""On a phone (390 px wide) no page is wider than the screen: the bar wraps, wide lists scroll
inside their own box. A page that widens the whole document is found here, whatever made it."""

import pytest

from kesu.web.tests.e2e.conftest import PASSWORD

PHONE = {"width": 390, "height": 844}
# The pages a manager opens away from the desk, and the wide ones.
PAGES = ["/", "/complaints/", "/callbacks/", "/reports/monthly/", "/improvements/", "/lessons/",
         "/crises/"]  # fmt: skip
OVERFLOW = "() => document.scrollingElement.scrollWidth - document.scrollingElement.clientWidth"


@pytest.mark.parametrize("locale", ["zh-CN", "en-US"])
def test_no_page_is_wider_than_a_phone(browser, demo, locale):
    context = browser.new_context(locale=locale, viewport=PHONE)
    page = context.new_page()
    page.goto(f"{demo.url}/login/")
    assert page.evaluate(OVERFLOW) <= 0, "the sign-in page"
    page.fill("#id_username", "director")
    page.fill("#id_password", PASSWORD)
    page.click("button[type=submit]")
    page.wait_for_url(f"{demo.url}/")
    from kesu.complaints.models import Complaint
    from kesu.crises.models import Crisis
    from kesu.organisation.models import User

    director = User.objects.get(username="director")
    newest = Complaint.objects.filter(branch_id=director.branch_id).order_by("-id").first()
    crisis = Crisis.objects.filter(branch_id=director.branch_id).first()
    wide = {}
    for path in [*PAGES, f"/complaints/{newest.pk}/", f"/crises/{crisis.pk}/"]:
        page.goto(f"{demo.url}{path}")
        overflow = page.evaluate(OVERFLOW)
        if overflow > 0:
            wide[path] = overflow
    context.close()
    assert not wide, f"pages wider than the phone's {PHONE['width']} px, by px: {wide}"
