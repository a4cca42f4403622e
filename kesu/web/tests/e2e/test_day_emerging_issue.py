"""The director hears of an emerging issue (issue 13, item 5) in a real browser: the inbox's
message opens the cluster page, with its complaints, its daily trend and the buttons."""

from kesu.web.tests.e2e.conftest import screenshot


def test_the_director_opens_the_cluster_from_the_inbox_and_starts_an_improvement(sign_in, demo):
    director = sign_in("director")
    director.goto(f"{demo.url}/inbox/")
    row = director.locator("tr", has_text="新发问题：冷启动正时链条异响")
    with director.expect_navigation():
        row.locator("button").click()
    assert "/emerging/" in director.url
    assert director.locator("#trend svg rect").count() >= 7
    assert director.locator("#complaints tbody tr").count() >= 4
    assert director.locator("#actions button", has_text="发起改进措施").is_visible()
    assert director.locator("#actions button", has_text="启动危机处理").is_visible()
    screenshot(director, "emerging-issue")
    with director.expect_navigation():
        director.click("#actions button:has-text('发起改进措施')")
    assert "/improvements/" in director.url and director.url.endswith("/edit/")


def test_frontline_staff_have_no_menu_entry_for_it(sign_in, demo):
    frontline = sign_in("frontline")
    assert frontline.locator("nav a", has_text="新发问题").count() == 0
