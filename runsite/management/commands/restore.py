from pathlib import Path

from django.core.management.base import BaseCommand, CommandError

from common import backups


class Command(BaseCommand):
    help = (
        "Restore the database and media files from a backup made by `backup`. Checksums are "
        "verified first; a database that holds data is replaced only with --yes."
    )

    def add_arguments(self, parser):
        parser.add_argument("directory", type=Path, metavar="DIR")
        parser.add_argument(
            "--yes",
            action="store_true",
            help="Replace the database even though it holds data.",
        )

    def handle(self, *args, directory, yes, **options):
        try:
            result = backups.restore_backup(directory=directory, confirm=yes)
        except backups.BackupError as exc:
            raise CommandError(str(exc)) from exc
        self.stdout.write(
            self.style.SUCCESS(
                f"Restored the database and {result.media_files} media files from the backup "
                f"made at {result.manifest['created_at']}."
            )
        )
        for note in result.notes:
            self.stdout.write(self.style.WARNING(note))
