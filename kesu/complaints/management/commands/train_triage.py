from pathlib import Path

from django.core.management.base import BaseCommand, CommandError

from kesu.complaints.triage_training import MIN_EXAMPLES, acceptance, train_organisation
from kesu.organisation.models import Organisation
from kesu.triage import classifier, dataset
from kesu.triage.models import SHIPPED_MODEL


class Command(BaseCommand):
    help = (
        "Trains triage classifiers. --organisation CODE: the organisation's own models "
        "(category, cause, department, demand) from its closed complaints, stored in the "
        "database. --csv FILE: the problem-area classifier from a CSV of complaints with known "
        "problem codes (columns desc and problem, like car_complaints_12365auto_2020.csv), "
        "saved to --out."
    )

    def add_arguments(self, parser):
        source = parser.add_mutually_exclusive_group(required=True)
        source.add_argument("--csv", type=Path)
        source.add_argument("--organisation", help="The organisation's code.")
        parser.add_argument("--out", type=Path, default=SHIPPED_MODEL)

    def handle(self, *args, **options):
        if options["organisation"]:
            self.organisation(options["organisation"])
            return
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

    def organisation(self, code: str) -> None:
        organisation = Organisation.objects.filter(code=code).first()
        if organisation is None:
            raise CommandError(f"No organisation has the code {code!r}.")
        for result in train_organisation(organisation.pk):
            if result.skipped:
                self.stdout.write(
                    f"{result.field}: not trained, {result.skipped} ({result.examples} closed "
                    f"complaints with it, {result.classes} values; needs {MIN_EXAMPLES} and 2)."
                )
            else:
                self.stdout.write(
                    f"{result.field}: trained on {result.examples} closed complaints, "
                    f"{result.classes} values, held-out accuracy {result.accuracy}."
                )
        for field, tally in acceptance(organisation.pk).items():
            share = round(100 * tally["accepted"] / tally["shown"])
            self.stdout.write(
                f"{field}: staff kept {tally['accepted']} of {tally['shown']} suggestions "
                f"shown ({share} %)."
            )
