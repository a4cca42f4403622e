"""The words a customer reads after filing, for each kind the portal takes and in both
languages: the page after filing and the tracked case name the kind they filed (a suggestion
is no complaint), the text with the number says it in a sentence's own words (no capitalised
label mid-sentence) and is signed like every other text."""

import re

import pytest
from django.test import Client
from django.urls import reverse

from kesu.complaints.choices import Kind
from kesu.complaints.models import Complaint
from kesu.core import counters
from kesu.portal.services import KINDS

from .conftest import PHONE, last_code

# (language, kind): what the page after filing and the tracked case call it.
WORDS = {
    ("zh-hans", Kind.COMPLAINT): ("您的投诉编号", "投诉编号", "我们已收到您的投诉"),
    ("zh-hans", Kind.SUGGESTION): ("您的建议编号", "建议编号", "我们已收到您的建议"),
    ("en", Kind.COMPLAINT): (
        "Your complaint number",
        "Complaint number",
        "We have received your complaint",
    ),
    ("en", Kind.SUGGESTION): (
        "Your suggestion number",
        "Suggestion number",
        "We have received your suggestion",
    ),
}
# The other kind's words, which must not appear.
OTHER = {Kind.COMPLAINT: Kind.SUGGESTION, Kind.SUGGESTION: Kind.COMPLAINT}


def _client(language):
    client = Client(HTTP_ACCEPT_LANGUAGE=language, REMOTE_ADDR="10.1.1.9")
    client.cookies["django_language"] = language
    return client


def _title(page: str) -> str:
    return re.search(r"<title>(.*?)</title>", page, re.S).group(1)


@pytest.mark.parametrize("language", ["zh-hans", "en"])
@pytest.mark.parametrize("kind", KINDS)
def test_after_filing_and_tracking_the_pages_and_the_text_name_the_kind(
    world, texts, django_capture_on_commit_callbacks, language, kind
):
    client = _client(language)
    client.post(reverse("portal:start", args=["east"]), {"phone": PHONE})
    client.post(reverse("portal:verify"), {"code": last_code(PHONE)})
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(
            reverse("portal:file", args=["east"]),
            {"kind": kind, "name": "李", "title": "展厅", "account": "希望增加休息区。"},
        )
    assert response.status_code == 302
    complaint = Complaint.objects.get()
    filed_words, tracked_words, text_words = WORDS[(language, kind)]
    other_filed, other_tracked, other_text = WORDS[(language, OTHER[kind])]

    filed = client.get(reverse("portal:case")).content.decode()
    section = filed[filed.index("data-portal-filed") :]
    assert filed_words in section and other_filed not in filed
    assert other_tracked not in _title(filed)

    (text,) = [t for to, t in texts if complaint.number in t]
    assert text_words in text and other_text not in text
    # No kind's label, capitalised, in the middle of the sentence ("your Complaint").
    for label in (str(k.label) for k in Kind):
        assert f"your {label}" not in text
    # Signed like the outbox's texts: 【…】 in Chinese, […] in English.
    brackets = "【】" if language == "zh-hans" else "[]"
    assert text.startswith(f"{brackets[0]}{world.branch.customer_name}{brackets[1]}"), text

    client.post(reverse("portal:leave"))
    counters.clear_all()  # a new code for the same number at once
    tracker = _client(language)
    tracker.post(reverse("portal:track"), {"number": complaint.number, "phone": PHONE})
    tracker.post(reverse("portal:verify"), {"code": last_code(PHONE)})
    tracked = tracker.get(reverse("portal:case")).content.decode()
    assert complaint.number in tracked
    assert tracked_words in tracked and other_tracked not in tracked
    if kind == Kind.SUGGESTION and language == "zh-hans":
        assert "您的投诉" not in tracked and "投诉编号" not in tracked
