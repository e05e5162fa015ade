"""Backups of the whole site, and restoring one: the database plus every uploaded file.

A backup is a directory holding the database (`pg_dump --format=custom` for PostgreSQL, an
SQLite copy made with sqlite3's online backup API), `media.tar` with every file of the default
storage (read through the storage API, so the filesystem and S3 alike) and `manifest.json`,
written last, with each part's SHA-256. A directory without a manifest is an unfinished backup.

Why not django-dbbackup (maintained, 5.x): it dumps and restores the same way (pg_dump's custom
format and pg_restore --clean --if-exists; SQLite's backup API) and has what this module lacks:
backups sent to any Django storage, GPG encryption, compression, pruning of old backups. But its
restore only asks "are you sure?" (or, with --noinput, asks nothing) whatever the database
holds, where ours looks, names what would be lost and needs --yes; its metadata names the
database engine and connector but no migration state, so a backup from newer code is restored
over older code, which ours refuses; it keeps no checksums, so a damaged file is found only when
the restore reads it; and the database and the media are separate commands and files, picked
separately, not one set. Those checks are the point of a restore run under stress, so we keep
our own; copying the directories off the machine (encrypted, if the place needs it) is the
operator's, as the README says.
"""

import hashlib
import json
import os
import shutil
import sqlite3
import subprocess
import tarfile
import time
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path, PurePosixPath

import django
from django.apps import apps
from django.core.files import File
from django.core.files.storage import Storage, default_storage
from django.db import connections
from django.db.migrations.recorder import MigrationRecorder
from django.utils import timezone

FORMAT_VERSION = 1
MANIFEST = "manifest.json"
MEDIA_ARCHIVE = "media.tar"
DATABASE_FILES = {"postgresql": "database.dump", "sqlite": "database.sqlite3"}
# Rows that every migrated database has (made by migrations): not "data" an operator would lose.
_SEEDED_TABLES = {"django_migrations", "django_content_type", "auth_permission", "auth_group"}
_CHUNK = 1024 * 1024


class BackupError(Exception):
    """A backup or restore refused or failed, with a message the operator can act on."""


@dataclass
class RestoreResult:
    manifest: dict
    media_files: int
    notes: list[str] = field(default_factory=list)


# --- Backup ------------------------------------------------------------------------------------


def create_backup(
    *, directory: Path, force: bool = False, using: str = "default", storage: Storage | None = None
) -> dict:
    """Back up the database and every media file into `directory`; return the manifest."""
    storage = storage or default_storage
    connection = connections[using]
    directory = Path(directory)
    if directory.exists() and any(directory.iterdir()):
        if not force:
            raise BackupError(
                f"{directory} is not empty; a backup goes into a new or empty directory. "
                "Pass --force to write over what is there."
            )
        # Without its manifest, a half-overwritten old backup can never pass for a good one.
        (directory / MANIFEST).unlink(missing_ok=True)
    directory.mkdir(parents=True, exist_ok=True)

    vendor = connection.vendor
    if vendor not in DATABASE_FILES:
        raise BackupError(f"Backups support PostgreSQL and SQLite, not {vendor}.")
    database_path = directory / DATABASE_FILES[vendor]
    dump_database(database_path, using=using)
    media_path = directory / MEDIA_ARCHIVE
    media_count, media_bytes = archive_media(media_path, storage)

    manifest = {
        "format": FORMAT_VERSION,
        "created_at": timezone.now().isoformat(),
        "django": django.get_version(),
        "database": {
            "vendor": vendor,
            "file": database_path.name,
            "bytes": database_path.stat().st_size,
            "sha256": _sha256(database_path),
        },
        "migrations": _latest_migrations(connection),
        "media": {
            "file": media_path.name,
            "files": media_count,
            "file_bytes": media_bytes,
            "bytes": media_path.stat().st_size,
            "sha256": _sha256(media_path),
        },
    }
    partial = directory / f"{MANIFEST}.partial"
    partial.write_text(json.dumps(manifest, indent=2) + "\n")
    partial.replace(directory / MANIFEST)
    return manifest


def dump_database(path: Path, *, using: str = "default") -> None:
    """Write the database to `path`: pg_dump's custom format, or an SQLite file."""
    connection = connections[using]
    if connection.vendor == "postgresql":
        _run_pg(
            "pg_dump",
            ["--format=custom", "--no-owner", f"--file={path}"],
            database=connection.settings_dict,
        )
        return
    connection.ensure_connection()
    # The online backup API copies a consistent snapshot while the site keeps writing.
    with sqlite3.connect(path) as target:
        connection.connection.backup(target)
    target.close()


