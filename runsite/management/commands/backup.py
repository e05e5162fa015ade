from pathlib import Path

from django.core.management.base import BaseCommand, CommandError

from common import backups


class Command(BaseCommand):
    help = (
        "Back up the database and every media file into DIR (created; it must be empty unless "
        "--force), with a manifest of checksums that `restore` verifies."
    )

    def add_arguments(self, parser):
        parser.add_argument("directory", type=Path, metavar="DIR")
        parser.add_argument(
            "--force", action="store_true", help="Write into DIR even if it is not empty."
        )

    def handle(self, *args, directory, force, **options):
        try:
            manifest = backups.create_backup(directory=directory, force=force)
        except backups.BackupError as exc:
            raise CommandError(str(exc)) from exc
        media = manifest["media"]
        self.stdout.write(
            self.style.SUCCESS(
                f"Backed up the {manifest['database']['vendor']} database and "
                f"{media['files']} media files ({media['file_bytes']} bytes) into {directory}."
            )
        )
