"""A portal session that ran out says so in the customer's language and keeps what it can: the
case number being tracked, the store being filed with, and what the customer had typed."""

from datetime import timedelta

import pytest
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from kesu.audit.models import AuditEntry
from kesu.complaints.models import Complaint
from kesu.customers.tests.factories import CustomerFactory
from kesu.portal.views import CASE, PENDING, PHONE

from .conftest import PHONE as MOBILE
from .conftest import last_code


@pytest.fixture
def client(settings):
    settings.KESU_PORTAL_CODE_INTERVAL_SECONDS = 0  # a second code at once, when back
    return Client(HTTP_ACCEPT_LANGUAGE="zh-hans", REMOTE_ADDR="10.1.1.2")


def _run_out(client, key):
    session = client.session
    entry = session[key]
    entry["until"] = (timezone.now() - timedelta(seconds=1)).isoformat()
    session[key] = entry
    session.save()


def _notice(html: str) -> str:
    import re

    found = re.search(r"data-portal-notice>(.*?)</p>", html, re.S)
    return found.group(1).strip() if found else ""


def _tracking(world, client):
    customer = CustomerFactory(organisation=world.org, phone=MOBILE)
    complaint = world.complaint(customer=customer)
    client.post(reverse("portal:track"), {"number": complaint.number, "phone": MOBILE})
    client.post(reverse("portal:verify"), {"code": last_code()})
    assert client.get(reverse("portal:case")).status_code == 200
    return complaint


def test_an_expired_tracking_session_says_so_and_keeps_the_number(world, client):
    complaint = _tracking(world, client)
    _run_out(client, CASE)
    response = client.get(reverse("portal:case"))
    assert response.status_code == 302
    assert response.url == f"{reverse('portal:track')}?number={complaint.number}"
    page = client.get(response.url).content.decode()
    assert "会话已过期" in _notice(page) and "验证码" in _notice(page)
    assert f'value="{complaint.number}"' in page
    # shown once, then gone
    assert not _notice(client.get(response.url).content.decode())


def test_the_expiry_notice_in_english(world, client):
    client.cookies["django_language"] = "en"
    _tracking(world, client)
    _run_out(client, CASE)
    page = client.get(reverse("portal:case"), follow=True).content.decode()
    assert "Your session has expired" in _notice(page)


def test_a_message_added_after_expiry_is_refilled_once_back(world, client):
    complaint = _tracking(world, client)
    _run_out(client, CASE)
    response = client.post(reverse("portal:case-add"), {"text": "补充：昨天又坏了"})
    assert response.url.startswith(reverse("portal:track"))
    assert not AuditEntry.objects.filter(complaint_id=complaint.pk, action="note").exists()
    client.post(reverse("portal:track"), {"number": complaint.number, "phone": MOBILE})
    client.post(reverse("portal:verify"), {"code": last_code()})
    page = client.get(reverse("portal:case")).content.decode()
    assert "补充：昨天又坏了</textarea>" in page and _notice(page)


def test_an_expired_code_page_leads_back_with_the_number(world, client):
    client.post(reverse("portal:track"), {"number": "KS-2026-000001", "phone": MOBILE})
    _run_out(client, PENDING)
    response = client.get(reverse("portal:verify"))
    assert response.url == f"{reverse('portal:track')}?number=KS-2026-000001"
    assert "验证码已过期" in _notice(client.get(response.url).content.decode())


def test_an_expired_filing_session_keeps_what_was_written(world, client):
    client.post(reverse("portal:start", args=["east"]), {"phone": MOBILE})
    client.post(reverse("portal:verify"), {"code": last_code()})
    _run_out(client, PHONE)
    data = {"kind": "complaint", "name": "李女士", "title": "刹车异响", "account": "刹车时有响声。"}
    response = client.post(reverse("portal:file", args=["east"]), data)
    assert response.url == reverse("portal:start", args=["east"])
    assert Complaint.objects.count() == 0
    assert "会话已过期" in _notice(client.get(response.url).content.decode())
    client.post(reverse("portal:start", args=["east"]), {"phone": MOBILE})
    client.post(reverse("portal:verify"), {"code": last_code()})
    page = client.get(reverse("portal:file", args=["east"])).content.decode()
    assert "刹车时有响声。" in page and 'value="刹车异响"' in page and _notice(page)


def test_no_session_at_all_is_no_expiry(world, client):
    response = client.get(reverse("portal:case"))
    assert response.url == reverse("portal:track")
    assert not _notice(client.get(response.url).content.decode())
