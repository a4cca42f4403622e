from django.core.management.base import BaseCommand
from django.db import connection, transaction

from kesu.audit.models import AuditEntry
from kesu.complaints.models import Complaint
from kesu.complaints.search import SEARCHED_FIELDS, grams_of, notes_of_move, searched_texts
from kesu.complaints.workflow import TRANSITIONS


class Command(BaseCommand):
    help = (
        "Recompute the search pieces of every complaint and the texts only its timeline keeps "
        "(case summary, reasons of moves), after a bulk import or a rename."
    )

    def add_arguments(self, parser):
        parser.add_argument("--batch-size", type=int, default=20000)
        parser.add_argument(
            "--only-missing", action="store_true", help="Only complaints without pieces."
        )

    def handle(self, *args, batch_size, only_missing, **options):
        qs = Complaint.objects.order_by("pk")
        if only_missing:
            qs = qs.filter(search_grams="")
        fields = [name for name in SEARCHED_FIELDS if name != "search_notes"]
        rows = qs.values_list("pk", "customer__name", *fields)
        last, done = 0, 0
        while True:
            batch = list(rows.filter(pk__gt=last)[:batch_size])
            if not batch:
                break
            notes = _timeline_notes(batch[0][0], batch[-1][0])
            pieces = []
            for pk, name, *texts in batch:
                values = dict(zip(fields, texts, strict=True))
                values["search_notes"] = notes.get(pk, "")
                grams = " ".join(grams_of(*searched_texts(values, name)))
                pieces.append((pk, grams, values["search_notes"]))
            with transaction.atomic():
                _write(pieces)
            last = batch[-1][0]
            done += len(batch)
            if options.get("verbosity", 1) > 1:
                self.stdout.write(f"  {done} …")
        self.stdout.write(f"{done} complaints indexed for search.")


def _timeline_notes(first: int, last: int) -> dict[int, str]:
    """The summaries and reasons the moves of complaints first…last recorded, oldest first."""
    notes: dict[int, list[str]] = {}
    entries = (
        AuditEntry.objects.filter(
            complaint_id__gte=first, complaint_id__lte=last, action__in=list(TRANSITIONS)
        )
        .order_by("complaint_id", "seq")
        .values_list("complaint_id", "data")
    )
    for complaint_id, data in entries.iterator(chunk_size=5000):
        texts = notes_of_move(data if isinstance(data, dict) else {})
        if texts:
            notes.setdefault(complaint_id, []).extend(texts)
    return {pk: "\n".join(texts) for pk, texts in notes.items()}


def _write(pieces: list[tuple[int, str, str]]) -> None:
    if connection.vendor == "postgresql":
        # COPY into a scratch table and one UPDATE … FROM: fast enough for a million rows.
        with connection.cursor() as cursor:
            cursor.execute(
                "CREATE TEMP TABLE IF NOT EXISTS kesu_search_pieces_v2 "
                "(id bigint, grams text, notes text) ON COMMIT DELETE ROWS"
            )
            with cursor.copy("COPY kesu_search_pieces_v2 (id, grams, notes) FROM STDIN") as copy:
                for row in pieces:
                    copy.write_row(row)
            cursor.execute(
                "UPDATE complaints_complaint c SET search_grams = p.grams, search_notes = p.notes "
                "FROM kesu_search_pieces_v2 p WHERE c.id = p.id"
            )
        return
    Complaint.objects.bulk_update(
        [Complaint(pk=pk, search_grams=grams, search_notes=notes) for pk, grams, notes in pieces],
        ["search_grams", "search_notes"],
        batch_size=500,
    )
