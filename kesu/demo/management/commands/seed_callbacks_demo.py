"""Demo callbacks for the demo organisation (run seed_demo first)."""

from django.core.management.base import BaseCommand, CommandError

from kesu.demo.callbacks import seed
from kesu.organisation.models import Organisation


class Command(BaseCommand):
    help = "Give the demo organisation a day's callback list and a month of finished callbacks."

    def handle(self, *args, **options):
        organisation = Organisation.objects.filter(code="demo").first()
        if organisation is None:
            raise CommandError("Run seed_demo first: there is no demo organisation.")
        count = seed(organisation)
        self.stdout.write(f"{count} callbacks in the demo organisation.")
