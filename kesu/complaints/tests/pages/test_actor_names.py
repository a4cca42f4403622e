"""Who did something is named in the reader's language, and an empty part of a line leaves no
dangling separator (trial 14, defects 11 and 16)."""

import re

import pytest

from kesu.audit.services import audit_record
from kesu.complaints.models import Complaint
from kesu.complaints.services import complaint_add_note
from kesu.customers.tests.factories import CustomerFactory
from kesu.organisation.choices import Role, StandIn
from kesu.organisation.models import User
from kesu.organisation.services import stand_in_user
from kesu.portal.services import file_complaint


def _timeline(page: str) -> str:
    return page.split('<ul class="timeline">', 1)[1].split("</ul>", 1)[0]


def _page(client, world, complaint, language: str) -> str:
    client.force_login(world.user(Role.DIRECTOR))
    response = client.get(f"/complaints/{complaint.pk}/", HTTP_ACCEPT_LANGUAGE=language)
    assert response.status_code == 200
    return response.content.decode()


@pytest.fixture
def filed(world) -> Complaint:
    """A complaint from the portal, a note from the e-mail stand-in and an entry of Kesu's own."""
    complaint = file_complaint(
        branch=world.branch,
        phone="+8613800138000",
        name="李女士",
        kind="complaint",
        title="刹车异响",
        account="刹车时有响声。",
    )
    mail = stand_in_user(world.branch, username="mail-x-east", kind=StandIn.EMAIL)
    complaint_add_note(complaint_id=complaint.pk, actor=mail, text="客户来信补充")
    audit_record(
        organisation_id=complaint.organisation_id,
        actor=None,
        action="exported",
        obj=complaint,
        complaint_id=complaint.pk,
    )
    return complaint


def test_stand_ins_and_kesu_are_named_in_english_on_an_english_page(client, world, filed):
    page = _page(client, world, filed, "en")
    timeline = _timeline(page)
    assert "by The customer (portal)" in page  # "Received … by …"
    assert "The customer (portal)" in timeline and "The customer (e-mail)" in timeline
    assert "· Kesu</div>" in timeline
    for chinese in ("客户本人", "客户来信（", "客诉"):
        assert chinese not in timeline
    assert "客户本人" not in page


def test_and_in_chinese_on_a_chinese_page(client, world, filed):
    timeline = _timeline(_page(client, world, filed, "zh-hans"))
    assert "客户本人（客户门户）" in timeline and "客户来信（电子邮件）" in timeline
    assert "· 客诉</div>" in timeline


def test_the_api_names_them_in_the_requests_language(client, world, filed):
    client.force_login(world.user(Role.DIRECTOR))
    response = client.get(f"/api/v1/complaints/{filed.pk}/timeline/", HTTP_ACCEPT_LANGUAGE="en")
    names = {str((e.get("actor") or {}).get("name")) for e in response.json()["results"]}
    assert "The customer (portal)" in names and "The customer (e-mail)" in names


def test_a_stand_in_made_before_the_marker_gets_it(world):
    old = User.objects.create(
        username="portal-x-east", display_name="客户本人（客户门户）", is_active=False
    )
    assert stand_in_user(world.branch, username=old.username, kind=StandIn.PORTAL) == old
    old.refresh_from_db()
    assert old.stand_in == StandIn.PORTAL


def test_a_customer_without_a_phone_has_no_dangling_separator(client, world):
    customer = CustomerFactory(organisation=world.org, name="陈七", phone="", email="c@example.com")
    complaint = world.complaint(customer=customer)
    page = _page(client, world, complaint, "zh-hans")
    line = re.search(r'id="customer-page-link">陈七</a>(.*?)</dd>', page, re.S)
    assert line is not None and line.group(1).strip() == "", line and line.group(1)
    # With a phone and a tier, all three parts and two separators.
    customer.phone, customer.tier = "+8613912340005", "gold"
    customer.save()
    page = _page(client, world, complaint, "zh-hans")
    line = re.search(r'id="customer-page-link">陈七</a>(.*?)</dd>', page, re.S)
    assert line is not None and line.group(1).count("·") == 2
