"""A lesson: a closed complaint's summary shared for everyone in the organisation to learn from.

One per complaint. It copies what is searched and filtered by (category, cause, branch, the
department that handled it) so the lists read this table alone, and keeps the two-character
pieces of its texts for word search (kesu/complaints/search.py). It holds nothing of the
customer: the page and the API show lessons across branches.
"""

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from kesu.complaints import limits
from kesu.complaints.choices import CauseClass
from kesu.complaints.models import Category, Complaint
from kesu.core.limits import TextLimit
from kesu.organisation.models import Branch, Department, Organisation


class Lesson(models.Model):
    organisation = models.ForeignKey(
        Organisation, on_delete=models.PROTECT, related_name="+", verbose_name=_("organisation")
    )
    branch = models.ForeignKey(
        Branch, on_delete=models.PROTECT, related_name="lessons", verbose_name=_("branch")
    )
    department = models.ForeignKey(
        Department,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="lessons",
        verbose_name=_("handling department"),
    )
    complaint = models.OneToOneField(
        Complaint, on_delete=models.PROTECT, related_name="lesson", verbose_name=_("complaint")
    )
    category = models.ForeignKey(
        Category,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="lessons",
        verbose_name=_("category"),
    )
    cause = models.CharField(
        _("cause class"), max_length=20, choices=CauseClass.choices, blank=True
    )
    title = models.CharField(_("title"), max_length=limits.LESSON_TITLE)
    text = models.TextField(
        _("what happened"),
        max_length=limits.TEXT,
        blank=True,
        validators=[TextLimit(limits.TEXT)],
        help_text=_("The case summary, as the closer wrote it or edited for colleagues."),
    )
    advice = models.TextField(
        _("what to do differently"),
        max_length=limits.TEXT,
        blank=True,
        validators=[TextLimit(limits.TEXT)],
    )
    marked_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        related_name="+",
        verbose_name=_("shared by"),
    )
    marked_at = models.DateTimeField(_("shared at"))
    # Two-character pieces of title, text and advice (complaints/search.py grams_of).
    search_grams = models.TextField(default="", blank=True, editable=False)

    class Meta:
        verbose_name = _("lesson")
        verbose_name_plural = _("lessons")
        # Newest first within each filter, so every index ends with id (keyset paging).
        indexes = [
            models.Index(fields=["organisation", "id"], name="lesson_org_idx"),
            models.Index(fields=["organisation", "cause", "id"], name="lesson_cause_idx"),
            models.Index(fields=["category", "id"], name="lesson_category_idx"),
            models.Index(fields=["branch", "id"], name="lesson_branch_idx"),
            # The monthly digest and the "shared in" filter.
            models.Index(fields=["organisation", "marked_at"], name="lesson_marked_idx"),
        ]

    def __str__(self) -> str:
        return self.title
