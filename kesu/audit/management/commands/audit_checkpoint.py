from django.core.management.base import BaseCommand

from kesu.audit.checkpoints import checkpoint_path, write_checkpoint


class Command(BaseCommand):
    help = (
        "Append the signed head of every audit lane to KESU_AUDIT_CHECKPOINT_FILE "
        "(the worker does this every KESU_AUDIT_CHECKPOINT_SECONDS)."
    )

    def add_arguments(self, parser):
        parser.add_argument("--file", default="", help="Another file than the configured one.")

    def handle(self, *args, **options):
        path = options["file"] or checkpoint_path()
        written = write_checkpoint(path)
        if options["verbosity"] >= 1:
            self.stdout.write(f"{written} lane heads checkpointed to {path}")
