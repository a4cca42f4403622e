"""A customer on a phone (375×740, as inside WeChat) uses the portal: files a complaint with a
photo, tracks it with a texted code, reads a note staff shared, rates the handling at closure;
and is refused clearly for a wrong or expired code, someone else's number and a flood."""

import re
from datetime import timedelta
from io import BytesIO

import pytest
from django.utils import timezone
from PIL import Image

from kesu.callbacks.models import SurveyResponse
from kesu.callbacks.sms import MemoryBackend
from kesu.complaints.choices import CloseReason, State
from kesu.complaints.models import Attachment, Complaint
from kesu.complaints.services import complaint_add_note
from kesu.core import counters
from kesu.organisation.models import User
from kesu.portal.models import PhoneCode
from kesu.web.tests.e2e.conftest import screenshot

PHONE = "13700137000"
E164 = "+8613700137000"


@pytest.fixture
def phone(browser, demo, settings):
    """A phone-sized browser page, and the texts the (test) SMS provider was asked to send."""
    settings.KESU_SMS_BACKEND = "kesu.callbacks.sms.MemoryBackend"
    MemoryBackend.sent = []
    counters.clear_all()
    contexts = []
    blocked: list[str] = []

    def open_page(locale: str = "zh-CN"):
        context = browser.new_context(
            locale=locale, viewport={"width": 375, "height": 740}, is_mobile=True, has_touch=True
        )
        context.on(
            "console",
            lambda m: blocked.append(m.text) if "Content Security Policy" in m.text else None,
        )
        contexts.append(context)
        page = context.new_page()
        page.set_default_timeout(15_000)
        return page

    yield open_page
    for context in contexts:
        context.close()
    assert not blocked, blocked


def _code() -> str:
    return re.search(r"\b(\d{6})\b", MemoryBackend.sent[-1][1]).group(1)


def _photo(tmp_path):
    path = tmp_path / "轮胎鼓包.jpg"
    out = BytesIO()
    Image.new("RGB", (800, 600), (90, 90, 90)).save(out, "JPEG")
    path.write_bytes(out.getvalue())
    return path


def _error(page) -> str:
    return page.inner_text("[data-portal-error]")


def _ask_tracking_code(page, base, number, phone=PHONE):
    page.goto(f"{base}/portal/track/")
    page.fill("#pt-number", number)
    page.fill("#pt-phone", phone)
    with page.expect_navigation():
        page.click("button.pt-btn")


def test_a_customer_files_tracks_reads_a_shared_note_and_rates(phone, demo, tmp_path):
    page = phone()
    page.goto(f"{demo.url}/portal/")
    assert "有什么可以帮您" in page.inner_text("h1")
    with page.expect_navigation():
        page.click("a[href='/portal/east/']")
    page.fill("#pt-phone", PHONE)
    with page.expect_navigation():
        page.click("button.pt-btn")
    assert MemoryBackend.sent[-1][0] == E164
    page.fill("#pt-code", _code())
    with page.expect_navigation():
        page.click("button.pt-btn")
    assert page.url.endswith("/portal/east/new/")
    page.fill("#pt-name", "周女士")
    page.fill("#pt-title", "新车轮胎有鼓包")
    page.fill("#pt-account", "提车第三天发现左前轮胎侧面有鼓包，希望更换。")
    page.set_input_files("#pt-photos", str(_photo(tmp_path)))
    screenshot(page, "portal-file-zh")
    with page.expect_navigation():
        page.click("button.pt-btn")
    number = page.inner_text("[data-portal-number]").strip()
    complaint = Complaint.objects.get(number=number)
    assert complaint.channel == "web" and complaint.customer.phone == E164
    assert Attachment.objects.filter(complaint=complaint, original_name="轮胎鼓包.jpg").exists()
    assert any(number in text for to, text in MemoryBackend.sent if to == E164)
    screenshot(page, "portal-filed-zh")

    handler = User.objects.get(username="handler")
    complaint_add_note(
        complaint_id=complaint.pk,
        actor=handler,
        text="已为您预约周五上午更换轮胎。",
        shared_with_customer=True,
    )
    complaint_add_note(complaint_id=complaint.pk, actor=handler, text="内部备注：索赔走厂家")

    page.click("button.pt-link")  # leave; a new visit tracks with number + code
    counters.clear_all()
    _ask_tracking_code(page, demo.url, number)
    page.fill("#pt-code", _code())
    with page.expect_navigation():
        page.click("button.pt-btn")
    text = page.inner_text("main")
    assert "已为您预约周五上午更换轮胎。" in text
    assert "内部备注" not in text and str(handler) not in text
    assert 'name="score"' not in page.content()

    Complaint.objects.filter(pk=complaint.pk).update(
        state=State.CLOSED, close_reason=CloseReason.COMPLETED, closed_at=timezone.now()
    )
    page.reload()
    assert page.inner_text("[data-portal-state]").strip() == "已结案"
    assert page.locator("[data-portal-recourse]").count() == 1
    page.click(".pt-stars label:nth-child(5)")
    page.fill("#pt-comment", "处理得很及时")
    screenshot(page, "portal-case-zh")
    with page.expect_navigation():
        page.click("#rate button.pt-btn")
    assert "感谢" in page.inner_text(".pt-flash")
    answer = SurveyResponse.objects.get(complaint=complaint)
    assert answer.answers == {"result": 5, "comment": "处理得很及时"}


