"""A PostgreSQL backup restored with pg_restore into a database of its own, created and dropped
here, so the test database is never the one replaced."""

import shutil
import uuid

import psycopg
import pytest
from django.db import connection
from psycopg import sql

from articles.models import Article
from common import backups
from community.models import Profile
from newsletter.models import Subscriber
from tests.conftest import require

pytestmark = [pytest.mark.integration, pytest.mark.django_db(transaction=True)]

TABLES = [
    "articles_article",
    "articles_image",
    "articles_rendition",
    "auth_user",
    "community_profile",
    "newsletter_subscriber",
    "django_migrations",
]


def _connect(database: dict, name: str) -> psycopg.Connection:
    return psycopg.connect(
        dbname=name,
        user=database.get("USER") or None,
        password=database.get("PASSWORD") or None,
        host=database.get("HOST") or None,
        port=database.get("PORT") or None,
        autocommit=True,
    )


@pytest.fixture
def scratch_database():
    """An empty database beside the test one (named runsite_media_…), dropped afterwards."""
    require(connection.vendor == "postgresql", "set DATABASE_URL to PostgreSQL")
    require(shutil.which("pg_dump") and shutil.which("pg_restore"), "pg_dump is not installed")
    database = dict(connection.settings_dict)
    name = f"runsite_media_restore_{uuid.uuid4().hex[:8]}"
    with _connect(database, "postgres") as admin:
        admin.execute(sql.SQL("CREATE DATABASE {}").format(sql.Identifier(name)))
    yield {**database, "NAME": name}
    with _connect(database, "postgres") as admin:
        admin.execute(
            sql.SQL("DROP DATABASE IF EXISTS {} WITH (FORCE)").format(sql.Identifier(name))
        )


def _rows(database: dict) -> dict:
    with _connect(database, database["NAME"]) as db:
        counts = {
            table: db.execute(
                sql.SQL("SELECT count(*) FROM {}").format(sql.Identifier(table))
            ).fetchone()[0]
            for table in TABLES
        }
        titles = [row[0] for row in db.execute("SELECT title FROM articles_article ORDER BY slug")]
    return {"counts": counts, "titles": titles}


def test_a_postgresql_backup_restores_into_another_database_exactly(
    backup_content,
    scratch_database,
    tmp_path,
):
    manifest = backups.create_backup(directory=tmp_path / "backup")
    source = _rows(connection.settings_dict)
    assert source["counts"]["articles_article"] == Article.objects.count() == 2
    assert source["counts"]["community_profile"] == Profile.objects.count() == 1
    assert source["counts"]["newsletter_subscriber"] == Subscriber.objects.count() == 1
    assert manifest["database"]["vendor"] == "postgresql"

    dump = tmp_path / "backup" / backups.read_manifest(tmp_path / "backup")["database"]["file"]
    backups.restore_postgres_dump(dump, database=scratch_database)
    assert _rows(scratch_database) == source

    # Restoring again over the restored data replaces it (--clean --if-exists), not doubles it.
    with _connect(scratch_database, scratch_database["NAME"]) as db:
        db.execute("DELETE FROM newsletter_subscriber")
    backups.restore_postgres_dump(dump, database=scratch_database)
    assert _rows(scratch_database) == source


def test_a_failed_pg_restore_says_why(scratch_database, tmp_path):
    not_a_dump = tmp_path / "database.dump"
    not_a_dump.write_bytes(b"PGDMP but not really")

    with pytest.raises(backups.BackupError, match="pg_restore failed"):
        backups.restore_postgres_dump(not_a_dump, database=scratch_database)
