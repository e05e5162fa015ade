"""Real services shared by the integration and browser suites: Redis as the broker, `celery
worker` processes that share this test's PostgreSQL database, and SMTP sinks they send to; and
the Editors group that a flushed database has lost.

Redis: tests use a database of their own, TEST_REDIS_URL, by default REDIS_URL's server with
the next database number (REDIS_URL=redis://127.0.0.1:6379/0 gives /1; /15 gives /0;
runsite/settings/test.py works it out). The test settings' broker is that database, every
process a test starts is handed it (`redis_env()`) and tests that empty a Redis database empty
that one: the database REDIS_URL names, perhaps a developer's cache and queues, is never
written or flushed."""

import os
import subprocess
import sys
import time
import uuid
from pathlib import Path
from urllib.parse import quote, urlsplit

import pytest
from django.db import connection

from conftest import port_open, require
from runsite.celery import app as celery_app

ROOT = Path(__file__).resolve().parents[1]


def database_url() -> str:
    """DATABASE_URL for a worker process: this test's database (the test_… one)."""
    db = connection.settings_dict
    password = f":{quote(db['PASSWORD'])}" if db.get("PASSWORD") else ""
    host = db.get("HOST") or "127.0.0.1"
    return f"postgres://{quote(db['USER'])}{password}@{host}:{db.get('PORT') or 5432}/{db['NAME']}"


# Tests that use these fixtures need a service a laptop may lack, so they carry its marker
# whether or not their module says so: `pytest -m "not integration and not e2e"` runs with
# nothing but Python. (A test that needs PostgreSQL without a fixture marks itself.)
SERVICE_FIXTURES = {
    "integration": {
        "test_redis_url", "redis_broker", "launch", "start_worker", "celery_worker_process",
        "production_env", "start_process", "start_nodes",
    },
    "e2e": {"browser"},
}  # fmt: skip


def pytest_collection_modifyitems(items):
    for item in items:
        for marker, fixtures in SERVICE_FIXTURES.items():
            if fixtures & set(item.fixturenames) and not item.get_closest_marker(marker):
                item.add_marker(marker)


def redis_env() -> dict[str, str]:
    """The variables that point a process a test starts at the tests' Redis database, for its
    cache and broker alike (and for its own tests' settings, should it run them)."""
    from django.conf import settings

    url = settings.TEST_REDIS_URL
    return {"REDIS_URL": url, "CELERY_BROKER_URL": url, "TEST_REDIS_URL": url}


@pytest.fixture(scope="session")
def test_redis_url() -> str:
    """The tests' own Redis database (see above), once it answers; a test may empty it."""
    from django.conf import settings

    url = settings.TEST_REDIS_URL
    require(
        url.startswith("redis"), "no Redis for tests: set REDIS_URL (e.g. redis://127.0.0.1:6379/0)"
    )
    address = urlsplit(url)
    require(
        port_open(address.hostname or "127.0.0.1", address.port or 6379),
        f"Redis is not answering at {address.hostname}:{address.port or 6379}",
    )
    return url


@pytest.fixture
def redis_broker(test_redis_url, monkeypatch):
    """Tasks go through real Redis (the tests' own database) to a worker, never run inline."""
    assert celery_app.conf.broker_url == test_redis_url
    monkeypatch.setitem(celery_app.conf, "task_always_eager", False)
    return test_redis_url


def wait_for(predicate, *, timeout: float = 60, what: str = "the worker"):
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if predicate():
            return
        time.sleep(0.1)  # a tenth of a second late at most, and light on the processes it waits on
    pytest.fail(f"timed out after {timeout}s waiting for {what}")


@pytest.fixture
def smtp_sink():
    """Start aiosmtpd sinks (in threads) that the test's workers send to; stopped afterwards."""
    from tests.integration.smtp_sink import SmtpSink

    sinks = []

    def start(**options) -> SmtpSink:
        sinks.append(SmtpSink(**options).start())
        return sinks[-1]

    yield start
    for sink in sinks:
        sink.stop()


@pytest.fixture
def launch(tmp_path):
    """`launch(name, args, env=..., session=False)`: the one way a test starts a process of
    its own (tests/processes.py); returns a Process, its output in `<name>.log`. At the end,
    failed or not, every one still running gets SIGTERM, then SIGKILL after 20 s, and every
    log is printed. Fixtures that start processes request it after the database, so their
    processes stop before the database is emptied."""
    from tests.processes import Launcher

    launcher = Launcher(tmp_path, cwd=ROOT)
    yield launcher.start
    launcher.stop_all()


