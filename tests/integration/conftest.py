"""Real services: a Celery worker process consuming from Redis and writing to PostgreSQL."""

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

ROOT = Path(__file__).resolve().parents[2]


def _database_url() -> str:
    db = connection.settings_dict
    password = f":{quote(db['PASSWORD'])}" if db.get("PASSWORD") else ""
    host = db.get("HOST") or "127.0.0.1"
    return f"postgres://{quote(db['USER'])}{password}@{host}:{db.get('PORT') or 5432}/{db['NAME']}"


@pytest.fixture
def redis_broker(monkeypatch):
    """Tasks go through real Redis to a worker, never run inline."""
    require(
        celery_app.conf.broker_url.startswith("redis"),
        "the broker is not Redis: set REDIS_URL (e.g. redis://127.0.0.1:6379/0)",
    )
    require(port_open(*_redis_address()), "Redis is not answering at the broker address")
    monkeypatch.setitem(celery_app.conf, "task_always_eager", False)
    return celery_app.conf.broker_url


def _redis_address():
    url = urlsplit(celery_app.conf.broker_url)
    return url.hostname or "127.0.0.1", url.port or 6379


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
        "DATABASE_URL": _database_url(),
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


def wait_for(predicate, *, timeout: float = 60, what: str = "the worker"):
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if predicate():
            return
        time.sleep(0.2)
    pytest.fail(f"timed out after {timeout}s waiting for {what}")
