"""Last month's report, kept and mailed: the worker's job on KESU_MONTHLY_REPORT_DAY.

For every organisation, the group's report (to the group customer centre) and each branch's
(to its customer directors and general managers) is worked out once per month and kept
(StoredReport, one per `slot`), in every language of the site: the figures as JSON, the PDF
and the Excel workbook. Then each reader is sent the notification (inbox and e-mail), written
in their language when sent, with the PDF of their language attached (the e-mail hook) and a
link to the kept report. Running it again — a second beat, run_worker on the following days,
the command by hand — keeps nothing twice (the slot) and sends nothing twice (the outbox's
event key).
"""

import logging
import time
from datetime import datetime

from django.conf import settings
from django.core.files.base import ContentFile, File
from django.db import IntegrityError, transaction
from django.urls import reverse
from django.utils import timezone, translation

from kesu.notifications.choices import Channel, Kind
from kesu.notifications.hooks import Attachment, DailyJob
from kesu.notifications.services import notify_many
from kesu.organisation.choices import Role
from kesu.organisation.models import Branch, Organisation, User
from kesu.reports.choices import Reach
from kesu.reports.exports import write_report_xlsx
from kesu.reports.models import StoredReport, StoredReportCopy
from kesu.reports.periods import Period, last_month
from kesu.reports.printing import report_pdf
from kesu.reports.selectors import monthly_report, report_cohort, report_heading, stored_copy_for
from kesu.reports.snapshots import report_data

logger = logging.getLogger("kesu.reports")
BRANCH_READERS = (Role.DIRECTOR, Role.GENERAL_MANAGER)


def slot_of(branch_id: int | None, period: Period) -> str:
    return f"monthly:{branch_id or 'all'}:{period.label}"


def monthly_reports_due(now: datetime | None = None) -> bool:
    """From the report day's hour on, until the month ends (a worker down on the day catches up)."""
    local = timezone.localtime(now)
    day = settings.KESU_MONTHLY_REPORT_DAY
    return local.day > day or (local.day == day and local.hour >= settings.KESU_MONTHLY_REPORT_HOUR)


def keep_monthly_reports(*, period: Period | None = None, languages=None) -> int:
    """Keep and mail the reports of `period` (by default last month) of every organisation;
    returns how many notifications were queued (0 when run again)."""
    period = period or last_month()
    queued = 0
    for organisation in Organisation.objects.order_by("pk"):
        queued += organisation_reports(organisation, period, languages=languages)
    return queued


def organisation_reports(organisation: Organisation, period: Period, *, languages=None) -> int:
    users = User.objects.filter(organisation=organisation, is_active=True).order_by("pk")
    queued = 0
    group = list(users.filter(role=Role.GROUP))
    if group:
        queued += _keep_and_mail(organisation, None, group, period, languages)
    readers_by_branch: dict[int, list[User]] = {}
    for user in users.filter(role__in=BRANCH_READERS, branch__isnull=False):
        readers_by_branch.setdefault(user.branch_id, []).append(user)
    for branch in Branch.objects.filter(organisation=organisation).order_by("pk"):
        readers = readers_by_branch.get(branch.pk, [])
        if readers:
            queued += _keep_and_mail(organisation, branch, readers, period, languages)
    return queued


def _keep_and_mail(organisation, branch, readers: list[User], period: Period, languages) -> int:
    """One report: a failure is logged and leaves the others be (the next run tries again)."""
    try:
        return _keep_and_mail_one(organisation, branch, readers, period, languages)
    except Exception:
        logger.exception(
            "report %s of %s not kept",
            slot_of(branch.pk if branch else None, period),
            organisation.pk,
        )
        return 0


