"""The customer's questionnaire page: one valid answer recorded against the right case; every
bad link refused with a clear page, never a server error."""

from datetime import timedelta

import pytest
from django.core import signing
from django.utils import timezone

from kesu.audit.models import AuditEntry
from kesu.callbacks.choices import ResponseChannel
from kesu.callbacks.models import Survey, SurveyInvitation, SurveyResponse
from kesu.callbacks.surveys import SALT, invitation_create
from kesu.callbacks.tests.conftest import resolve
from kesu.customers.tests.factories import CustomerFactory

ANSWERS = {"result": "4", "staff": "5", "nps": "8", "comment": "处理得很及时"}


@pytest.fixture
def link(world):
    complaint = resolve(world, world.complaint())
    survey = Survey.objects.get(organisation=world.org, code="satisfaction")
    invitation, token = invitation_create(
        survey=survey,
        customer=complaint.customer,
        complaint=complaint,
        actor=world.user("director"),
    )
    return complaint, invitation, token


def test_a_valid_link_records_the_answer_against_the_complaint(client, link):
    complaint, invitation, token = link
    page = client.get(f"/callbacks/s/{token}/")
    assert page.status_code == 200
    assert "投诉处理满意度" in page.content.decode() or "Satisfaction" in page.content.decode()
    response = client.post(f"/callbacks/s/{token}/", ANSWERS)
    assert response.status_code == 200 and b"survey-thanks" in response.content
    saved = SurveyResponse.objects.get()
    assert saved.complaint == complaint and saved.customer == complaint.customer
    assert saved.branch_id == complaint.branch_id and saved.channel == ResponseChannel.LINK
    assert saved.answers == {"result": 4, "staff": 5, "nps": 8, "comment": "处理得很及时"}
    assert saved.answered_by is None and saved.invitation == invitation
    assert AuditEntry.objects.filter(action="survey_answered", object_id=saved.pk).exists()


def test_a_link_for_a_customer_records_against_the_customer(client, world):
    customer = CustomerFactory(organisation=world.org, branch=world.branch)
    survey = Survey.objects.get(organisation=world.org, code="periodic")
    _inv, token = invitation_create(survey=survey, customer=customer)
    answers = {"product": "5", "service": "3", "nps": "10", "needs": ""}
    assert client.post(f"/callbacks/s/{token}/", answers).status_code == 200
    saved = SurveyResponse.objects.get()
    assert saved.customer == customer and saved.complaint is None
    assert saved.answers == {"product": 5, "service": 3, "nps": 10}


def test_a_used_link_accepts_no_second_answer(client, link):
    _complaint, _invitation, token = link
    assert client.post(f"/callbacks/s/{token}/", ANSWERS).status_code == 200
    again = client.post(f"/callbacks/s/{token}/", {**ANSWERS, "result": "1"})
    assert again.status_code == 409 and b'data-reason="used"' in again.content
    assert b"already been answered" in again.content
    assert client.get(f"/callbacks/s/{token}/").status_code == 409
    assert SurveyResponse.objects.count() == 1


@pytest.mark.parametrize(
    "mangle",
    [
        lambda t: t[:-2] + ("AA" if not t.endswith("AA") else "BB"),  # signature changed
        lambda t: "x" + t,  # payload changed
        lambda t: "not-a-link",
        lambda t: t.split(":")[0],  # signature cut off
    ],
)
def test_a_tampered_link_gets_a_clear_page(client, link, mangle):
    _complaint, _invitation, token = link
    response = client.get(f"/callbacks/s/{mangle(token)}/")
    assert response.status_code == 400 and b'data-reason="tampered"' in response.content
    assert b"This link is not valid" in response.content
    assert client.post(f"/callbacks/s/{mangle(token)}/", ANSWERS).status_code == 400
    assert not SurveyResponse.objects.exists()


def test_a_signed_link_with_another_nonce_or_invitation_is_refused(client, link):
    _complaint, invitation, _token = link
    signer = signing.TimestampSigner(salt=SALT)
    forged = signer.sign_object({"i": invitation.pk, "n": "0" * 32})
    assert client.get(f"/callbacks/s/{forged}/").status_code == 400
    missing = signer.sign_object({"i": invitation.pk + 999, "n": invitation.nonce})
    assert client.get(f"/callbacks/s/{missing}/").status_code == 400
    other_salt = signing.TimestampSigner(salt="other").sign_object(
        {"i": invitation.pk, "n": invitation.nonce}
    )
    assert client.get(f"/callbacks/s/{other_salt}/").status_code == 400


def test_an_expired_link_gets_a_clear_page(client, link):
    _complaint, invitation, token = link
    SurveyInvitation.objects.filter(pk=invitation.pk).update(
        expires_at=timezone.now() - timedelta(minutes=1)
    )
    response = client.get(f"/callbacks/s/{token}/")
    assert response.status_code == 410 and b'data-reason="expired"' in response.content
    assert client.post(f"/callbacks/s/{token}/", ANSWERS).status_code == 410
    assert not SurveyResponse.objects.exists()


def test_the_refusal_page_speaks_chinese_too(client, settings, link):
    settings.LANGUAGE_CODE = "zh-hans"
    response = client.get("/callbacks/s/garbage/", HTTP_ACCEPT_LANGUAGE="zh-hans")
    assert response.status_code == 400 and b'lang="zh-hans"' in response.content
    response = client.get("/callbacks/s/garbage/", HTTP_ACCEPT_LANGUAGE="en")
    assert b'lang="en"' in response.content and b"This link is not valid" in response.content


def test_missing_answers_keep_the_link_open(client, link):
    _complaint, invitation, token = link
    response = client.post(f"/callbacks/s/{token}/", {"comment": "还行"})
    assert response.status_code == 400 and b"errorlist" in response.content
    invitation.refresh_from_db()
    assert invitation.used_at is None
    assert client.post(f"/callbacks/s/{token}/", {**ANSWERS, "nps": "11"}).status_code == 400
    assert client.post(f"/callbacks/s/{token}/", ANSWERS).status_code == 200
