"""Triage suggestions at intake (issue 13, item 3) in a real browser: the panel follows what is
typed, Alt+A accepts the suggestions, a field changed by hand keeps its value, and the
complaint's timeline records what was changed from the suggestion."""

from types import SimpleNamespace

from kesu.audit.models import AuditEntry
from kesu.complaints.models import Complaint
from kesu.complaints.tests.triage_history import intake_history
from kesu.complaints.triage_training import train_organisation
from kesu.organisation.models import Department, Organisation
from kesu.web.tests.e2e.conftest import screenshot

ACCOUNT = "刹车异响，制动距离变长，要求退车"


def _trained_demo():
    """The demo organisation with a closed history to learn from, and its models trained."""
    org = Organisation.objects.get(code="demo")
    template = Complaint.objects.filter(organisation=org, branch__code="east").first()
    east = Department.objects.filter(branch__organisation=org, branch__code="east")
    world = SimpleNamespace(
        org=org,
        complaint=lambda: template,
        service=east.get(code="service"),
        sales=east.get(code="sales"),
    )
    categories = intake_history(world)
    train_organisation(org.pk)
    return categories, world


def test_the_panel_suggests_alt_a_accepts_and_the_override_is_recorded(sign_in, demo):
    categories, world = _trained_demo()
    page = sign_in("frontline")
    page.click("[data-shortcut=new]")
    assert "Alt+A 采纳建议" in page.inner_text("h1")
    assert page.inner_text("#intake-suggestions").strip() == ""  # nothing typed, nothing asked
    page.fill("#id_phone", "137 0000 5555")
    page.fill("#id_customer_name", "孙八")
    # Chosen by hand before the suggestions come: stays as staff set it.
    page.select_option("#id_upset_level", "5")
    page.fill("#id_title", "刹车异响")
    page.locator("#id_account").press_sequentially(ACCOUNT, delay=15)
    page.wait_for_selector("#intake-suggestions tr[data-triage-row=category]")
    panel = page.inner_text("#intake-suggestions")
    assert "产品质量 › 制动异响" in panel and "退货/退车" in panel and "%" in panel
    assert "制动" in panel  # the problem area
    assert page.locator("#intake-suggestions mark").count() > 0  # the words behind them
    screenshot(page, "intake-triage-panel")

    page.keyboard.press("Alt+A")
    assert page.input_value("#id_category") == "产品质量 › 制动异响"
    assert page.input_value("#id_demand") == "return"
    assert page.input_value("#id_cause") == "product_quality"
    assert page.input_value("#id_department") == str(world.service.pk)
    assert page.input_value("#id_upset_level") == "5"  # changed by hand before: kept
    screenshot(page, "intake-triage-accepted")

    page.select_option("#id_demand", "refund")  # staff change one suggestion by hand
    with page.expect_navigation():
        page.keyboard.press("Control+Enter")
    complaint = Complaint.objects.get(title="刹车异响", account=ACCOUNT)
    assert complaint.category_id == categories["brakes"].pk and complaint.demand == "refund"
    triage = AuditEntry.objects.get(complaint_id=complaint.pk, action="register").data["triage"]
    assert triage["demand"] == {"suggested": "return", "chosen": "refund", "accepted": False}
    assert triage["category"]["accepted"] and triage["cause"]["accepted"]
    assert triage["upset_level"]["chosen"] == "5"
    outcome = page.inner_text("[data-triage-outcome]")
    assert "未采纳分诊建议" in outcome and "实选 退款" in outcome
    screenshot(page, "complaint-triage-outcome")


def test_the_acceptance_page_for_the_customer_director(sign_in, demo):
    page = sign_in("director")
    page.click("nav >> text=分诊建议")
    assert "近 30 天" in page.inner_text("main") and "所用模型" in page.inner_text("main")
    screenshot(page, "triage-acceptance")
