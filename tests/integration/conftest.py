"""Real services: a Celery worker process consuming from Redis and writing to PostgreSQL, and
the site as production runs it (web nodes, named workers) in processes of their own.

The broker, SMTP sink and mail-sending worker fixtures live in tests/conftest.py: the browser
journeys use them too."""

import os
import sys
import time
import urllib.request
from dataclasses import dataclass

import pytest
import redis
from django.db import connection

from conftest import require
from tests.conftest import database_url, redis_env, worker_args
from tests.processes import Process

from .smtp_sink import free_port


@pytest.fixture
def celery_worker_process(redis_broker, transactional_db, settings, launch):
    """A real `celery worker` process that sees this test's database and media folder."""
    require(
        connection.vendor == "postgresql",
        "a worker process needs a database it can share: set DATABASE_URL to PostgreSQL",
    )
    env = {
        **os.environ,
        "DJANGO_SETTINGS_MODULE": "runsite.settings.test",
        "DATABASE_URL": database_url(),
        **redis_env(),
        "MEDIA_ROOT": str(settings.MEDIA_ROOT),
    }
    return launch("worker", worker_args("it"), env=env).popen


# --- The site as production runs it: web nodes and workers in processes of their own ----------


@dataclass
class Node(Process):
    """A gunicorn server (one "web node") on a loopback port."""

    port: int = 0

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self.port}"


@pytest.fixture
def production_env(settings, redis_broker, collected_static, transactional_db) -> dict:
    """The environment of a process that runs production's settings (DEBUG off, whitenoise's
    hashed static files, Redis as cache and broker) on this test's PostgreSQL database and media
    folder, with this test's SECRET_KEY so links signed on one side verify on the other.

    The tests' Redis database (never REDIS_URL's: see tests/conftest.py) is emptied first: a
    page cached by an earlier run, under versions that this run's fresh rows never bumped, would
    be served as current, and an earlier run's unfinished tasks would act on this run's rows
    (ids start again in each test database)."""
    require(
        connection.vendor == "postgresql",
        "processes of their own need a database they can share: set DATABASE_URL to PostgreSQL",
    )
    redis.Redis.from_url(redis_broker).flushdb()
    static_root, _ = collected_static
    return {
        **os.environ,
        "DJANGO_SETTINGS_MODULE": "runsite.settings.prod",
        "DEBUG": "false",
        "SECRET_KEY": settings.SECRET_KEY,
        "ALLOWED_HOSTS": "127.0.0.1,localhost",
        "SITE_URL": "http://127.0.0.1",
        # TLS ends in front of the site in production; here the nodes speak plain HTTP.
        "SECURE_SSL_REDIRECT": "false",
        "DATABASE_URL": database_url(),
        **redis_env(),
        "MEDIA_ROOT": str(settings.MEDIA_ROOT),
        "STATIC_ROOT": str(static_root),
        "PYTHONUNBUFFERED": "1",
    }


@pytest.fixture
def start_process(production_env, launch):
    """`start_process(name, args, **env)`: `launch` with production's environment (plus
    `env`). Depending on production_env (and so on the database), these stop before it is
    emptied."""

    def start(name: str, args: list[str], **env: str) -> Process:
        return launch(name, args, env={**production_env, **env})

    return start


def _answers(url: str) -> bool:
    try:
        with urllib.request.urlopen(url, timeout=2) as response:
            return response.status == 200
    except OSError:
        return False


@pytest.fixture
def start_nodes(start_process, tmp_path):
    """`start_nodes("a", "b")`: web nodes as the Procfile runs them (`python -m gunicorn
    runsite.wsgi`), 2 sync workers each, started together; returned once each answers /healthz.

    Flags only: an empty file as the config keeps out any gunicorn.conf.py in the project."""
    config = tmp_path / "gunicorn-empty.conf.py"
    config.write_text("")

    def start(*names: str, workers: int = 2) -> list[Node]:
        nodes = []
        for name in names:
            port = free_port()
            process = start_process(
                f"node-{name}",
                [
                    sys.executable, "-m", "gunicorn", "runsite.wsgi", f"--config={config}",
                    f"--bind=127.0.0.1:{port}", f"--workers={workers}", "--worker-class=sync",
                    "--access-logfile=-", "--error-logfile=-",
                ],
            )  # fmt: skip
            nodes.append(Node(process.name, process.popen, process.log, port=port))
        for node in nodes:
            deadline = time.monotonic() + 60
            while not _answers(f"{node.url}/healthz"):
                if node.popen.poll() is not None or time.monotonic() > deadline:
                    pytest.fail(f"{node.name} did not start:\n{node.output()}")
                time.sleep(0.1)
        return nodes

    return start
