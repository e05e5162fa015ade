"""Ctrl-C under `make run`: honcho stops web, worker and beat, and the worker first finishes the
task it is running, on the default (filesystem) broker where a killed worker loses it.

honcho kills what is still running 5 s after the first process stops (the web server stops at
once), and signals each process's whole group, where a prefork pool's children die at once
with their tasks. `manage.py run_processes` waits longer, and Procfile.dev's worker runs its
tasks in threads."""

import inspect
import os
import re
import signal
import subprocess
import sys
import uuid

import honcho.manager
import pytest
from django.contrib.auth import get_user_model
from django.db import connection

from conftest import require
from runsite.management.commands import run_processes
from tests.conftest import ROOT, database_url, wait_for

TASK_SECONDS = 8  # longer than honcho's own wait


def procfile_dev() -> dict[str, str]:
    lines = (ROOT / "Procfile.dev").read_text().splitlines()
    return dict(line.split(": ", 1) for line in lines if line and not line.startswith("#"))


def test_make_run_starts_the_processes_through_run_processes():
    recipe = re.search(r"^run:.*?\n((?:\t.*\n)+)", (ROOT / "Makefile").read_text(), re.M)
    assert recipe, "the Makefile has no run target"
    assert "manage.py run_processes" in recipe.group(1)
    assert "honcho -f" not in recipe.group(1)


def test_run_processes_gives_the_worker_longer_than_honcho_and_its_task():
    # The constant it replaces is still honcho's, and still what honcho's loop reads.
    assert honcho.manager.KILL_WAIT == 5
    assert "KILL_WAIT" in inspect.getsource(honcho.manager.Manager.loop)
    assert run_processes.STOP_SECONDS > 2 * TASK_SECONDS > honcho.manager.KILL_WAIT


def test_procfile_dev_runs_the_worker_without_a_prefork_pool():
    worker = procfile_dev()["worker"]
    assert re.search(r"--pool[= ](threads|solo)\b", worker), worker


@pytest.mark.integration
def test_ctrl_c_lets_the_worker_finish_its_task_on_the_filesystem_broker(
    transactional_db, launch, tmp_path
):
    require(
        connection.vendor == "postgresql",
        "the worker must share this test's database: set DATABASE_URL to PostgreSQL",
    )
    queue = tmp_path / "celery" / "queue"
    queue.mkdir(parents=True)
    (tmp_path / "celery" / "control").mkdir()
    env = {
        **{key: value for key, value in os.environ.items() if not key.startswith("PYTEST")},
        # make run's settings, which also know the slow task.
        "DJANGO_SETTINGS_MODULE": "tests.integration.dev_settings",
        "DATABASE_URL": database_url(),
        "REDIS_URL": "",
        "CELERY_BROKER_URL": "",
        "CELERY_BROKER_FOLDER": str(queue),
        "CELERY_BEAT_SCHEDULE_FILENAME": str(tmp_path / "beat-schedule"),
        "MEDIA_ROOT": str(tmp_path / "media"),
    }
    # As `make run` starts them, but for the web server: beat stops at once as runserver does,
    # which starts honcho's countdown. A session of its own, as a terminal's foreground job.
    processes = launch(
        "processes",
        [sys.executable, "manage.py", "run_processes", "worker", "beat"],
        env=env,
        session=True,
    )
    log = processes.log
    username = f"finished-{uuid.uuid4().hex[:8]}"
    ready = re.compile(r"celery@\S+ ready\.")
    wait_for(lambda: ready.search(log.read_text()), timeout=60, what="the worker to start")
    subprocess.run(
        [
            sys.executable, "-c",
            "import django; django.setup(); from tests.integration.slow_tasks import "
            f"slow_write; slow_write.delay({username!r}, {TASK_SECONDS})",
        ],
        cwd=ROOT, env=env, check=True, timeout=60,
    )  # fmt: skip
    wait_for(lambda: "slow task started" in log.read_text(), timeout=30, what="the task")

    processes.send_signal(signal.SIGINT)  # Ctrl-C: the terminal signals the job's group
    processes.popen.wait(timeout=60)

    text = log.read_text()
    assert "worker: Warm shutdown" in text
    assert "sending SIGKILL" not in text, "honcho killed the worker before it had stopped"
    assert re.search(r"slow_write\[[^]]+\] succeeded", text)
    assert get_user_model().objects.filter(username=username).exists()
