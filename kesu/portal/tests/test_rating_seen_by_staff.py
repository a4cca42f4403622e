"""The customer's rating on the portal is seen by staff — the complaint page, its timeline, the
printed form and the callback record — and belongs to a round of handling: after a reopening
and a new resolution the customer may rate again (trial 14, defects 8 and 13)."""

import pytest
from django.test import Client
from django.urls import reverse

from kesu.audit.models import AuditEntry
from kesu.callbacks.models import SurveyResponse
from kesu.complaints.choices import State
from kesu.complaints.models import Complaint
from kesu.complaints.workflow import complaint_reopen
from kesu.customers.tests.factories import CustomerFactory
from kesu.organisation.choices import Role
from kesu.reports.selectors import Report, _surveys

from .conftest import PHONE, last_code


@pytest.fixture
def customer_client():
    return Client(HTTP_ACCEPT_LANGUAGE="en", REMOTE_ADDR="10.1.1.2")


@pytest.fixture
def closed(world) -> Complaint:
    customer = CustomerFactory(organisation=world.org, phone=PHONE)
    complaint = world.complaint(customer=customer)
    Complaint.objects.filter(pk=complaint.pk).update(state=State.CLOSED)
    complaint.refresh_from_db()
    return complaint


def _track(client, number):
    client.post(reverse("portal:track"), {"number": number, "phone": PHONE})
    assert client.post(reverse("portal:verify"), {"code": last_code()}).status_code == 302


def _rate(client, score, comment=""):
    return client.post(reverse("portal:case-rate"), {"score": score, "comment": comment})


def _staff_page(client, world, path, language):
    client.force_login(world.user(Role.DIRECTOR))
    response = client.get(path, HTTP_ACCEPT_LANGUAGE=language)
    assert response.status_code == 200, path
    return response.content.decode()


def test_staff_see_the_rating_on_the_page_the_timeline_and_the_printouts(
    world, customer_client, closed, client
):
    _track(customer_client, closed.number)
    assert _rate(customer_client, "4", "处理很快，谢谢").status_code == 302

    entry = AuditEntry.objects.get(complaint_id=closed.pk, action="survey_answered")
    assert entry.actor.username.startswith("portal-")
    assert entry.data["answers"] == {"result": 4, "comment": "处理很快，谢谢"}

    page = _staff_page(client, world, f"/complaints/{closed.pk}/", "en")
    facts = page.split('<dl class="facts">', 1)[1].split("</dl>", 1)[0]
    assert "The customer's rating" in facts and "4 / 5" in facts
    assert "Rating on the portal" in facts and "处理很快，谢谢" in facts
    timeline = page.split('<ul class="timeline">', 1)[1].split("</ul>", 1)[0]
    assert "The customer (portal)" in timeline and "Rating of the handling: 4 / 5" in timeline

    page = _staff_page(client, world, f"/complaints/{closed.pk}/", "zh-hans")
    assert "网上评价" in page and "处理结果评分：4 / 5" in page

    for path in (
        f"/complaints/{closed.pk}/print/form/",
        f"/callbacks/complaints/{closed.pk}/print/",
    ):
        printed = _staff_page(client, world, path, "en")
        assert "data-customer-rating" in printed and "4 / 5" in printed, path
        assert "处理很快，谢谢" in printed


def test_a_reopened_and_resolved_case_may_be_rated_again(world, customer_client, closed):
    _track(customer_client, closed.number)
    assert _rate(customer_client, "2", "还是有异响").status_code == 302
    page = customer_client.get(reverse("portal:case")).content.decode()
    assert 'name="score"' not in page
    assert _rate(customer_client, "3").status_code == 400  # once a round

    complaint_reopen(complaint_id=closed.pk, actor=world.user(Role.DIRECTOR), reason="仍有异响")
    page = customer_client.get(reverse("portal:case")).content.decode()
    assert 'name="score"' not in page and "Thank you for your rating" not in page
    assert _rate(customer_client, "5").status_code == 400  # not before the new resolution

    Complaint.objects.filter(pk=closed.pk).update(state=State.RESOLVED)
    page = customer_client.get(reverse("portal:case")).content.decode()
    assert 'name="score"' in page
    assert _rate(customer_client, "5", "这次修好了").status_code == 302
    assert _rate(customer_client, "5").status_code == 400

    answers = SurveyResponse.objects.filter(complaint=closed).order_by("answered_at")
    assert [a.answers["result"] for a in answers] == [2, 5]
    report = Report.__new__(Report)
    _surveys(report, Complaint.objects.filter(pk=closed.pk), (closed.pk, closed.pk))
    assert report.csat_answers == 2 and report.csat == 50.0
