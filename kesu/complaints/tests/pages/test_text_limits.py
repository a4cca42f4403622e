"""Free text has a limit: shown with maxlength and a live "typed / limit" counter, refused
whole by the server when posted longer (the form comes back with what was typed), accepted at
exactly the limit. The limits are in each app's limits.py."""

import re

import pytest
from django.utils import translation

from kesu.audit.models import AuditEntry
from kesu.complaints import limits
from kesu.complaints.models import Complaint
from kesu.complaints.tests.pages.helpers import NEW_CALL
from kesu.organisation.choices import Role


def _textarea(html: str, element_id: str) -> str:
    match = re.search(rf'<textarea id="{element_id}"[^>]*>(.*?)</textarea>', html, re.S)
    assert match, element_id
    return match.group(0)


def _notes(complaint):
    return AuditEntry.objects.filter(complaint_id=complaint.pk, action="note")


def test_the_note_box_has_its_limit_and_a_counter(client, world):
    complaint = world.complaint()
    client.force_login(world.user(Role.FRONTLINE))
    html = client.get(f"/complaints/{complaint.pk}/").content.decode()
    box = _textarea(html, "note-text")
    assert f'maxlength="{limits.NOTE}"' in box
    assert 'data-counter="note-text-count"' in box
    assert f'<span class="char-count" id="note-text-count">0 / {limits.NOTE}</span>' in html
    assert "onclick" not in html and "oninput" not in html  # behaviour comes from kesu.js


@pytest.mark.parametrize(
    ("language", "message"),
    [
        ("en", f"Shorten this to at most {limits.NOTE} characters (it has {limits.NOTE + 1})."),
        ("zh-hans", f"请缩短到 {limits.NOTE} 个字符以内（现有 {limits.NOTE + 1} 个）。"),
    ],
)
def test_an_overlong_note_comes_back_with_the_error_and_all_of_the_text(
    client, world, language, message
):
    complaint = world.complaint()
    client.force_login(world.user(Role.FRONTLINE))
    typed = "客户来电" + "长" * (limits.NOTE - 4) + "尾"  # one over
    with translation.override(language):
        response = client.post(
            f"/complaints/{complaint.pk}/notes/",
            {"text": typed, "shared": "1", "kind": "call"},
            HTTP_ACCEPT_LANGUAGE=language,
        )
    assert response.status_code == 400
    html = response.content.decode()
    assert message in html
    box = _textarea(html, "note-text")
    assert f">{typed}</textarea>" in box  # all of it: nothing cut, nothing lost
    counter = f'<span class="char-count over" id="note-text-count">{limits.NOTE + 1} / '
    assert counter in html
    assert 'name="shared" value="1" checked' in html and 'value="call" checked' in html
    assert not _notes(complaint).exists()


def test_a_note_of_exactly_the_limit_is_kept_whole(client, world):
    complaint = world.complaint()
    client.force_login(world.user(Role.FRONTLINE))
    typed = "记" * limits.NOTE
    response = client.post(f"/complaints/{complaint.pk}/notes/", {"text": typed})
    assert response.status_code == 302
    assert _notes(complaint).get().data["text"] == typed


def test_line_breaks_count_once_as_the_browser_counts_them(client, world):
    # A browser posts each line break as CRLF but its maxlength and the counter count one.
    complaint = world.complaint()
    client.force_login(world.user(Role.FRONTLINE))
    lines = [f"第{i:03d}行" + "字" * 4 for i in range(limits.NOTE // 10)]  # 9 + LF = 10 each
    typed = "\r\n".join(lines)
    assert len(typed.replace("\r\n", "\n")) == limits.NOTE - 1 < len(typed)
    response = client.post(f"/complaints/{complaint.pk}/notes/", {"text": typed})
    assert response.status_code == 302
    assert _notes(complaint).get().data["text"] == "\n".join(lines)


def test_intake_account_has_a_counter_and_an_overlong_one_keeps_the_whole_form(client, world):
    client.force_login(world.user(Role.FRONTLINE))
    html = client.get("/complaints/new/").content.decode()
    box = _textarea(html, "id_account")
    assert f'name="account" maxlength="{limits.ACCOUNT}"' in box
    assert 'data-counter="id_account-count"' in box
    assert f'id="id_account-count">0 / {limits.ACCOUNT}</span>' in html

    account = "我" * (limits.ACCOUNT + 1)
    with translation.override("en"):
        response = client.post("/complaints/new/", {**NEW_CALL, "account": account})
    assert response.status_code == 400
    html = response.content.decode()
    assert f"at most {limits.ACCOUNT} characters (it has {limits.ACCOUNT + 1})" in html
    assert f">{account}</textarea>" in html
    assert 'value="空调不制冷"' in html and 'value="赵六"' in html  # the rest is kept too
    assert not Complaint.objects.exists()

    at_limit = client.post("/complaints/new/", {**NEW_CALL, "account": "我" * limits.ACCOUNT})
    assert at_limit.status_code == 302
    assert Complaint.objects.get().account == "我" * limits.ACCOUNT


def test_move_texts_have_the_serializers_limit_and_are_refused_whole(client, world):
    complaint = world.complaint()
    client.force_login(world.user(Role.FRONTLINE))
    html = client.get(f"/complaints/{complaint.pk}/").content.decode()
    box = _textarea(html, "confirm-note")
    assert f'maxlength="{limits.TEXT}"' in box and 'data-counter="confirm-note-count"' in box
    assert f'id="confirm-note-count">0 / {limits.TEXT}</span>' in html

    typed = "备" * (limits.TEXT + 1)
    with translation.override("en"):
        response = client.post(
            f"/complaints/{complaint.pk}/moves/confirm/", {"method": "phone", "note": typed}
        )
    assert response.status_code == 400
    html = response.content.decode()
    # In Kesu's words, as every web form says it (not the API framework's "no more than").
    assert f"Shorten this to at most {limits.TEXT} characters (it has {limits.TEXT + 1})." in html
    assert f">{typed}</textarea>" in _textarea(html, "confirm-note")
    complaint.refresh_from_db()
    assert complaint.confirmed_at is None


def test_every_limited_intake_field_is_refused_in_kesus_words(client, world):
    """Every text of the intake with a limit says "too long" as the note and the account do,
    never in Django's words; a new limited field declared as a plain CharField fails here."""
    from kesu.complaints.forms import IntakeForm

    client.force_login(world.user(Role.GROUP))
    fields = IntakeForm(user=world.user(Role.GROUP)).fields
    limited = {name: f.max_length for name, f in fields.items() if getattr(f, "max_length", None)}
    assert {"title", "account", "category", "customer_name", "phone"} <= set(limited)
    for name, limit in limited.items():
        data = {**NEW_CALL, "branch": world.branch.pk, name: "长" * (limit + 1)}
        response = client.post("/complaints/new/", data, HTTP_ACCEPT_LANGUAGE="zh-hans")
        assert response.status_code == 400, name
        body = response.content.decode()
        assert f"请缩短到 {limit} 个字符以内（现有 {limit + 1} 个）。" in body, name
        assert "确保" not in body, name
