from django.db import models
from django.utils.translation import gettext_lazy as _

from kesu.organisation.choices import Role


class LessonAction(models.TextChoices):
    """The timeline entries of a complaint's lesson (audit codes)."""

    MARKED = "lesson_marked", _("Shared as a lesson")
    CHANGED = "lesson_changed", _("Lesson edited")
    UNMARKED = "lesson_unmarked", _("No longer a lesson")


# Who marks a closed complaint's summary as a lesson afterwards, edits or unmarks it: those who
# answer for the handling (the closer shares it at the close, whoever may close).
MARKING_ROLES = frozenset({Role.HANDLER, Role.DIRECTOR, Role.GENERAL_MANAGER})
# Who gets the monthly digest of the lessons of their scope: the managers.
DIGEST_ROLES = frozenset({Role.HANDLER, Role.DIRECTOR, Role.GENERAL_MANAGER, Role.GROUP})
