from django.db import models
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy


class State(models.TextChoices):
    OPEN = "open", pgettext_lazy("emerging issue", "Open")
    ACTED_ON = "acted_on", pgettext_lazy("emerging issue", "Acted on")
    DISMISSED = "dismissed", pgettext_lazy("emerging issue", "Dismissed")


class EmergingAudit(models.TextChoices):
    """The entries an emerging issue writes on the trail (its first complaint's timeline)."""

    RAISED = "emerging_raised", _("Emerging issue raised")
    DISMISSED = "emerging_dismissed", _("Emerging issue dismissed")
    IMPROVEMENT = "emerging_improvement", _("Improvement action started from an emerging issue")
    CRISIS = "emerging_crisis", _("Crisis started from an emerging issue")
