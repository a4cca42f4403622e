"""Kept reports: the monthly analysis as it was when it was worked out, to be opened again later.

A kept report (StoredReport) says whose figures it holds (its reach: the organisation or one
branch) and the period. Its copies (StoredReportCopy) hold, for each language of the site, the
report's figures as JSON (kesu/reports/snapshots.py: the page is drawn again from them), the PDF
that was mailed and the Excel workbook, whose raw data sheet lists the complaints as they were.
The worker keeps each branch's and the group's report of last month once (its `slot`) and mails
it (kesu/reports/keeping.py).
"""

from django.db import models
from django.utils.translation import gettext_lazy as _

from kesu.organisation.models import Branch, Department, Organisation
from kesu.reports.choices import Reach


class StoredReport(models.Model):
    organisation = models.ForeignKey(Organisation, on_delete=models.PROTECT, related_name="+")
    reach = models.CharField(_("whose figures"), max_length=20, choices=Reach.choices)
    branch = models.ForeignKey(
        Branch, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    period_kind = models.CharField(
        _("kind of period"), max_length=10
    )  # month, quarter, year, custom
    period_start = models.DateField(_("first day"))
    period_end = models.DateField(_("day after the last"))  # the day after the last one
    generated_at = models.DateTimeField(_("worked out at"))
    # "monthly:<branch id|all>:<YYYY-MM>": the worker keeps each one once.
    slot = models.CharField(_("kept for"), max_length=80)
    mailed_at = models.DateTimeField(
        _("mailed at"), null=True, blank=True
    )  # its readers' mail was queued

    class Meta:
        verbose_name = _("kept report")
        verbose_name_plural = _("kept reports")
        constraints = [
            models.UniqueConstraint(
                fields=["organisation", "slot"], name="stored_report_one_per_slot"
            )
        ]
        indexes = [
            models.Index(fields=["organisation", "-period_start"], name="stored_report_list"),
            models.Index(fields=["branch", "-period_start"], name="stored_report_branch"),
        ]

    def __str__(self) -> str:
        return self.slot

    @property
    def label(self) -> str:
        """The period as the report names it: 2026-11."""
        return f"{self.period_start:%Y-%m}"

    @property
    def title(self) -> str:
        """2026-11 · 东区店, or 2026-11 · all branches."""
        where = self.branch.name if self.branch_id else _("All branches")
        return f"{self.label} · {where}"


def copy_path(instance: "StoredReportCopy", filename: str) -> str:
    report = instance.report
    return f"reports/{report.organisation_id}/{report.pk}/{filename}"


class StoredReportCopy(models.Model):
    """The report in one language: its figures (snapshots.report_data), PDF and workbook."""

    report = models.ForeignKey(StoredReport, on_delete=models.CASCADE, related_name="copies")
    language = models.CharField(_("language"), max_length=10)
    data = models.JSONField()
    pdf = models.FileField(_("PDF file"), upload_to=copy_path, max_length=300)
    xlsx = models.FileField(_("Excel workbook"), upload_to=copy_path, max_length=300)
    raw_rows = models.PositiveIntegerField(
        _("rows of the raw data sheet"), default=0
    )  # complaints on the raw data sheet
    raw_capped = models.BooleanField(
        _("raw data cut at the cap"), default=False
    )  # the sheet stopped at the export's cap

    class Meta:
        verbose_name = _("kept report file")
        verbose_name_plural = _("kept report files")
        constraints = [
            models.UniqueConstraint(
                fields=["report", "language"], name="stored_report_copy_per_language"
            )
        ]

    def __str__(self) -> str:
        return f"{self.report_id} {self.language}"


class MonthlyCount(models.Model):
    """How many complaints one slice of an organisation received in a month, by one dimension
    (kesu/reports/rollups.py): the rows of a month, a branch and a department ("no
    department" is null) give the total and the counts by kind, channel, category (the leaf),
    cause and severity — what the report's trend and its comparisons with the period before and
    a year earlier read instead of counting the complaints again. A merged duplicate is left out,
    as the report counts it. Written only by the worker's refresh."""

    organisation = models.ForeignKey(
        Organisation, on_delete=models.CASCADE, related_name="+", db_index=False
    )
    month = models.DateField(_("month"))  # its first day, in the site's time zone
    branch = models.ForeignKey(Branch, on_delete=models.CASCADE, related_name="+", db_index=False)
    department = models.ForeignKey(
        Department,
        on_delete=models.CASCADE,
        null=True,
        blank=True,
        related_name="+",
        db_index=False,
    )
    dimension = models.CharField(_("dimension"), max_length=12)  # total, kind, channel, …
    value = models.CharField(_("value"), max_length=40, blank=True)  # its code or id, "" for none
    count = models.PositiveIntegerField(_("complaints"))

    class Meta:
        verbose_name = _("monthly count")
        verbose_name_plural = _("monthly counts")
        indexes = [
            models.Index(
                fields=["organisation", "month", "branch", "department"],
                name="monthly_count_slice",
            )
        ]

    def __str__(self) -> str:
        return f"{self.month:%Y-%m} {self.dimension}={self.value}: {self.count}"


class RollupState(models.Model):
    """How far an organisation's monthly counts are current: every change to its complaints
    made before `built_through` is in them (kesu/reports/rollups.py)."""

    organisation = models.OneToOneField(Organisation, on_delete=models.CASCADE, related_name="+")
    built_through = models.DateTimeField(_("current up to"))
    refreshed_at = models.DateTimeField(_("refreshed at"))
    months = models.PositiveIntegerField(
        _("months counted again"), default=0
    )  # by the last refresh

    class Meta:
        verbose_name = _("state of the monthly counts")
        verbose_name_plural = _("states of the monthly counts")

    def __str__(self) -> str:
        return f"{self.organisation_id} @ {self.built_through:%Y-%m-%d %H:%M}"
