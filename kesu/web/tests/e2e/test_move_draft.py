"""A move form's typed text survives an expired session: the sign-in brings the user back to
the complaint (not to the form's POST-only address), where the form opens with the draft."""

from kesu.complaints.choices import State
from kesu.complaints.selectors import complaints_visible_to
from kesu.organisation.models import User
from kesu.web.tests.e2e.conftest import PASSWORD


def test_a_solution_typed_before_the_session_expired_is_not_lost(sign_in, demo):
    handler = User.objects.get(username="handler")
    complaint = complaints_visible_to(handler).filter(state=State.INVESTIGATING).first()
    assert complaint is not None
    page = sign_in("handler")
    page.goto(f"{demo.url}/complaints/{complaint.pk}/")
    page.click("#move-propose_solution summary")
    page.fill("#propose_solution-solution", "更换左前刹车片并免费复检")

    page.context.clear_cookies(name="sessionid")  # the session expires while typing
    page.click("#move-propose_solution button[type=submit]")
    page.wait_for_url("**/login/**")
    page.fill("#id_username", "handler")
    page.fill("#id_password", PASSWORD)
    page.click("button[type=submit]")

    page.wait_for_url(f"{demo.url}/complaints/{complaint.pk}/")
    assert page.is_visible("#propose_solution-solution")  # the form opened again
    assert page.input_value("#propose_solution-solution") == "更换左前刹车片并免费复检"
