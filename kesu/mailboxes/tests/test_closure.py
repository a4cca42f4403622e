"""The closing message (kesu/mailboxes/messaging.py, closure_to_customer): by the customer's
channel, with the link to the tracking page and every recourse option with its time limit,
the list the portal and the printed closing letter show, in both languages."""

import re

import pytest
from django.utils import translation

from kesu.audit.models import AuditEntry
from kesu.callbacks.models import CustomerCallPreference, SmsMessage
from kesu.callbacks.sms import render_sms
from kesu.complaints.defaults import RECOURSE, recourse_options_of
from kesu.complaints.models import RecourseOption
from kesu.complaints.selectors import recourse_for, recourse_text
from kesu.complaints.tests.helpers import closed_complaint
from kesu.customers.tests.factories import CustomerFactory
from kesu.mailboxes.choices import MailAction
from kesu.mailboxes.models import CustomerMessage

PUBLIC = "https://kesu.example.com"
HAN = re.compile(r"[\u3000-\u303f\u3400-\u9fff\uff00-\uffef]")
BASIS = re.compile(r"\s*[（(][^（）()]*[）)]\s*$")


@pytest.fixture(autouse=True)
def public(settings):
    settings.KESU_PUBLIC_URL = PUBLIC


def _closure(complaint) -> CustomerMessage:
    (message,) = CustomerMessage.objects.filter(complaint=complaint, kind="closure")
    return message


def _sms_text(message: CustomerMessage) -> str:
    (sms,) = SmsMessage.objects.filter(key=f"message:{message.pk}")
    return render_sms(sms)


@pytest.mark.parametrize("language", ["zh-hans", "en"])
def test_the_closing_text_carries_every_option_with_its_limit_and_the_tracking_link(
    world, settings, language
):
    settings.KESU_CUSTOMER_LANGUAGE = language
    customer = CustomerFactory(organisation=world.org, branch=world.branch, name="王建国")
    complaint = closed_complaint(world, customer=customer)
    message = _closure(complaint)
    assert message.channel == "sms" and message.to == customer.phone
    text = _sms_text(message)
    assert complaint.number in text and "王建国" in text
    assert f"{PUBLIC}/portal/track/?number={complaint.number}" in text
    options = recourse_for(complaint)
    assert {o.code for o in options} >= {"market_regulator", "arbitration", "court"}
    with translation.override(language):
        for option in options:
            # Compact: the short name and the limit without its legal basis, but the limit.
            limit = BASIS.sub("", option.time_limit_label)
            assert limit and limit in text, option.code
            assert option.sms_label in text, option.code
    if language == "en":
        assert "Within three years" in text and "The people's court" in text
        # Every option's name in English: no Chinese short name in an English text.
        assert "The consumer association" in text and "The car maker's customer service" in text
        recourse = text[text.index("turn to:") :]
        assert not HAN.search(recourse), recourse
    else:
        assert "三年" in text and "人民法院" in text and "仲裁委员会" in text


@pytest.mark.parametrize("language", ["zh-hans", "en"])
def test_the_closing_email_carries_the_full_list_and_the_tracking_link(world, settings, language):
    settings.KESU_CUSTOMER_LANGUAGE = language
    customer = CustomerFactory(
        organisation=world.org,
        branch=world.branch,
        email="w@example.test",
        preferred_channel="email",
    )
    complaint = closed_complaint(world, customer=customer)
    message = _closure(complaint)
    assert message.channel == "email"
    assert f"{PUBLIC}/portal/track/?number={complaint.number}" in message.body
    with translation.override(language):
        for option in recourse_for(complaint):
            for part in (option.label, option.how_label, option.time_limit_label):
                assert part in message.body, option.code


def test_one_source_an_edited_time_limit_is_what_the_message_says(world):
    RecourseOption.objects.filter(organisation=world.org, code="court").update(
        time_limit="两年（测试用）"
    )
    RecourseOption.objects.filter(organisation=world.org, code="manufacturer").update(
        is_active=False
    )
    text = _sms_text(_closure(closed_complaint(world)))
    assert "人民法院：两年" in text and "测试用" not in text
    assert "厂家客服" not in text


def test_a_customer_who_takes_no_texts_and_has_no_email_is_not_told_and_the_timeline_says_so(
    world,
):
    no_sms = CustomerFactory(organisation=world.org, branch=world.branch)
    CustomerCallPreference.objects.create(customer=no_sms, no_sms=True)
    landline = CustomerFactory(organisation=world.org, branch=world.branch, phone="+861062223333")
    for customer in (no_sms, landline):
        complaint = closed_complaint(world, customer=customer)
        assert not CustomerMessage.objects.filter(complaint=complaint).exists()
        assert AuditEntry.objects.filter(
            complaint_id=complaint.pk, action=MailAction.NOT_TOLD, data__kind="closure"
        ).exists()


def test_closing_again_after_a_reopen_tells_again_and_open_moves_do_not(world):
    from kesu.complaints import workflow
    from kesu.complaints.choices import State
    from kesu.complaints.models import Complaint
    from kesu.complaints.tests.helpers import tick_required
    from kesu.organisation.choices import Role

    complaint = world.complaint()
    closures = CustomerMessage.objects.filter(complaint=complaint, kind="closure")
    assert not closures.exists()  # registered: nothing yet
    director = world.user(Role.DIRECTOR)
    for _round in range(2):
        Complaint.objects.filter(pk=complaint.pk).update(state=State.VERIFIED)
        tick_required(complaint, "close", director)
        workflow.complaint_close(complaint_id=complaint.pk, actor=director, summary="已更换。")
        if _round == 0:
            workflow.complaint_reopen(complaint_id=complaint.pk, actor=director, reason="仍有异响")
    assert closures.count() == 2
    assert SmsMessage.objects.filter(key__in=[f"message:{m.pk}" for m in closures]).count() == 2
    queued = AuditEntry.objects.filter(
        complaint_id=complaint.pk, action=MailAction.MESSAGE_WAITING, data__kind="closure"
    )
    assert queued.count() == 2


@pytest.mark.parametrize("template", sorted(RECOURSE))
def test_the_compact_recourse_list_is_in_the_messages_language_for_every_template(world, template):
    """The closing text's short names: Chinese ones (消费者协会) only in Chinese; in English
    the option's English name, short names of Latin letters and digits (12315) kept."""
    options = recourse_options_of(world.org, template)
    with translation.override("en"):
        english = recourse_text(options, compact=True)
    assert not HAN.search(english), english
    with translation.override("zh-hans"):
        chinese = recourse_text(options, compact=True)
    for option in options:
        assert (option.sms_name or option.name) in chinese
        if option.sms_name and not HAN.search(option.sms_name):
            assert option.sms_name in english  # 12315, 12300
        else:
            assert option.name_en in english


def test_an_option_edited_with_a_short_name_only_in_chinese_and_no_english_name(world):
    option = RecourseOption(name="区消委会", sms_name="消委会", name_en="")
    with translation.override("en"):
        assert option.sms_label == "区消委会"  # nothing English recorded: its name
    option.name_en = "The district consumer council"
    with translation.override("en"):
        assert option.sms_label == "The district consumer council"
    with translation.override("zh-hans"):
        assert option.sms_label == "消委会"
