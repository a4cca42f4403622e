from django.core.management.base import BaseCommand, CommandError

from kesu.audit.models import AuditEntry
from kesu.audit.services import iter_chain_breaks

PROBLEMS = {
    "hash_mismatch": "its content does not match its hash (the row was edited)",
    "link_mismatch": "it does not link to the previous entry's hash (a row was edited or replaced)",
    "missing_entry": "the entry with this sequence number is missing (a row was deleted)",
    "head_mismatch": "the chain ends before its recorded head (rows at the end were deleted)",
}


class Command(BaseCommand):
    help = "Verify the audit trail's hash chain and report the first entry that does not verify."

    def handle(self, *args, **options):
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
