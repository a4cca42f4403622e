"""Words that mean other things elsewhere get their own translation here (pgettext): a
delivered webhook is 已送达, not the vehicle handover (车辆交付) the same English word means in
the callback plans; a received mail that failed was not "sending failed"."""

from django.utils import translation

from kesu.callbacks.choices import Event
from kesu.mailboxes.choices import InboundStatus
from kesu.mailboxes.models import InboundMail, MessageTemplate
from kesu.webhooks.choices import Status


def test_the_chinese_labels_say_what_they_mean_here():
    with translation.override("zh-hans"):
        assert str(Status.DELIVERED.label) == "已送达"
        assert str(Event.DELIVERED.label) == "车辆交付"
        assert str(InboundStatus.FAILED.label) == "处理失败"
        assert str(InboundMail._meta.get_field("sender").verbose_name) == "发件人"
        assert str(MessageTemplate._meta.get_field("kind").verbose_name) == "消息类型"
    with translation.override("en"):
        assert str(Status.DELIVERED.label) == "Delivered"
        assert str(InboundMail._meta.get_field("sender").verbose_name) == "from"
