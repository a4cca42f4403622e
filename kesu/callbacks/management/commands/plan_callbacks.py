"""The daily planning run: catch up on events, greetings, periodic questionnaires, samples."""

from datetime import date, datetime, time

from django.core.management.base import BaseCommand, CommandError
from django.utils import timezone

from kesu.callbacks.plans import plan_day
from kesu.organisation.models import Organisation


class Command(BaseCommand):
    help = (
        "Create the callback tasks and greetings that are due (safe to run again: nothing is "
        "created twice). Run it once a day, early in the morning."
    )

    def add_arguments(self, parser):
        parser.add_argument("--organisation", help="Only this organisation (its code).")
        parser.add_argument(
            "--date", help="Plan as if it were this day (YYYY-MM-DD), e.g. to redo a missed day."
        )

    def handle(self, *args, **options):
        now = timezone.now()
        if options["date"]:
            try:
                day = date.fromisoformat(options["date"])
            except ValueError as exc:
                raise CommandError("--date takes YYYY-MM-DD") from exc
            now = datetime.combine(day, time(6, 0), tzinfo=timezone.get_current_timezone())
        organisations = Organisation.objects.order_by("pk")
        if options["organisation"]:
            organisations = organisations.filter(code=options["organisation"])
            if not organisations.exists():
                raise CommandError(f"no organisation with code {options['organisation']!r}")
        for organisation in organisations:
            r = plan_day(organisation.pk, now=now)
            self.stdout.write(
                f"{organisation.code}: {r.purchases} purchase callbacks, {r.complaints} complaint "
                f"callbacks, {r.greetings} greeting calls, {r.messages} greeting messages, "
                f"{r.periodic} questionnaires, {r.draws} sample draws ({r.sampled} drawn)"
            )