@pytest.fixture
def start_worker(redis_broker, transactional_db, settings, launch):
    """Start real `celery worker` processes that send through SMTP.

    Not the celery_worker_process fixture of tests/integration: that one runs the test
    settings, whose locmem mail backend and eager tasks a real send cannot go through. These run
    the development settings with DEBUG off, this test's SECRET_KEY (so the links' tokens verify
    here), EMAIL_URL pointing at a sink and SITE_URL as the emails' links should start; their
    output goes to `worker-1.log`, `worker-2.log`... `env` adds or overrides variables (small
    NEWSLETTER_* values, a broker URL through a proxy)."""
    require(
        connection.vendor == "postgresql",
        "a worker process needs a database it can share: set DATABASE_URL to PostgreSQL",
    )
    workers = []

    def start(email_url: str, *, site_url: str, env: dict | None = None) -> subprocess.Popen:
        variables = {
            **os.environ,
            "DJANGO_SETTINGS_MODULE": "runsite.settings.dev",
            "DEBUG": "false",
            "SECRET_KEY": settings.SECRET_KEY,
            "SITE_URL": site_url,
            "EMAIL_URL": email_url,
            "NEWSLETTER_UNSUBSCRIBE_MAILBOX": "unsubscribe@runtowardbalance.example",
            "NEWSLETTER_UNSUBSCRIBE_INBOUND": "true",
            "DATABASE_URL": database_url(),
            **redis_env(),
            "MEDIA_ROOT": str(settings.MEDIA_ROOT),
            **(env or {}),
        }
        workers.append(launch(f"worker-{len(workers) + 1}", worker_args("nl"), env=variables))
        return workers[-1].popen

    return start


def worker_args(prefix: str) -> list[str]:
    """`celery worker` as the tests run it: one task at a time, from the celery and emails
    queues, under a node name of its own."""
    return [
        sys.executable, "-m", "celery", "-A", "runsite", "worker", "--pool=solo",
        "--queues=celery,emails", "--hostname", f"{prefix}-{uuid.uuid4().hex[:8]}@%h",
        "--without-gossip", "--without-mingle", "--loglevel=INFO",
    ]  # fmt: skip


@pytest.fixture(scope="session")
def collected_static(tmp_path_factory):
    """collectstatic once per run with production's storage (whitenoise: hashed, compressed);
    returns the folder and the STORAGES setting that serve it."""
    from django.conf import settings
    from django.core.management import call_command
    from django.test.utils import override_settings

    root = tmp_path_factory.mktemp("static")
    storages = {
        **settings.STORAGES,
        "staticfiles": {"BACKEND": "whitenoise.storage.CompressedManifestStaticFilesStorage"},
    }
    with override_settings(STATIC_ROOT=root, STORAGES=storages):
        call_command("collectstatic", interactive=False, verbosity=0)
    return root, storages


@pytest.fixture(scope="session")
def _editors_grants():
    """The migration state and the `…_editors_group` data migrations' forward functions."""
    from django.db.migrations.loader import MigrationLoader
    from django.db.migrations.operations import RunPython

    loader = MigrationLoader(None, ignore_no_migrations=True)
    grants = [
        operation.code
        for (_, name), migration in sorted(loader.disk_migrations.items())
        if name.endswith("_editors_group")
        for operation in migration.operations
        if isinstance(operation, RunPython)
    ]
    return loader.project_state().apps, grants


@pytest.fixture
def editors_group(transactional_db, _editors_grants):
    """The Editors group and its permissions, as the data migrations make them.

    A browser test's database is emptied after each test, and with it the rows that data
    migrations wrote. (serialized_rollback would restore them, but fails once a test without it
    has run first: the content types it restores collide with those the flush recreated.)"""
    state_apps, grants = _editors_grants
    for grant in grants:
        grant(state_apps, None)


@pytest.fixture
def backup_content(member):
    """What a backup must bring back (tests/common/test_backups.py and its PostgreSQL twin):
    articles with an image and its renditions, a member with an avatar, a subscriber."""
    from articles import services as article_services
    from community.models import Profile
    from newsletter.models import Subscriber
    from tests.articles.factories import ArticleFactory, ImageFactory, image_upload

    image = ImageFactory(file=image_upload(size=(900, 600)))
    article_services.make_renditions(image=image)
    ArticleFactory(title="Why slow running calms the head", slug="slow", hero_image=image)
    ArticleFactory(title="Your first 5K", slug="first-5k")
    profile = Profile.objects.create(user=member, display_name="Mira")
    profile.avatar.save("avatar.jpg", image_upload(size=(256, 256)), save=True)
    Subscriber.objects.create(email="sam@example.com", status=Subscriber.Status.CONFIRMED)
    return image


@pytest.fixture
def leeds():
    """A city hub, for the tests of members' city and of what city pages show."""
    from tests.community.factories import CityFactory

    return CityFactory(name="Leeds")