def archive_media(path: Path, storage: Storage) -> tuple[int, int]:
    """Stream every file of `storage` into a tar archive at `path`, one file at a time; return
    how many files and bytes."""
    count = total = 0
    now = time.time()
    with tarfile.open(path, "w", format=tarfile.PAX_FORMAT) as archive:
        for name in iter_storage_files(storage):
            with storage.open(name, "rb") as source:
                info = tarfile.TarInfo(name)
                info.size = source.size
                info.mtime = now
                info.mode = 0o644
                archive.addfile(info, source)
            count += 1
            total += info.size
    return count, total


def iter_storage_files(storage: Storage, directory: str = "") -> Iterator[str]:
    """Every file name in `storage`, walking listdir() (filesystem and object storage alike)."""
    try:
        directories, files = storage.listdir(directory)
    except FileNotFoundError:  # a filesystem storage whose folder was never created
        return
    for name in sorted(files):
        yield f"{directory}/{name}" if directory else name
    for name in sorted(directories):
        yield from iter_storage_files(storage, f"{directory}/{name}" if directory else name)


def _latest_migrations(connection) -> dict[str, str]:
    applied = MigrationRecorder(connection).applied_migrations()
    latest: dict[str, str] = {}
    for app_label, name in applied:
        latest[app_label] = max(latest.get(app_label, name), name)
    return dict(sorted(latest.items()))


# --- Restore -----------------------------------------------------------------------------------


def read_manifest(directory: Path) -> dict:
    """The backup's manifest once every part matches its checksum; BackupError otherwise."""
    directory = Path(directory)
    manifest_path = directory / MANIFEST
    if not manifest_path.is_file():
        raise BackupError(
            f"{directory} has no {MANIFEST}: it is not a backup, or one that did not finish."
        )
    try:
        manifest = json.loads(manifest_path.read_text())
        parts = [manifest["database"], manifest["media"]]
        vendor = manifest["database"]["vendor"]
        for part in parts:
            # Parts are always beside the manifest, whatever path it names.
            part["file"] = PurePosixPath(str(part["file"])).name
            if not isinstance(part["sha256"], str):
                raise TypeError("sha256 is not a string")
    except (ValueError, KeyError, TypeError) as exc:
        raise BackupError(f"{manifest_path} is damaged: it cannot be read ({exc}).") from exc
    if manifest.get("format") != FORMAT_VERSION or vendor not in DATABASE_FILES:
        raise BackupError(f"{manifest_path} is not a backup format this site can restore.")
    for part in parts:
        path = directory / part["file"]
        if not path.is_file():
            raise BackupError(f"{path} is missing from the backup. Nothing was changed.")
        if _sha256(path) != part["sha256"]:
            raise BackupError(
                f"{path} is damaged: its SHA-256 does not match the manifest. "
                "Nothing was changed; restore from another backup."
            )
    return manifest


def existing_data(*, using: str = "default") -> dict[str, int]:
    """Rows per model in the target database, for models that hold any (migrations' own seeds
    such as permissions and the Editors group left out)."""
    connection = connections[using]
    tables = set(connection.introspection.table_names())
    counts = {}
    for model in apps.get_models(include_auto_created=True):
        table = model._meta.db_table
        if table in tables and table not in _SEEDED_TABLES and not model._meta.auto_created:
            count = model._default_manager.using(using).count()
            if count:
                counts[model._meta.label] = count
    return counts


def restore_backup(
    *,
    directory: Path,
    confirm: bool = False,
    using: str = "default",
    storage: Storage | None = None,
) -> RestoreResult:
    """Replace the database and write the media files back from the backup in `directory`.

    Checksums are verified and the target inspected before anything changes; a database that
    holds data is replaced only with `confirm`."""
    storage = storage or default_storage
    directory = Path(directory)
    manifest = read_manifest(directory)
    connection = connections[using]
    if connection.in_atomic_block:
        # pg_restore, another process, would wait forever for this transaction's locks.
        raise BackupError("A restore replaces the database: run it outside a transaction.")
    vendor = manifest["database"]["vendor"]
    if vendor != connection.vendor:
        raise BackupError(
            f"This backup holds a {vendor} database; the site is configured for "
            f"{connection.vendor}. Nothing was changed."
        )
    unknown = _unknown_migrations(manifest["migrations"], connection)
    if unknown:
        raise BackupError(
            "The backup was made by a newer version of the site (migrations this code does not "
            f"have: {', '.join(unknown)}). Deploy that version first. Nothing was changed."
        )
    if not confirm:
        held = existing_data(using=using)
        if held:
            summary = ", ".join(f"{count} {label}" for label, count in sorted(held.items()))
            raise BackupError(
                f"The database {connection.settings_dict['NAME']} holds data ({summary}). "
                f"Restoring replaces all of it with the backup made at {manifest['created_at']}, "
                "and writes the backup's media files over files of the same name. "
                "Run again with --yes to go ahead."
            )

    load_database(directory / manifest["database"]["file"], using=using)
    media_files = restore_media(directory / manifest["media"]["file"], storage)
    result = RestoreResult(manifest=manifest, media_files=media_files)
    pending = _pending_migrations(manifest["migrations"], connection)
    if pending:
        result.notes.append(
            "The backup predates migrations this code has; run `manage.py migrate` now."
        )
    return result


