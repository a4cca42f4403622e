from django.core.management.base import BaseCommand
from django.db import connection, transaction

from kesu.complaints.models import Complaint
from kesu.complaints.search import grams_of


class Command(BaseCommand):
    help = "Recompute the search pieces of every complaint (after a bulk import or a rename)."

    def add_arguments(self, parser):
        parser.add_argument("--batch-size", type=int, default=20000)
        parser.add_argument(
            "--only-missing", action="store_true", help="Only complaints without pieces."
        )

    def handle(self, *args, batch_size, only_missing, **options):
        qs = Complaint.objects.order_by("pk")
        if only_missing:
            qs = qs.filter(search_grams="")
        rows = qs.values_list("pk", "title", "account", "customer__name")
        last, done = 0, 0
        while True:
            batch = list(rows.filter(pk__gt=last)[:batch_size])
            if not batch:
                break
            pieces = [
                (pk, " ".join(grams_of(title, account, name))) for pk, title, account, name in batch
            ]
            with transaction.atomic():
                _write(pieces)
            last = batch[-1][0]
            done += len(batch)
            if options.get("verbosity", 1) > 1:
                self.stdout.write(f"  {done} …")
        self.stdout.write(f"{done} complaints indexed for search.")


def _write(pieces: list[tuple[int, str]]) -> None:
    if connection.vendor == "postgresql":
        # COPY into a scratch table and one UPDATE … FROM: fast enough for a million rows.
        with connection.cursor() as cursor:
            cursor.execute(
                "CREATE TEMP TABLE IF NOT EXISTS kesu_search_pieces (id bigint, grams text) "
                "ON COMMIT DELETE ROWS"
            )
            with cursor.copy("COPY kesu_search_pieces (id, grams) FROM STDIN") as copy:
                for row in pieces:
                    copy.write_row(row)
            cursor.execute(
                "UPDATE complaints_complaint c SET search_grams = p.grams "
                "FROM kesu_search_pieces p WHERE c.id = p.id"
            )
        return
    Complaint.objects.bulk_update(
        [Complaint(pk=pk, search_grams=grams) for pk, grams in pieces],
        ["search_grams"],
        batch_size=500,
    )
