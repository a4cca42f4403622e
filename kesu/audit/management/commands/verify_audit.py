from pathlib import Path

from django.core.management.base import BaseCommand, CommandError

from kesu.audit.checkpoints import checkpoint_path, iter_checkpoint_breaks
from kesu.audit.consistency import iter_complaint_mismatches
from kesu.audit.models import AuditEntry
from kesu.audit.services import iter_chain_breaks
from kesu.complaints.models import Complaint


def _chain(options):
    return iter_chain_breaks()


def _checkpoints(options):
    return iter_checkpoint_breaks(options["checkpoints"] or checkpoint_path())


# Each check of the trail takes the command's options and yields its problems (printed with str()).
CHECKS = [
    _chain,
    _checkpoints,
]


def _complaints(options):
    """The complaint fields whose row differs from the timeline (printed with str())."""
    return () if options["skip_complaints"] else iter_complaint_mismatches()


class Command(BaseCommand):
    help = (
        "Verify the audit trail: each lane's hash chain and MACs, and the signed checkpoints "
        "(the first entry of each lane that does not verify); then check that every "
        "complaint's row says what its timeline says."
    )

    def add_arguments(self, parser):
        parser.add_argument(
            "--checkpoints",
            default="",
            help="The checkpoint file to check against (default KESU_AUDIT_CHECKPOINT_FILE), "
            "e.g. the copy shipped to another host.",
        )
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
        self.verify_trail(options)
        if mismatches:
            raise CommandError(
                f"{mismatches} complaint field(s) differ from what the timeline recorded."
            )

    # ---- The trail: hash chains, MACs, checkpoints ----
    def verify_trail(self, options):
        problems = [problem for check in CHECKS for problem in check(options)]
        if not problems:
            total = AuditEntry.objects.count()
            path = Path(options["checkpoints"] or checkpoint_path())
            self.stdout.write(
                self.style.SUCCESS(f"Audit trail verified: {total} entries, no break.")
            )
            if total and not path.exists():
                self.stdout.write(f"No checkpoint file at {path}: run audit_checkpoint.")
            return
        for problem in problems:
            self.stdout.write(str(problem))
        raise CommandError("The audit trail does not verify.")
