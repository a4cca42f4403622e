from pathlib import Path

from django.core.management.base import BaseCommand, CommandError

from kesu.audit.checkpoints import checkpoint_path, iter_checkpoint_breaks
from kesu.audit.models import AuditEntry
from kesu.audit.row_checks import RowCheck, row_checks
from kesu.audit.services import iter_chain_breaks


def _chain(options):
    return iter_chain_breaks()


def _checkpoints(options):
    return iter_checkpoint_breaks(options["checkpoints"] or checkpoint_path())


# Each check of the trail takes the command's options and yields its problems (printed with str()).
CHECKS = [
    _chain,
    _checkpoints,
]


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
        # ---- Rows against their timelines (the apps' checks: kesu/audit/row_checks.py) ----
        failures = []
        if not options["skip_complaints"]:
            failures = [failed for check in row_checks if (failed := self.check_rows(check))]
        self.verify_trail(options)
        if failures:
            raise CommandError(" ".join(failures))

    def check_rows(self, check: RowCheck) -> str | None:
        """Print the rows that differ; the error to raise once the trail is verified, if any."""
        mismatches = 0
        for mismatch in check.mismatches():
            mismatches += 1
            self.stdout.write(str(mismatch))
        if mismatches:
            return check.failed(mismatches)
        self.stdout.write(self.style.SUCCESS(check.verified()))
        return None

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
