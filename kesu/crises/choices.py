from django.db import models
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy


class Status(models.TextChoices):
    OPEN = "open", pgettext_lazy("crisis", "Open")
    ENDED = "ended", pgettext_lazy("crisis", "Ended")


class Platform(models.TextChoices):
    """Where a watched post or article was published."""

    WEIBO = "weibo", _("Weibo")
    WECHAT = "wechat", _("WeChat")
    DOUYIN = "douyin", _("Douyin")
    XIAOHONGSHU = "xiaohongshu", _("Xiaohongshu")
    VIDEO = "video", _("Other video platform")
    FORUM = "forum", _("Car forum")
    NEWS = "news", _("News site or paper")
    COMPLAINT_SITE = "complaint_site", _("Complaint platform")
    OTHER = "other", _("Other")


class CrisisAudit(models.TextChoices):
    """The entries a crisis writes on its complaint's timeline."""

    OPENED = "crisis_opened", _("Crisis handling opened")
    SPOKESPERSON = "crisis_spokesperson", _("Crisis spokesperson named")
    NOTICE = "crisis_notice", _("Crisis internal notice changed")
    STEP_ADDED = "crisis_step_added", _("Crisis action step added")
    STEP_DONE = "crisis_step_done", _("Crisis action step done")
    STEP_ESCALATED = (
        "crisis_step_escalated",
        _("Crisis action step overdue: escalated to the general manager"),
    )
    STATEMENT = "crisis_statement", _("Public statement recorded")
    POST = "crisis_post", _("Watched post recorded")
    ENDED = "crisis_ended", _("Crisis ended and reviewed")
