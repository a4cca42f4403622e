from pathlib import Path

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError

from kesu.core.backup import BackupError, create_backup


class Command(BaseCommand):
    help = "Back up the database and every stored file into a new directory with a manifest."

    def add_arguments(self, parser):
        parser.add_argument(
            "--output",
            default=str(Path(settings.VAR_DIR) / "backups"),
            help="Directory the backup directory is created in (default: var/backups).",
        )

    def handle(self, *args, output, **options):
        try:
            result = create_backup(Path(output))
        except BackupError as exc:
            raise CommandError(str(exc)) from exc
        counts = ", ".join(f"{n} {name}" for name, n in result.counts.items())
        self.stdout.write(
            self.style.SUCCESS(
                f"Backup written to {result.path}: {counts}; "
                f"{result.files} files ({result.file_bytes} bytes)."
            )
        )
