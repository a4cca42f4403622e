from django.db import models
from django.utils.translation import gettext_lazy as _


class Reach(models.TextChoices):
    """Whose complaints a kept report counts, and so who may open it again."""

    ORGANISATION = "organisation", _("The whole organisation")
    BRANCH = "branch", _("One branch")
