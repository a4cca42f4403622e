"""Queue the monthly digest of lessons for the managers (the beat does this on the digest day)."""

import re
from datetime import date

from django.core.management.base import BaseCommand, CommandError

from kesu.lessons.digest import digest_send


class Command(BaseCommand):
    help = "Queue the digest of the lessons shared in a month (default: last month) for managers."

    def add_arguments(self, parser):
        parser.add_argument("--month", default="", help="YYYY-MM (default: last month).")

    def handle(self, *args, **options):
        month = None
        if options["month"]:
            match = re.fullmatch(r"(\d{4})-(\d{2})", options["month"])
            if match is None or not 1 <= int(match.group(2)) <= 12:
                raise CommandError("--month must be YYYY-MM, e.g. 2026-11.")
            month = date(int(match.group(1)), int(match.group(2)), 1)
        queued = digest_send(month=month)
        if options["verbosity"] >= 1:
            self.stdout.write(f"{queued} notifications queued")
