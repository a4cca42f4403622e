"""Questionnaire links sent by text message (the page they open is in test_views_public)."""

import pytest

from kesu.callbacks.models import SmsMessage
from kesu.callbacks.surveys import send_link_by_sms
from kesu.callbacks.tests.conftest import resolve, welcome_call
from kesu.organisation.choices import Role


def test_the_link_goes_out_by_text_message(world, anytime, settings):
    settings.KESU_PUBLIC_URL = "https://kesu.example.cn"
    complaint = resolve(world, world.complaint())
    task = complaint.callback_tasks.get()
    invitation, message, url = send_link_by_sms(actor=world.user(Role.DIRECTOR), task=task)
    assert url.startswith("https://kesu.example.cn/callbacks/s/")
    assert message.template == "survey_link" and message.params["url"] == url
    assert message.phone == complaint.customer.phone and invitation.complaint == complaint
    assert str(world.user(Role.DIRECTOR)) in message.sender_name
    assert SmsMessage.objects.filter(pk=message.pk).exists()


def test_no_questionnaire_link_for_a_call_without_one(world):
    task = welcome_call(world)
    from django.core.exceptions import ValidationError

    with pytest.raises(ValidationError):
        send_link_by_sms(actor=world.user(Role.CALLBACK), task=task)