def load_database(path: Path, *, using: str = "default") -> None:
    """Replace the database's contents with the dump or SQLite file at `path`."""
    connection = connections[using]
    if connection.vendor == "postgresql":
        # Our own idle connection would hold no locks, but a fresh one after is cleaner.
        connection.close()
        restore_postgres_dump(path, database=connection.settings_dict)
        return
    connection.ensure_connection()
    with sqlite3.connect(path) as source:
        source.backup(connection.connection)
    source.close()


def restore_postgres_dump(path: Path, *, database: dict) -> None:
    """Replace the PostgreSQL database `database` (a DATABASES entry) with the dump at `path`:
    all or nothing, in one transaction."""
    _run_pg(
        "pg_restore",
        ["--clean", "--if-exists", "--no-owner", "--single-transaction", str(path)],
        database=database,
    )


def restore_media(path: Path, storage: Storage) -> int:
    """Write every file of the tar archive at `path` into `storage` under its own name."""
    count = 0
    with tarfile.open(path, "r:") as archive:
        for member in archive:
            if not member.isfile():
                continue
            name = _safe_name(member.name)
            # Storages pick a new name rather than replace a file: make room for the exact one.
            if storage.exists(name):
                storage.delete(name)
            source = archive.extractfile(member)
            upload = File(source, name=PurePosixPath(name).name)
            upload.size = member.size
            saved = storage.save(name, upload)
            if saved != name:
                raise BackupError(f"The storage saved {name} as {saved}; restore stopped.")
            count += 1
    return count


def _safe_name(name: str) -> str:
    path = PurePosixPath(name)
    if path.is_absolute() or ".." in path.parts or not path.parts:
        raise BackupError(f"The media archive names a file outside the media folder: {name}")
    return str(path)


def _unknown_migrations(latest: dict[str, str], connection) -> list[str]:
    from django.db.migrations.loader import MigrationLoader

    known = MigrationLoader(connection, ignore_no_migrations=True).disk_migrations
    ours = {app for app, _ in known}
    # Apps removed since the backup are not a reason to refuse; newer migrations of ours are.
    return [
        f"{app}.{name}" for app, name in latest.items() if app in ours and (app, name) not in known
    ]


def _pending_migrations(latest: dict[str, str], connection) -> bool:
    from django.db.migrations.loader import MigrationLoader

    leaves = MigrationLoader(connection, ignore_no_migrations=True).graph.leaf_nodes()
    return any(latest.get(app) != name for app, name in leaves)


# --- Helpers -----------------------------------------------------------------------------------


def _run_pg(program: str, args: list[str], *, database: dict) -> None:
    """Run pg_dump or pg_restore on `database` (a DATABASES entry); the password goes through
    the environment (PGPASSWORD), never the command line, where `ps` would show it."""
    executable = shutil.which(program)
    if executable is None:
        raise BackupError(
            f"{program} is not installed (Debian: apt-get install postgresql-client)."
        )
    db = database
    argv = [executable, "--no-password", f"--dbname={db['NAME']}"]
    for flag, key in (("--host", "HOST"), ("--port", "PORT"), ("--username", "USER")):
        if db.get(key):
            argv.append(f"{flag}={db[key]}")
    env = {**os.environ}
    if db.get("PASSWORD"):
        env["PGPASSWORD"] = db["PASSWORD"]
    if sslmode := db.get("OPTIONS", {}).get("sslmode"):
        env["PGSSLMODE"] = sslmode
    result = subprocess.run(  # noqa: S603 (our program; arguments from settings, no shell)
        [*argv, *args], env=env, capture_output=True, text=True, check=False
    )
    if result.returncode != 0:
        raise BackupError(f"{program} failed ({result.returncode}): {result.stderr.strip()}")


def _sha256(path: Path) -> str:
    digest = hashlib.sha256()
    with path.open("rb") as handle:
        while chunk := handle.read(_CHUNK):
            digest.update(chunk)
    return digest.hexdigest()
