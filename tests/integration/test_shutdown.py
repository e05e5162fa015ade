"""Stopping a release: SIGTERM lets gunicorn answer the request in flight and a Celery worker
finish its task before they exit, as a deploy or a scale-down sends it."""

import json
import os
import signal
import socket
import sys
import threading
import urllib.request
import uuid

import pytest
from django.contrib.auth import get_user_model

from conftest import port_open
from tests.conftest import database_url, redis_env, wait_for
from tests.integration.slow_tasks import slow_write

pytestmark = pytest.mark.integration


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


def answers(url: str) -> bool:
    try:
        with urllib.request.urlopen(url, timeout=2) as response:  # loopback URL we built
            return response.status == 200
    except OSError:
        return False


@pytest.fixture
def gunicorn(launch):
    """gunicorn started as production starts it: from the repository root, so it reads
    ./gunicorn.conf.py, with production settings (plus /slow/) on a free port."""
    port = free_port()
    env = {
        **os.environ,
        "DJANGO_SETTINGS_MODULE": "tests.integration.slow_settings",
        "DEBUG": "false",
        "SECRET_KEY": "shutdown-test-secret-key-not-for-production-use-0123456789",
        "ALLOWED_HOSTS": "127.0.0.1",
        "SITE_URL": f"http://127.0.0.1:{port}",
        "SECURE_SSL_REDIRECT": "false",
        "PORT": str(port),
        "WEB_CONCURRENCY": "1",
        "LOG_FORMAT": "json",
        **redis_env(),
    }
    process = launch("gunicorn", [sys.executable, "-m", "gunicorn"], env=env)
    return process.popen, port, process.log


def test_gunicorn_answers_the_request_in_flight_on_sigterm_then_exits(gunicorn):
    process, port, log = gunicorn
    base = f"http://127.0.0.1:{port}"
    wait_for(lambda: answers(f"{base}/healthz"), timeout=15, what="gunicorn")
    answer = {}

    def slow_request():
        with urllib.request.urlopen(f"{base}/slow/", timeout=15) as response:
            answer.update(status=response.status, body=response.read())

    client = threading.Thread(target=slow_request)
    client.start()
    wait_for(lambda: "slow request started" in log.read_text(), timeout=10, what="/slow/")

    process.send_signal(signal.SIGTERM)
    client.join(timeout=15)

    assert answer == {"status": 200, "body": b"finished"}
    assert process.wait(timeout=15) == 0
    assert not port_open("127.0.0.1", port)
    # gunicorn's own lines are JSON too (gunicorn.conf.py, LOG_FORMAT=json), and the one line per
    # request is Django's, with its request id, not gunicorn's access line.
    lines = [json.loads(line) for line in log.read_text().splitlines() if line.startswith("{")]
    loggers = [line["logger"] for line in lines]
    assert loggers.count("runsite.request") == 2
    assert "gunicorn.access" not in loggers
    assert {"logger": "gunicorn.error", "message": "Handling signal: term"} in [
        {"logger": line.get("logger"), "message": line.get("message")} for line in lines
    ]


@pytest.fixture
def celery_worker(redis_broker, transactional_db, settings, launch):
    """A `celery worker` as production runs it (prefork), that also knows the slow task; it
    consumes a queue of its own, so nothing left in Redis by another run reaches it."""
    queue = f"shutdown-{uuid.uuid4().hex[:8]}"
    env = {
        **os.environ,
        "DJANGO_SETTINGS_MODULE": "runsite.settings.test",
        "DATABASE_URL": database_url(),
        **redis_env(),
        "LOG_FORMAT": "json",
    }
    process = launch(
        "worker",
        [
            sys.executable, "-m", "celery", "-A", "runsite", "worker",
            "--pool=prefork", "--concurrency=1", f"--queues={queue}",
            "--include=tests.integration.slow_tasks",
            f"--hostname=sd-{uuid.uuid4().hex[:8]}@%h",
            "--without-gossip", "--without-mingle", "--loglevel=INFO",
        ],
        env=env,
    )  # fmt: skip
    return process.popen, queue, process.log


def test_a_celery_worker_finishes_its_task_on_sigterm_before_exiting(celery_worker):
    process, queue, log = celery_worker
    username = f"written-{uuid.uuid4().hex[:8]}"

    slow_write.apply_async((username, 2), queue=queue)
    wait_for(lambda: "slow task started" in log.read_text(), timeout=20, what="the slow task")
    process.send_signal(signal.SIGTERM)

    assert process.wait(timeout=15) == 0
    assert get_user_model().objects.filter(username=username).exists()
    assert "succeeded" in log.read_text()
