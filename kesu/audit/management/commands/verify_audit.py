from django.core.management.base import BaseCommand, CommandError

from kesu.audit.consistency import iter_complaint_mismatches
from kesu.audit.models import AuditEntry
from kesu.audit.services import iter_chain_breaks
from kesu.complaints.models import Complaint

PROBLEMS = {
    "hash_mismatch": "its content does not match its hash (the row was edited)",
    "link_mismatch": "it does not link to the previous entry's hash (a row was edited or replaced)",
    "missing_entry": "the entry with this sequence number is missing (a row was deleted)",
    "head_mismatch": "the chain ends before its recorded head (rows at the end were deleted)",
}


def _complaints(options):
    """The complaint fields whose row differs from the timeline (printed with str())."""
    return () if options["skip_complaints"] else iter_complaint_mismatches()


class Command(BaseCommand):
    help = (
        "Verify the audit trail's hash chain and report the first entry that does not verify; "
        "then check that every complaint's row says what its timeline says."
    )

    def add_arguments(self, parser):
        parser.add_argument(
            "--skip-complaints",
            action="store_true",
            help="Do not compare the complaint rows with their timelines.",
        )

    def handle(self, *args, **options):
        # ---- Complaint rows against their timelines (kesu/audit/consistency.py) ----
        mismatches = 0
        for mismatch in _complaints(options):
            mismatches += 1
            self.stdout.write(str(mismatch))
        if not options["skip_complaints"] and not mismatches:
            total = Complaint.objects.count()
            self.stdout.write(
                self.style.SUCCESS(f"Complaints verified: {total} rows match their timelines.")
            )
        self.verify_chain()
        if mismatches:
            raise CommandError(
                f"{mismatches} complaint field(s) differ from what the timeline recorded."
            )

    # ---- The hash chain ----
    def verify_chain(self):
        breaks = list(iter_chain_breaks())
        if not breaks:
            total = AuditEntry.objects.count()
            self.stdout.write(
                self.style.SUCCESS(f"Audit trail verified: {total} entries, no break.")
            )
            return
        for brk in breaks:
            self.stdout.write(
                f"organisation {brk.organisation_id}: entry seq={brk.seq}"
                + (f" (id={brk.entry_id})" if brk.entry_id else "")
                + f" does not verify: {PROBLEMS[brk.problem]}"
            )
        raise CommandError("The audit trail does not verify.")
