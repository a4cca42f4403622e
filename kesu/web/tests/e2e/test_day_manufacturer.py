"""A complaint the manufacturer forwarded, in the browser: the intake shows the third party's
fields for a forwarding channel only, and the customer director records the manufacturer's
answer and the feedback sent back, which meets the feedback deadline."""

from kesu.complaints.models import Complaint
from kesu.sla.choices import MilestoneKind, MilestoneStatus
from kesu.web.tests.e2e.conftest import screenshot


def test_the_intake_asks_for_the_reference_only_for_forwarded_complaints(sign_in, demo):
    frontline = sign_in("frontline")
    frontline.goto(f"{demo.url}/complaints/new/")
    fields = frontline.locator("#third-party-fields")
    assert fields.is_hidden()  # a phone call by default
    frontline.select_option("#id_channel", "12315")
    assert fields.is_visible()
    frontline.fill("#id_third_party_reference", "GD2026120100815")
    frontline.select_option("#id_channel", "phone")
    assert fields.is_visible()  # what was typed is never hidden
    frontline.fill("#id_third_party_reference", "")
    frontline.select_option("#id_channel", "walk_in")
    assert fields.is_hidden()


def test_the_director_answers_for_the_manufacturer_and_reports_back(sign_in, demo):
    director = sign_in("director")
    complaint = Complaint.objects.get(
        branch__code="east", channel="manufacturer", third_party_reference="CRM-2026-008152"
    )
    url = f"{demo.url}/complaints/{complaint.pk}/"
    director.goto(url)
    assert "CRM-2026-008152" in director.inner_text("#third-party-reference")
    panel = director.locator("#manufacturer")
    assert "要求反馈" in panel.inner_text()  # the maker's answer asked for a report back
    screenshot(director, "complaint-manufacturer")
    director.click("#maker-feedback summary")
    director.fill("#maker-feedback-text", "已按技术通报更换三元催化器，故障灯熄灭，客户认可。")
    with director.expect_navigation():
        director.click("#maker-feedback button[type=submit]")
    assert director.url == url
    assert "已记录反馈给厂家的内容" in director.inner_text(".messages")
    feedback = complaint.milestones.get(kind=MilestoneKind.MANUFACTURER_FEEDBACK)
    assert feedback.status == MilestoneStatus.MET
    assert "已反馈厂家" in director.inner_text(".timeline")
