"""`manage.py backup` and `restore`: the database and every media file come back exactly.

These run on the test database, SQLite or PostgreSQL (pg_restore --clean then recreates its
tables in place); tests/integration/test_backups_postgres.py restores into a separate one."""

import hashlib
import json
from types import SimpleNamespace

import pytest
from django.contrib.auth import get_user_model
from django.core.files.base import ContentFile
from django.core.files.storage import default_storage
from django.core.management import CommandError, call_command

from articles.models import Article, Image
from common import backups
from community.models import Profile
from newsletter.models import Subscriber
from tests.articles.factories import ArticleFactory

# Restoring replaces the whole database, which a test wrapped in a transaction cannot see.
pytestmark = pytest.mark.django_db(transaction=True)


def snapshot() -> dict:
    """What a reader or editor would see: rows that matter and the bytes of every media file."""
    files = {}
    for name in backups.iter_storage_files(default_storage):
        with default_storage.open(name, "rb") as handle:
            files[name] = handle.read()
    return {
        "articles": sorted(Article.objects.values_list("slug", "title", "hero_image__file")),
        "images": sorted(Image.objects.values_list("file", "alt_text", "width", "height")),
        "renditions": sorted(Image.objects.values_list("renditions__file", flat=True)),
        "users": sorted(get_user_model().objects.values_list("email", "password")),
        "avatars": sorted(Profile.objects.values_list("display_name", "avatar")),
        "subscribers": sorted(Subscriber.objects.values_list("email", "status")),
        "files": files,
    }


def test_a_backup_brings_back_content_and_media_exactly_after_a_wipe(backup_content, tmp_path):
    before = snapshot()
    assert len(before["files"]) == 1 + 6 + 1  # the image, its renditions, the avatar

    call_command("backup", str(tmp_path / "backup"))
    call_command("flush", "--no-input")
    for name in before["files"]:
        default_storage.delete(name)
    assert not list(backups.iter_storage_files(default_storage))

    call_command("restore", str(tmp_path / "backup"))  # an empty database needs no --yes

    assert snapshot() == before


def test_restoring_over_data_needs_yes_and_then_replaces_it(backup_content, tmp_path, capsys):
    before = snapshot()
    call_command("backup", str(tmp_path / "backup"))
    Article.objects.filter(slug="first-5k").delete()
    Subscriber.objects.update(email="changed@example.com")
    ArticleFactory(title="Written after the backup", slug="later")
    default_storage.delete(backup_content.file.name)
    _overwrite(backup_content.renditions.first().file.name, b"not the rendition any more")
    altered = snapshot()

    with pytest.raises(CommandError) as refused:
        call_command("restore", str(tmp_path / "backup"))

    message = str(refused.value)
    assert "holds data" in message
    assert "2 articles.Article" in message
    assert "1 newsletter.Subscriber" in message
    assert "--yes" in message
    assert snapshot() == altered

    call_command("restore", str(tmp_path / "backup"), "--yes")

    assert snapshot() == before
    assert "Restored the database and 8 media files" in capsys.readouterr().out


@pytest.mark.parametrize("part", ["media.tar", "database"])
def test_a_damaged_backup_is_refused_and_nothing_is_changed(backup_content, tmp_path, part):
    call_command("backup", str(tmp_path / "backup"))
    manifest = json.loads((tmp_path / "backup" / "manifest.json").read_text())
    name = manifest["database"]["file"] if part == "database" else part
    damaged = tmp_path / "backup" / name
    data = bytearray(damaged.read_bytes())
    data[len(data) // 2] ^= 0xFF
    damaged.write_bytes(bytes(data))
    ArticleFactory(title="Written after the backup", slug="later")
    default_storage.delete(backup_content.file.name)
    altered = snapshot()

    with pytest.raises(CommandError, match=rf"{name} is damaged: its SHA-256 does not match"):
        call_command("restore", str(tmp_path / "backup"), "--yes")

    assert snapshot() == altered


def test_a_directory_without_a_manifest_is_not_taken_for_a_backup(tmp_path):
    (tmp_path / "media.tar").write_bytes(b"")

    with pytest.raises(CommandError, match=r"has no manifest\.json: it is not a backup"):
        call_command("restore", str(tmp_path), "--yes")


def test_backing_up_into_a_directory_that_is_not_empty_needs_force(backup_content, tmp_path):
    target = tmp_path / "backup"
    call_command("backup", str(target))
    first = (target / "manifest.json").read_text()

    with pytest.raises(CommandError, match=r"is not empty.*--force"):
        call_command("backup", str(target))
    assert (target / "manifest.json").read_text() == first

    call_command("backup", str(target), "--force")
    assert json.loads((target / "manifest.json").read_text())["media"]["files"] == 8


def test_the_manifest_describes_each_part(backup_content, tmp_path):
    manifest = backups.create_backup(directory=tmp_path / "backup")

    assert manifest == json.loads((tmp_path / "backup" / "manifest.json").read_text())
    assert manifest["database"]["vendor"] in {"sqlite", "postgresql"}
    assert manifest["migrations"]["articles"].startswith("00")
    assert {"auth", "community", "newsletter"} <= manifest["migrations"].keys()
    assert manifest["media"]["files"] == 8
    assert manifest["media"]["file_bytes"] == sum(
        len(data) for data in snapshot()["files"].values()
    )
    for part in (manifest["database"], manifest["media"]):
        data = (tmp_path / "backup" / part["file"]).read_bytes()
        assert hashlib.sha256(data).hexdigest() == part["sha256"]


def test_pg_tools_get_the_password_from_the_environment_never_the_command_line(monkeypatch):
    calls = []

    def run(argv, **kwargs):
        calls.append((argv, kwargs["env"]))
        return SimpleNamespace(returncode=0, stderr="")

    monkeypatch.setattr(backups.shutil, "which", lambda program: f"/usr/bin/{program}")
    monkeypatch.setattr(backups.subprocess, "run", run)
    database = {
        "NAME": "runsite",
        "USER": "site",
        "PASSWORD": "s3cret pass",
        "HOST": "db.internal",
        "PORT": 5433,
        "OPTIONS": {"sslmode": "require"},
    }

    backups._run_pg("pg_dump", ["--format=custom"], database=database)

    argv, env = calls[0]
    assert argv == [
        "/usr/bin/pg_dump",
        "--no-password",
        "--dbname=runsite",
        "--host=db.internal",
        "--port=5433",
        "--username=site",
        "--format=custom",
    ]
    assert not any("s3cret" in arg for arg in argv)
    assert (env["PGPASSWORD"], env["PGSSLMODE"]) == ("s3cret pass", "require")


def _overwrite(name: str, data: bytes) -> None:
    default_storage.delete(name)
    assert default_storage.save(name, ContentFile(data)) == name
