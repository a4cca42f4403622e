from pathlib import Path

from django.core.management.base import BaseCommand, CommandError

from kesu.audit.checkpoints import checkpoint_path, iter_checkpoint_breaks
from kesu.audit.models import AuditEntry
from kesu.audit.services import iter_chain_breaks


def _chain(options):
    return iter_chain_breaks()


def _checkpoints(options):
    return iter_checkpoint_breaks(options["checkpoints"] or checkpoint_path())


# Each check takes the command's options and yields its problems (printed with str()).
CHECKS = [
    _chain,
    _checkpoints,
]


class Command(BaseCommand):
    help = (
        "Verify the audit trail: each lane's hash chain and MACs, and the signed checkpoints; "
        "report the first entry of each lane that does not verify."
    )

    def add_arguments(self, parser):
        parser.add_argument(
            "--checkpoints",
            default="",
            help="The checkpoint file to check against (default KESU_AUDIT_CHECKPOINT_FILE), "
            "e.g. the copy shipped to another host.",
        )

    def handle(self, *args, **options):
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
