"""Bring the report's monthly counts up to date by hand: `manage.py refresh_rollups`.

What the worker does every minute (kesu/reports/rollups.py): each organisation's months that
changed since the last refresh counted again, every month the first time; `--rebuild` counts
every month again, `--organisation CODE` only that organisation.
"""

import time

from django.core.management.base import BaseCommand, CommandError

from kesu.organisation.models import Organisation
from kesu.reports.rollups import refresh_rollups


class Command(BaseCommand):
    help = "Count again the months of complaints that changed since the last refresh."

    def add_arguments(self, parser):
        parser.add_argument("--organisation", default="", help="Its code (default: all).")
        parser.add_argument("--rebuild", action="store_true", help="Count every month again.")

    def handle(self, *args, **options):
        organisations = Organisation.objects.order_by("pk")
        if options["organisation"]:
            organisations = organisations.filter(code=options["organisation"])
            if not organisations.exists():
                raise CommandError(f"No organisation with the code {options['organisation']!r}.")
        for organisation in organisations:
            started = time.monotonic()
            months = refresh_rollups(organisation.pk, rebuild=options["rebuild"])
            self.stdout.write(
                f"{organisation.code}: {months} months counted in "
                f"{time.monotonic() - started:.1f} s"
            )
