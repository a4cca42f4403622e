"""Emerging issues (issue 13, item 5): many similar complaints about the same product model and
the same defect in a short time, more than that model and category usually get. One
`EmergingIssue` per such cluster of complaints, raised once and updated as it grows
(kesu/emerging/detection.py)."""

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from kesu.complaints.models import Category, Complaint
from kesu.crises.models import Crisis
from kesu.emerging.choices import State
from kesu.improvements.models import ImprovementAction
from kesu.organisation.models import Branch, Department, Organisation

USER = settings.AUTH_USER_MODEL


class EmergingIssue(models.Model):
    organisation = models.ForeignKey(
        Organisation, on_delete=models.PROTECT, related_name="+", verbose_name=_("organisation")
    )
    # The branch of all its complaints; empty when they come from several branches.
    branch = models.ForeignKey(
        Branch,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="emerging_issues",
        verbose_name=_("branch"),
    )
    # The model its complaints' purchases name, without year and trim (similarity.product_key).
    product = models.CharField(_("product or model"), max_length=200, blank=True)
    category = models.ForeignKey(
        Category,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("category"),
    )
    # The department most of its complaints were routed to: it owns the defect.
    department = models.ForeignKey(
        Department,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("owning department"),
    )
    label = models.CharField(_("label"), max_length=100)
    first_seen = models.DateTimeField(_("first complaint received"))
    last_seen = models.DateTimeField(_("last complaint received"))
    size = models.PositiveIntegerField(_("complaints"), default=0)
    # What was usual for the model and category in a window of the same length.
    expected = models.FloatField(_("usual number"), default=0.0)
    state = models.CharField(
        _("state"), max_length=10, choices=State.choices, default=State.OPEN, editable=False
    )
    raised_at = models.DateTimeField(_("raised at"), auto_now_add=True)
    updated_at = models.DateTimeField(_("updated at"), auto_now=True)
    decided_at = models.DateTimeField(_("decided at"), null=True, blank=True, editable=False)
    decided_by = models.ForeignKey(
        USER,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        editable=False,
        verbose_name=_("decided by"),
    )
    dismiss_reason = models.CharField(_("why dismissed"), max_length=500, blank=True)
    improvement = models.ForeignKey(
        ImprovementAction,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("improvement action"),
    )
    crisis = models.ForeignKey(
        Crisis,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("crisis"),
    )
    complaints = models.ManyToManyField(
        Complaint, through="Membership", related_name="+", verbose_name=_("complaints")
    )

    class Meta:
        verbose_name = _("emerging issue")
        verbose_name_plural = _("emerging issues")
        indexes = [
            models.Index(fields=["organisation", "state", "last_seen"], name="emerging_list_idx"),
            # Detection: the clusters of a model and category still growing.
            models.Index(
                fields=["organisation", "category", "product", "last_seen"],
                name="emerging_key_idx",
            ),
        ]

    def __str__(self) -> str:
        return self.label


class Membership(models.Model):
    """A complaint in a cluster: a complaint belongs to one cluster at most."""

    issue = models.ForeignKey(
        EmergingIssue, on_delete=models.CASCADE, related_name="members", verbose_name=_("issue")
    )
    complaint = models.OneToOneField(
        Complaint, on_delete=models.CASCADE, related_name="+", verbose_name=_("complaint")
    )
    # The complaint's branch and time, kept here so that scoping and the trend need no join.
    branch = models.ForeignKey(Branch, on_delete=models.PROTECT, related_name="+")
    received_at = models.DateTimeField(_("received at"))
    similarity = models.FloatField(_("similarity"), default=0.0)
    added_at = models.DateTimeField(_("added at"), auto_now_add=True)

    class Meta:
        verbose_name = _("complaint of an emerging issue")
        verbose_name_plural = _("complaints of emerging issues")
        indexes = [
            models.Index(fields=["issue", "received_at"], name="emerging_member_idx"),
            models.Index(fields=["branch", "issue"], name="emerging_member_branch_idx"),
        ]

    def __str__(self) -> str:
        return f"{self.issue_id}:{self.complaint_id}"


class Watermark(models.Model):
    """How far detection has read an organisation's complaints (the highest id seen); its row
    is locked while a worker detects, so two workers never read the same complaints."""

    organisation = models.OneToOneField(
        Organisation, on_delete=models.CASCADE, related_name="+", verbose_name=_("organisation")
    )
    last_complaint_id = models.BigIntegerField(_("last complaint read"), default=0)
    ran_at = models.DateTimeField(_("last run"), null=True, blank=True)

    class Meta:
        verbose_name = _("emerging issue detection mark")
        verbose_name_plural = _("emerging issue detection marks")

    def __str__(self) -> str:
        return f"{self.organisation_id}: {self.last_complaint_id}"
