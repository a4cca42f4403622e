"""Improvement actions (DOMAIN §8, seed 001 §4.4): the process-level corrective and preventive
actions a branch or the group takes, with the measure each should move and whether it did; and
the queue of the complaints' own preventive actions waiting to be verified."""

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from kesu.complaints.models import Category, Complaint
from kesu.core.limits import TextLimit
from kesu.improvements import limits
from kesu.improvements.choices import WORKING_STATUSES, Status, Unit
from kesu.organisation.models import Branch, Department, Organisation


class ImprovementAction(models.Model):
    organisation = models.ForeignKey(
        Organisation,
        on_delete=models.PROTECT,
        related_name="improvement_actions",
        verbose_name=_("organisation"),
    )
    branch = models.ForeignKey(
        Branch,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="improvement_actions",
        verbose_name=_("branch"),
        help_text=_("Empty: an action of the whole group."),
    )
    department = models.ForeignKey(
        Department,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="improvement_actions",
        verbose_name=_("department"),
    )
    title = models.CharField(_("name of the action"), max_length=limits.TITLE)
    description = models.TextField(
        _("what will be done"),
        max_length=limits.TEXT,
        blank=True,
        validators=[TextLimit(limits.TEXT)],
    )
    owner = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        related_name="improvement_actions",
        verbose_name=_("owner"),
    )
    due_on = models.DateField(_("due"))
    status = models.CharField(
        _("status"), max_length=16, choices=Status.choices, default=Status.OPEN, editable=False
    )
    # What it is about: cause codes (complaints.choices.CauseClass), categories (each with
    # everything under it), and the complaints that prompted it.
    causes = models.JSONField(_("causes"), default=list, blank=True)
    categories = models.ManyToManyField(
        Category, blank=True, related_name="improvement_actions", verbose_name=_("categories")
    )
    complaints = models.ManyToManyField(
        Complaint, blank=True, related_name="improvement_actions", verbose_name=_("complaints")
    )

    # The measure it should move: the complaints matching its causes and categories (in its
    # branch, or the organisation for a group-wide action), per 30 days or per 1,000 of a number
    # entered by hand for each period (e.g. deliveries).
    unit = models.CharField(
        _("measure"), max_length=16, choices=Unit.choices, default=Unit.PER_30_DAYS
    )
    denominator_label = models.CharField(
        _("business volume counted"),
        max_length=limits.DENOMINATOR_LABEL,
        blank=True,
        help_text=_("What the number entered by hand counts, e.g. deliveries."),
    )
    baseline_from = models.DateField(_("baseline from"))
    baseline_to = models.DateField(_("baseline to"))
    baseline_denominator = models.PositiveIntegerField(
        _("number in the baseline period"), null=True, blank=True
    )
    before_count = models.PositiveIntegerField(_("matching complaints before"), default=0)
    before_value = models.DecimalField(
        _("before"), max_digits=14, decimal_places=2, null=True, blank=True
    )

    # Done and reviewed.
    completed_on = models.DateField(_("done on"), null=True, blank=True, editable=False)
    review_on = models.DateField(_("review on"))
    after_from = models.DateField(_("after from"), null=True, blank=True, editable=False)
    after_to = models.DateField(_("after to"), null=True, blank=True, editable=False)
    after_denominator = models.PositiveIntegerField(
        _("number in the period after"), null=True, blank=True, editable=False
    )
    after_count = models.PositiveIntegerField(
        _("matching complaints after"), null=True, blank=True, editable=False
    )
    after_value = models.DecimalField(
        _("after"), max_digits=14, decimal_places=2, null=True, blank=True, editable=False
    )
    review_note = models.TextField(_("review"), max_length=limits.TEXT, blank=True, editable=False)
    reviewed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        editable=False,
        verbose_name=_("reviewed by"),
    )
    cancel_reason = models.CharField(
        _("why cancelled"), max_length=limits.LINE, blank=True, editable=False
    )
    # Reviewed or cancelled.
    closed_at = models.DateTimeField(null=True, blank=True, editable=False)

    # The dates the reminders were sent for (a moved date is reminded again).
    due_reminded_for = models.DateField(
        _("due date reminded of"), null=True, blank=True, editable=False
    )
    review_reminded_for = models.DateField(
        _("review date reminded of"), null=True, blank=True, editable=False
    )

    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        related_name="+",
        editable=False,
        verbose_name=_("created by"),
    )
    created_at = models.DateTimeField(_("created at"), auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        verbose_name = _("improvement action")
        verbose_name_plural = _("improvement actions")
        indexes = [
            models.Index(fields=["organisation", "branch", "status"], name="improvement_scope_idx"),
            # The reminder sweep and the overdue filter.
            models.Index(fields=["status", "due_on"], name="improvement_due_idx"),
            models.Index(fields=["status", "review_on"], name="improvement_review_idx"),
            models.Index(fields=["owner", "status"], name="improvement_owner_idx"),
            # The monthly report: the actions that were open at some time in a period.
            models.Index(fields=["organisation", "created_at"], name="improvement_created_idx"),
        ]

    def __str__(self) -> str:
        return self.title

    @property
    def is_overdue(self) -> bool:
        """Not done yet, and its due date has passed."""
        return self.status in WORKING_STATUSES and self.due_on < timezone.localdate()

    @property
    def change(self):
        """After minus before, once both are known."""
        if self.before_value is None or self.after_value is None:
            return None
        return self.after_value - self.before_value

    @property
    def change_pct(self) -> int | None:
        change = self.change
        if change is None or not self.before_value:
            return None
        return round(100 * change / self.before_value)


class PreventionCheck(models.Model):
    """A complaint's preventive action waiting for its verification date: the reminder queue.

    Written when the root-cause move gives the preventive action a date; the sweep reminds once
    the date has come and the case is resolved, and the row is done once verified.
    """

    complaint = models.OneToOneField(
        Complaint, on_delete=models.CASCADE, related_name="prevention_check"
    )
    verify_on = models.DateField(_("verify the preventive action on"))
    reminded_at = models.DateTimeField(null=True, blank=True)
    done_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        verbose_name = _("preventive action to verify")
        verbose_name_plural = _("preventive actions to verify")
        indexes = [
            models.Index(
                fields=["verify_on"],
                condition=Q(reminded_at__isnull=True, done_at__isnull=True),
                name="prevention_check_due_idx",
            )
        ]

    def __str__(self) -> str:
        return f"{self.complaint_id} → {self.verify_on}"
