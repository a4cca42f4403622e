"""What a callback records has a limit (callbacks/limits.py): refused whole, never cut short,
with what was typed kept on the page; a text of exactly the limit is kept."""

import pytest
from django.core.exceptions import ValidationError
from rest_framework.test import APIClient

from kesu.callbacks import limits
from kesu.callbacks.models import CallAttempt, CallbackTask
from kesu.callbacks.services import task_not_reached
from kesu.callbacks.tests.conftest import welcome_call
from kesu.complaints import limits as complaint_limits
from kesu.complaints.models import Complaint
from kesu.organisation.choices import Role


@pytest.fixture
def task(anytime):
    return welcome_call(anytime)


def test_the_outcome_form_shows_the_limits_and_keeps_an_overlong_note(client, anytime, task):
    client.force_login(anytime.user(Role.CALLBACK))
    html = client.get(f"/callbacks/tasks/{task.pk}/").content.decode()
    assert f'maxlength="{limits.NOTES}" data-counter="notes-count"' in html
    assert f'id="notes-count">0 / {limits.NOTES}</span>' in html
    assert f'maxlength="{complaint_limits.ACCOUNT}" data-counter="complaint-account-count"' in html

    notes = "说" * (limits.NOTES + 1)
    response = client.post(
        f"/callbacks/tasks/{task.pk}/outcome/",
        {
            "notes": notes,
            "raise_complaint": "1",
            "complaint_title": "异响",
            "complaint_account": "x",
        },
        HTTP_ACCEPT_LANGUAGE="zh-hans",
    )
    assert response.status_code == 400
    html = response.content.decode()
    assert f"请缩短到 {limits.NOTES} 个字符以内（现有 {limits.NOTES + 1} 个）。" in html
    assert f">{notes}</textarea>" in html
    assert 'value="异响"' in html
    task.refresh_from_db()
    assert task.status == "open" and not Complaint.objects.exists()


def test_an_overlong_account_for_a_new_complaint_is_refused(client, anytime, task):
    client.force_login(anytime.user(Role.CALLBACK))
    account = "诉" * (complaint_limits.ACCOUNT + 1)
    response = client.post(
        f"/callbacks/tasks/{task.pk}/outcome/",
        {
            "satisfaction": "satisfied",
            "raise_complaint": "1",
            "complaint_title": "异响",
            "complaint_account": account,
        },
    )
    assert response.status_code == 400
    assert f">{account}</textarea>" in response.content.decode()
    assert not Complaint.objects.exists()


def test_a_note_of_exactly_the_limit_is_kept(client, anytime, task):
    client.force_login(anytime.user(Role.CALLBACK))
    notes = "说" * limits.NOTES
    response = client.post(
        f"/callbacks/tasks/{task.pk}/outcome/", {"satisfaction": "satisfied", "notes": notes}
    )
    assert response.status_code == 302
    assert CallbackTask.objects.get(pk=task.pk).notes == notes


def test_a_not_reached_note_is_refused_when_too_long_never_cut(anytime, task):
    user = anytime.user(Role.CALLBACK)
    with pytest.raises(ValidationError) as refused:
        task_not_reached(task_id=task.pk, actor=user, note="忙" * (limits.ATTEMPT_NOTE + 1))
    assert "notes" not in refused.value.message_dict and "note" in refused.value.message_dict
    assert not CallAttempt.objects.exists()

    api = APIClient(HTTP_ACCEPT_LANGUAGE="en")
    api.force_authenticate(user)
    url = f"/api/v1/callbacks/tasks/{task.pk}/outcome/"
    response = api.post(
        url, {"result": "no_answer", "notes": "忙" * (limits.ATTEMPT_NOTE + 1)}, format="json"
    )
    assert response.status_code == 400
    assert response.json()["error"]["fields"]["notes"] == [
        f"Shorten this to at most {limits.ATTEMPT_NOTE} characters "
        f"(it has {limits.ATTEMPT_NOTE + 1})."
    ]
    assert not CallAttempt.objects.exists()
    ok = api.post(url, {"result": "no_answer", "notes": "忙" * limits.ATTEMPT_NOTE}, format="json")
    assert ok.status_code == 200, ok.content
    assert CallAttempt.objects.get().note == "忙" * limits.ATTEMPT_NOTE


def test_a_survey_answer_over_the_limit_is_refused_and_the_link_stays_open(client, world):
    from kesu.callbacks.models import Survey, SurveyResponse
    from kesu.callbacks.surveys import invitation_create
    from kesu.callbacks.tests.conftest import resolve
    from kesu.callbacks.tests.test_views_public import ANSWERS

    complaint = resolve(world, world.complaint())
    invitation, token = invitation_create(
        survey=Survey.objects.get(organisation=world.org, code="satisfaction"),
        customer=complaint.customer,
        complaint=complaint,
        actor=world.user(Role.DIRECTOR),
    )
    page = client.get(f"/callbacks/s/{token}/").content.decode()
    assert f'name="comment" rows="3" maxlength="{limits.ANSWER}"' in page
    comment = "评" * (limits.ANSWER + 1)
    response = client.post(
        f"/callbacks/s/{token}/", {**ANSWERS, "comment": comment}, HTTP_ACCEPT_LANGUAGE="en"
    )
    assert response.status_code == 400
    html = response.content.decode()
    assert f"at most {limits.ANSWER} characters (it has {limits.ANSWER + 1})" in html
    assert f">{comment}</textarea>" in html
    invitation.refresh_from_db()
    assert invitation.used_at is None and not SurveyResponse.objects.exists()
    comment = "评" * limits.ANSWER
    assert client.post(f"/callbacks/s/{token}/", {**ANSWERS, "comment": comment}).status_code == 200
    assert SurveyResponse.objects.get().answers["comment"] == comment  # whole, not cut
