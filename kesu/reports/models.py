"""Kept reports: the monthly analysis as it was when it was worked out, to be opened again later.

A kept report (StoredReport) says whose figures it holds (its reach: the organisation, a branch,
or one handling manager's cases), the period and the scope filters. Its copies
(StoredReportCopy) hold, for each language of the site, the report's figures as JSON, its PDF
and its Excel workbook — the raw data sheet lists the cohort's complaints as they were. The
worker keeps each branch's and the group's report of last month (its `slot`) and mails it
(StoredReportMail: who got it).
"""

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from kesu.organisation.models import Branch, Organisation
from kesu.reports.choices import Reach


class StoredReport(models.Model):
    organisation = models.ForeignKey(Organisation, on_delete=models.PROTECT, related_name="+")
    reach = models.CharField(_("whose figures"), max_length=20, choices=Reach.choices)
    branch = models.ForeignKey(
        Branch, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    period_kind = models.CharField(max_length=10)  # month, quarter, year, custom
    period_start = models.DateField(_("first day"))
    period_end = models.DateField()  # the day after the last one
    scope = models.JSONField(default=dict, blank=True)  # the scope filters, as given
    generated_at = models.DateTimeField(_("worked out at"))
    # Who kept it from the report page; empty for the worker's monthly report.
    kept_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("kept by"),
    )
    # The worker's report of one month and branch (or the group): "monthly:<branch|all>:<month>",
    # kept once; empty for the reports people keep.
    slot = models.CharField(max_length=80, blank=True, default="")
    ready_at = models.DateTimeField(null=True, blank=True)  # its copies are complete
    mailed_at = models.DateTimeField(null=True, blank=True)  # everyone addressed was mailed
    # A worker's lease while it works the report out or mails it: others leave it alone.
    claimed_until = models.DateTimeField(null=True, blank=True)

    class Meta:
        verbose_name = _("kept report")
        verbose_name_plural = _("kept reports")
        constraints = [
            models.UniqueConstraint(
                fields=["organisation", "slot"],
                condition=~Q(slot=""),
                name="stored_report_one_per_slot",
            )
        ]
        indexes = [
            models.Index(
                fields=["organisation", "-period_start", "-generated_at"], name="stored_report_list"
            ),
            models.Index(fields=["branch", "-period_start"], name="stored_report_branch"),
        ]

    def __str__(self) -> str:
        return f"{self.period_start:%Y-%m-%d} {self.reach} {self.branch_id or ''}".strip()


def copy_path(instance: "StoredReportCopy", filename: str) -> str:
    report = instance.report
    return f"reports/{report.organisation_id}/{report.pk}/{filename}"


class StoredReportCopy(models.Model):
    """The report in one language: its figures (snapshots.report_data), PDF and workbook."""

    report = models.ForeignKey(StoredReport, on_delete=models.CASCADE, related_name="copies")
    language = models.CharField(max_length=10)
    data = models.JSONField()
    pdf = models.FileField(upload_to=copy_path, max_length=300)
    xlsx = models.FileField(upload_to=copy_path, max_length=300)
    raw_rows = models.PositiveIntegerField(default=0)  # complaints on the raw data sheet
    raw_capped = models.BooleanField(default=False)  # the sheet stopped at the export's cap

    class Meta:
        constraints = [
            models.UniqueConstraint(
                fields=["report", "language"], name="stored_report_copy_per_language"
            )
        ]


class StoredReportMail(models.Model):
    """One reader the worker mailed the report to (so a second run mails them no more)."""

    report = models.ForeignKey(StoredReport, on_delete=models.CASCADE, related_name="mails")
    recipient = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    address = models.CharField(max_length=254)
    sent_at = models.DateTimeField()

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["report", "recipient"], name="stored_report_mail_once")
        ]
