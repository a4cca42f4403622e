from django.db import models
from django.utils.translation import gettext_lazy as _


class Purpose(models.TextChoices):
    FILE = "file", _("File a complaint")
    TRACK = "track", _("Track a complaint")
