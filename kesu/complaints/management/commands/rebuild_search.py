from django.core.management.base import BaseCommand
from django.db import transaction

from kesu.complaints.models import Complaint
from kesu.complaints.search import search_grams_for


class Command(BaseCommand):
    help = "Recompute the search pieces of every complaint (after a bulk import or a rename)."

    def add_arguments(self, parser):
        parser.add_argument("--batch-size", type=int, default=5000)
        parser.add_argument(
            "--only-missing", action="store_true", help="Only complaints without pieces."
        )

    def handle(self, *args, batch_size, only_missing, **options):
        qs = (
            Complaint.objects.order_by("pk")
            .select_related("customer")
            .only("pk", "title", "account", "customer__name", "customer_id")
        )
        if only_missing:
            qs = qs.filter(search_grams="")
        last, done = 0, 0
        while True:
            batch = list(qs.filter(pk__gt=last)[:batch_size])
            if not batch:
                break
            for complaint in batch:
                complaint.search_grams = search_grams_for(complaint)
            with transaction.atomic():
                Complaint.objects.bulk_update(batch, ["search_grams"], batch_size=1000)
            last = batch[-1].pk
            done += len(batch)
        self.stdout.write(f"{done} complaints indexed for search.")
