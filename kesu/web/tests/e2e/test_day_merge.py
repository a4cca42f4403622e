"""A customer calls twice about the same thing: the second complaint is merged into the first."""

from kesu.audit.models import AuditEntry
from kesu.complaints.choices import Severity, State
from kesu.complaints.models import Complaint
from kesu.complaints.services import complaint_register
from kesu.customers.models import Customer
from kesu.organisation.models import User
from kesu.web.tests.e2e.conftest import screenshot
from kesu.web.tests.e2e.test_procedure import do_move, open_complaint


def test_merge_the_newer_complaint_into_the_older_by_its_number(sign_in, demo):
    customer = Customer.objects.get(name="张伟")
    older = (
        Complaint.objects.filter(customer=customer, state=State.REGISTERED).order_by("pk").first()
    )
    assert older is not None and older.severity != Severity.MAJOR and not older.is_crisis
    # The customer calls again, angrier: the media keyword makes it major and a crisis.
    newer, _suggestion = complaint_register(
        actor=User.objects.get(username="frontline"),
        customer=customer,
        channel="phone",
        title="服务顾问态度差，要找媒体曝光",
        account="上次反映服务顾问态度差，到现在没人联系我，再不处理我就找媒体曝光。",
        demand="apology",
    )
    assert newer.severity == Severity.MAJOR and newer.is_crisis

    page = sign_in("frontline")
    open_complaint(page, demo.url, newer.pk)
    # The customer's other open complaints are offered by number and title.
    options = page.text_content("#move-merge select[name=into]")
    assert older.number in options and older.title in options
    assert "合并到" in page.text_content("#move-merge")
    do_move(page, "merge", into=older.number)

    newer.refresh_from_db()
    assert newer.state == State.MERGED and newer.merged_into_id == older.pk
    assert "已合并到" in page.inner_text(".timeline") and older.number in page.inner_text(
        ".timeline"
    )

    open_complaint(page, demo.url, older.pk)
    badges = page.inner_text("h1 + p")
    assert "危机" in badges and "重大" in badges
    assert newer.number in page.inner_text(".timeline")
    older.refresh_from_db()
    assert older.severity == Severity.MAJOR and older.is_crisis
    assert AuditEntry.objects.filter(complaint_id=older.pk, action="merged_in").exists()
    screenshot(page, "merged-into-older")