def test_wrong_and_expired_codes_another_customers_number_and_a_flood_are_refused(
    phone, demo, settings
):
    page = phone()
    theirs = Complaint.objects.exclude(customer__phone=E164).order_by("pk").first()

    # Someone else's number: the code is sent to this phone, but no case opens.
    _ask_tracking_code(page, demo.url, theirs.number)
    page.fill("#pt-code", _code())
    with page.expect_navigation():
        page.click("button.pt-btn")
    assert "没有找到" in _error(page)
    screenshot(page, "portal-not-found-zh")
    assert page.locator("[data-portal-number]").count() == 0

    # A wrong code.
    counters.clear_all()
    _ask_tracking_code(page, demo.url, theirs.number)
    right = _code()
    page.fill("#pt-code", "000000" if right != "000000" else "111111")
    with page.expect_navigation():
        page.click("button.pt-btn")
    assert "验证码不正确" in _error(page)

    # An expired code.
    PhoneCode.objects.update(expires_at=timezone.now() - timedelta(minutes=1))
    page.fill("#pt-code", right)
    with page.expect_navigation():
        page.click("button.pt-btn")
    assert "已过期" in _error(page)

    # A flood of code requests from one address.
    counters.clear_all()
    settings.KESU_PORTAL_CODES_PER_ADDRESS = 2
    settings.KESU_PORTAL_CODE_INTERVAL_SECONDS = 0
    for i in range(3):
        page.goto(f"{demo.url}/portal/east/")
        page.fill("#pt-phone", f"1370013{i:04d}")
        with page.expect_navigation():
            page.click("button.pt-btn")
    assert "次数过多" in _error(page)
    screenshot(page, "portal-flood-zh")


def test_in_english_a_wrong_code_is_refused_clearly(phone, demo):
    page = phone("en-US")
    page.goto(f"{demo.url}/portal/")
    assert "How can we help?" in page.inner_text("h1")  # the phone's language
    with page.expect_navigation():
        page.click(".pt-lang button")  # the switch: 中文
    assert "有什么可以帮您" in page.inner_text("h1")
    with page.expect_navigation():
        page.click(".pt-lang button")  # and back: English
    assert "How can we help?" in page.inner_text("h1")
    page.goto(f"{demo.url}/portal/east/")
    page.fill("#pt-phone", PHONE)
    with page.expect_navigation():
        page.click("button.pt-btn")
    page.fill("#pt-code", "000000" if _code() != "000000" else "111111")
    with page.expect_navigation():
        page.click("button.pt-btn")
    assert "This code is not right" in _error(page)
    screenshot(page, "portal-wrong-code-en")
