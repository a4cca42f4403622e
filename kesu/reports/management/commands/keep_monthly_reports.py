"""Keep and mail the monthly reports by hand: `manage.py keep_monthly_reports --month 2026-11`.

What the worker does on KESU_MONTHLY_REPORT_DAY (kesu/reports/keeping.py), for any month;
a report already kept is not worked out again, a reader already mailed is not mailed again.
"""

from django.core.exceptions import ValidationError
from django.core.management.base import BaseCommand, CommandError

from kesu.reports.keeping import keep_monthly_reports
from kesu.reports.periods import period_from


class Command(BaseCommand):
    help = "Keep last month's (or --month's) report of the group and each branch, and mail it."

    def add_arguments(self, parser):
        parser.add_argument("--month", default="", help="YYYY-MM (default: last month).")

    def handle(self, *args, **options):
        try:
            period = period_from({"month": options["month"]})
        except ValidationError as exc:
            raise CommandError(" ".join(exc.messages)) from None
        queued = keep_monthly_reports(period=period)
        self.stdout.write(f"{period.label}: {queued} notifications queued")
