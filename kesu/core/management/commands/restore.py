from pathlib import Path

from django.core.management import call_command
from django.core.management.base import BaseCommand, CommandError

from kesu.core.backup import BackupError, restore_backup


class Command(BaseCommand):
    help = (
        "Restore a backup made by `backup` into this installation's (empty) database and file "
        "storage, check it against its manifest, then verify the audit trail."
    )

    def add_arguments(self, parser):
        parser.add_argument("backup_dir", help="A directory written by `manage.py backup`.")
        parser.add_argument(
            "--force",
            action="store_true",
            help="Replace the complaints and files this installation already holds.",
        )
        parser.add_argument(
            "--no-verify", action="store_true", help="Skip verify_audit after the restore."
        )

    def handle(self, *args, backup_dir, force, no_verify, **options):
        try:
            result = restore_backup(Path(backup_dir), force=force)
        except BackupError as exc:
            raise CommandError(str(exc)) from exc
        for problem in result.problems:
            self.stderr.write(problem)
        if result.problems:
            raise CommandError("The restore does not match the backup's manifest.")
        counts = ", ".join(f"{n} {name}" for name, n in result.counts.items())
        self.stdout.write(self.style.SUCCESS(f"Restored {counts}; {result.files} files."))
        if not no_verify:
            call_command("verify_audit", stdout=self.stdout, stderr=self.stderr)
