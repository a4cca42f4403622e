from pathlib import Path

from django.core.management.base import BaseCommand, CommandError

from kesu.triage import classifier, dataset
from kesu.triage.models import SHIPPED_MODEL


class Command(BaseCommand):
    help = (
        "Trains the problem-area classifier from a CSV of complaints with known problem codes "
        "(columns desc and problem, like car_complaints_12365auto_2020.csv) and saves it."
    )

    def add_arguments(self, parser):
        parser.add_argument("--csv", required=True, type=Path)
        parser.add_argument("--out", type=Path, default=SHIPPED_MODEL)

    def handle(self, *args, **options):
        try:
            examples = [e for e in dataset.read_examples(options["csv"]) if e.areas]
            model = classifier.train([e.text for e in examples], [e.areas for e in examples])
        except (OSError, ValueError) as error:
            raise CommandError(str(error)) from error
        model.save(options["out"])
        size = options["out"].stat().st_size
        self.stdout.write(
            f"Trained on {len(examples)} complaints, {len(model.labels)} problem areas "
            f"({' '.join(model.labels)}); saved {size // 1024} KB to {options['out']}."
        )