def _keep_and_mail_one(organisation, branch, readers, period: Period, languages) -> int:
    slot = slot_of(branch.pk if branch else None, period)
    kept = StoredReport.objects.filter(organisation=organisation, slot=slot).first()
    if kept is None:
        # The report is worked out as its first reader sees it: the whole organisation for the
        # group, the branch for a director (a general manager sees the same complaints).
        kept = keep_report(readers[0], period, slot=slot, branch=branch, languages=languages)
        if kept is None:  # another worker kept it meanwhile
            return 0
    if kept.mailed_at is not None:
        return 0
    with transaction.atomic():
        queued = notify_many(
            [
                {
                    "organisation_id": organisation.pk,
                    "branch_id": branch.pk if branch else None,
                    "recipients": readers,
                    "kind": Kind.MONTHLY_REPORT,
                    "payload": _payload(kept),
                    "dedupe_key": f"monthly_report:{kept.pk}",
                    "channels": (Channel.INBOX, Channel.EMAIL),
                    "webhooks": False,
                }
            ]
        )
        StoredReport.objects.filter(pk=kept.pk).update(mailed_at=timezone.now())
    return queued


def keep_report(reader: User, period: Period, *, slot: str, branch=None, languages=None):
    """Work out `reader`'s report of `period` in each language and keep it; None when the slot
    was kept by someone else meanwhile."""
    started = time.monotonic()
    languages = list(languages or [code for code, _name in settings.LANGUAGES])
    made = []
    for language in languages:
        with translation.override(language):
            report = monthly_report(reader, period, {})
            heading = report_heading(reader)
            pdf = report_pdf(report, heading)
            cohort = report_cohort(reader, period, {})
            out, rows, capped = write_report_xlsx(report, heading, raw=(reader, cohort))
            made.append((language, report, report_data(report, heading), pdf, out, rows, capped))
    try:
        with transaction.atomic():
            kept = StoredReport.objects.create(
                organisation_id=reader.organisation_id,
                reach=Reach.BRANCH if branch is not None else Reach.ORGANISATION,
                branch=branch,
                period_kind=period.kind,
                period_start=period.start,
                period_end=period.end,
                generated_at=made[0][1].generated_at,
                slot=slot,
            )
            for language, _report, data, pdf, out, rows, capped in made:
                copy = StoredReportCopy(
                    report=kept, language=language, data=data, raw_rows=rows, raw_capped=capped
                )
                name = f"monthly-report-{period.label}-{language}"
                copy.pdf.save(f"{name}.pdf", ContentFile(pdf), save=False)
                copy.xlsx.save(f"{name}.xlsx", File(out), save=False)
                copy.save()
    except IntegrityError:
        return None
    finally:
        for item in made:
            item[4].close()
    logger.info("report %s kept in %.1f s", slot, time.monotonic() - started)
    return kept


def _payload(kept: StoredReport) -> dict:
    copy = stored_copy_for(kept, settings.LANGUAGE_CODE)
    figures = (copy.data.get("report", {}) if copy else {}) or {}
    return {
        "stored_report_id": kept.pk,
        "month": kept.label,
        "where": kept.branch.name if kept.branch_id else "",
        "total": figures.get("total"),
        "overdue": figures.get("overdue_count"),
        "crisis": figures.get("crisis_count"),
        "path": reverse("reports:kept-detail", args=[kept.pk]),
    }


def report_attachments(kind: str, payload: dict, language: str | None) -> list[Attachment]:
    """The e-mail hook: the kept report's PDF in the reader's language."""
    if kind != Kind.MONTHLY_REPORT:
        return []
    kept = StoredReport.objects.filter(pk=payload.get("stored_report_id")).first()
    copy = stored_copy_for(kept, language) if kept is not None else None
    if copy is None or not copy.pdf:
        return []
    with copy.pdf.open("rb") as handle:
        content = handle.read()
    where = kept.branch.code if kept.branch_id else "all"
    return [Attachment(f"monthly-report-{kept.label}-{where}.pdf", content, "application/pdf")]


def daily_job() -> DailyJob:
    """For run_worker (kesu/notifications/hooks.py)."""
    return DailyJob("monthly_reports", monthly_reports_due, keep_monthly_reports)
