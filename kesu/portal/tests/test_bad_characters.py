"""A character no field takes (a NUL, a control character from pasted text) is a validation
error of its field on the portal's forms: the form comes back in the portal's look and the
customer's language, with everything typed kept and the field marked (trial 14, defect 10)."""

import re

import pytest
from django.test import Client
from django.urls import reverse

from kesu.audit.models import AuditEntry
from kesu.callbacks.models import SurveyResponse
from kesu.complaints.choices import State
from kesu.complaints.models import Complaint
from kesu.customers.tests.factories import CustomerFactory

from .conftest import PHONE, last_code

WORDS = {"zh-hans": "无法接受的字符", "en": "cannot be accepted"}
ACCOUNT = "上周保养后发动机故障灯亮了，请帮忙检查。" * 20


def _client(language):
    return Client(HTTP_ACCEPT_LANGUAGE=language, REMOTE_ADDR="10.1.1.3")


def _marked(page: str, field: str) -> bool:
    """The field's block carries the invalid mark and the error."""
    block = re.search(rf'<div class="pt-field invalid">\s*<label for="pt-{field}"', page)
    return block is not None


@pytest.mark.parametrize("language", ["zh-hans", "en"])
@pytest.mark.parametrize("character", ["\x00", "\x0b"])
def test_the_filing_form_comes_back_with_the_text_and_the_field_marked(world, language, character):
    client = _client(language)
    client.post(reverse("portal:start", args=["east"]), {"phone": PHONE})
    assert client.post(reverse("portal:verify"), {"code": last_code()}).status_code == 302
    response = client.post(
        reverse("portal:file", args=["east"]),
        {
            "kind": "complaint",
            "name": "李女士",
            "title": f"故障灯{character}亮",
            "account": ACCOUNT,
        },
    )
    assert response.status_code == 400
    page = response.content.decode()
    assert WORDS[language] in page and _marked(page, "title") and not _marked(page, "account")
    assert 'value="故障灯亮"' in page and ACCOUNT in page and 'value="李女士"' in page
    assert 'class="pt-card"' in page and "客诉 Kesu" not in page  # the portal's look, not staff's
    assert not Complaint.objects.exists()
    # Sent again as it came back, it is filed.
    response = client.post(
        reverse("portal:file", args=["east"]),
        {"kind": "complaint", "name": "李女士", "title": "故障灯亮", "account": ACCOUNT},
    )
    assert response.status_code == 302 and Complaint.objects.count() == 1


@pytest.mark.parametrize("language", ["zh-hans", "en"])
def test_tracking_the_case_page_and_the_rating_keep_what_was_typed(world, language):
    customer = CustomerFactory(organisation=world.org, phone=PHONE)
    complaint = world.complaint(customer=customer)
    client = _client(language)

    response = client.post(
        reverse("portal:track"), {"number": complaint.number + "\x00", "phone": PHONE}
    )
    assert response.status_code == 400
    page = response.content.decode()
    assert WORDS[language] in page and complaint.number in page
    response = client.post(reverse("portal:track"), {"number": complaint.number, "phone": PHONE})
    assert response.status_code == 302
    response = client.post(reverse("portal:verify"), {"code": last_code() + "\x00"})
    assert response.status_code == 400 and WORDS[language] in response.content.decode()
    assert client.post(reverse("portal:verify"), {"code": last_code()}).status_code == 302

    notes = AuditEntry.objects.filter(complaint_id=complaint.pk, action="note")
    entries = notes.count()
    response = client.post(reverse("portal:case-add"), {"text": "补充：\x00昨天又亮了"})
    assert response.status_code == 400
    page = response.content.decode()
    assert WORDS[language] in page and "补充：昨天又亮了" in page
    assert notes.count() == entries

    Complaint.objects.filter(pk=complaint.pk).update(state=State.RESOLVED)
    response = client.post(reverse("portal:case-rate"), {"score": "4", "comment": "谢\x00谢"})
    assert response.status_code == 400
    page = response.content.decode()
    assert WORDS[language] in page and "谢谢" in page
    assert not SurveyResponse.objects.exists()
