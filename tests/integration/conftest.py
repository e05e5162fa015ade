"""Real services: a Celery worker process consuming from Redis and writing to PostgreSQL.

The broker, SMTP sink and mail-sending worker fixtures live in tests/conftest.py: the browser
journeys use them too."""

import os
import subprocess
import sys
import uuid

import pytest
from django.db import connection

from conftest import require
from tests.conftest import ROOT, database_url


@pytest.fixture
def celery_worker_process(redis_broker, transactional_db, settings):
    """A real `celery worker` process that sees this test's database and media folder."""
    require(
        connection.vendor == "postgresql",
        "a worker process needs a database it can share: set DATABASE_URL to PostgreSQL",
    )
    env = {
        **os.environ,
        "DJANGO_SETTINGS_MODULE": "runsite.settings.test",
        "DATABASE_URL": database_url(),
        "CELERY_BROKER_URL": redis_broker,
        "MEDIA_ROOT": str(settings.MEDIA_ROOT),
    }
    worker = subprocess.Popen(
        [
            sys.executable, "-m", "celery", "-A", "runsite", "worker",
            "--pool=solo", "--queues=celery,emails", "--hostname", f"it-{uuid.uuid4().hex[:8]}@%h",
            "--without-gossip", "--without-mingle", "--loglevel=INFO",
        ],
        cwd=ROOT,
        env=env,
        stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT,
        text=True,
    )  # fmt: skip
    yield worker
    worker.terminate()
    try:
        output, _ = worker.communicate(timeout=20)
    except subprocess.TimeoutExpired:
        worker.kill()
        output, _ = worker.communicate()
    print(output)  # noqa: T201 (shown by pytest only when the test fails)
