"""The README's production runbook, run as written: the release commands on an empty
PostgreSQL database, `honcho start` on the Procfile with production settings, then a backup, a
loss and the restore (with a folder of the test's own in place of /var/backups).

What an operator would notice if the runbook were wrong: a release step that fails, a process
that does not start or stay up, a site that is not ready behind its proxy, a sign-up whose email
never leaves because no worker consumes the emails queue, a beat that does not start, a stop
that leaves processes behind, or a restore that does not bring lost rows back. The blocks are
read from README.md (the fenced `sh` block after each `<!-- runbook: NAME -->` marker), so the
README cannot drift from what is tested.
"""

import os
import re
import secrets
import signal
import subprocess
import sys
import uuid
from pathlib import Path
from urllib.parse import urlsplit

import pytest
import redis

from conftest import port_open, require
from tests.conftest import ROOT, wait_for
from tests.integration.forms import FormFields
from tests.integration.proxy import Proxy
from tests.integration.smtp_sink import SmtpSink, free_port

pytestmark = [pytest.mark.integration]

README = ROOT / "README.md"
HOST = "127.0.0.1"


def runbook_block(name: str) -> list[str]:
    """The commands of the README's block `name`, one per line, comments dropped."""
    text = README.read_text()
    found = re.search(rf"<!-- runbook: {name} -->\s*```sh\n(.*?)```", text, re.S)
    assert found, f"README.md has no runbook block {name!r}"
    lines = [line.split("  #")[0].strip() for line in found.group(1).splitlines()]
    return [line for line in lines if line and not line.startswith("#")]


@pytest.fixture
def empty_database():
    """A PostgreSQL database of its own, empty, as on a first deploy; dropped afterwards."""
    import psycopg
    from psycopg import sql

    url = urlsplit(os.environ.get("DATABASE_URL", ""))
    require(url.scheme.startswith("postgres"), "the runbook needs PostgreSQL: set DATABASE_URL")
    name = f"runsite_runbook_{uuid.uuid4().hex[:8]}"
    admin = url._replace(scheme="postgresql", path="/postgres").geturl()
    with psycopg.connect(admin, autocommit=True) as connection:
        connection.execute(sql.SQL("CREATE DATABASE {}").format(sql.Identifier(name)))
    yield url._replace(path=f"/{name}").geturl()
    with psycopg.connect(admin, autocommit=True) as connection:
        connection.execute(
            sql.SQL("DROP DATABASE IF EXISTS {} WITH (FORCE)").format(sql.Identifier(name))
        )


@pytest.fixture
def runbook_env(empty_database, test_redis_url, tmp_path):
    redis_url = test_redis_url
    # The tests' Redis database, emptied, as a new deployment's would be: rate limits that
    # earlier runs counted (sign-ups per network) must not answer for this one.
    redis.Redis.from_url(redis_url).flushdb()
    port = free_port()
    venv_bin = Path(sys.executable).parent
    return {
        # What a shell on a server has: none of pytest's variables, nor Playwright's switch
        # that turns Django's async safety off (check --deploy rightly refuses it).
        **{
            key: value
            for key, value in os.environ.items()
            if not key.startswith("PYTEST") and key != "DJANGO_ALLOW_ASYNC_UNSAFE"
        },
        "PATH": f"{venv_bin}{os.pathsep}{os.environ['PATH']}",
        "DJANGO_SETTINGS_MODULE": "runsite.settings.prod",
        "SECRET_KEY": secrets.token_urlsafe(50),
        "ALLOWED_HOSTS": f"{HOST},localhost",
        "SITE_URL": f"https://{HOST}",
        "DATABASE_URL": empty_database,
        "REDIS_URL": redis_url,
        "CELERY_BROKER_URL": "",
        "STATIC_ROOT": str(tmp_path / "static"),
        "MEDIA_ROOT": str(tmp_path / "media"),
        "CELERY_BEAT_SCHEDULE_FILENAME": str(tmp_path / "beat-schedule"),
        "PORT": str(port),
        "WEB_CONCURRENCY": "2",
        "WORKER_CONCURRENCY": "1",
        "EMAIL_CONCURRENCY": "1",
        "FORM_MIN_SECONDS": "0",
        "DEBUG": "false",
    }


# What the reverse proxy passes on: the public host, and that the visitor came over https.
PROXIED = {"Host": HOST, "X-Forwarded-Proto": "https"}


def test_the_release_and_start_commands_bring_up_a_working_node(runbook_env, launch, tmp_path):
    env = runbook_env
    with SmtpSink() as sink:
        env["EMAIL_URL"] = sink.url
        for line in runbook_block("release"):
            run(line, env)

        start = runbook_block("start")[0]
        honcho = launch("honcho", ["bash", "-c", f"exec {start}"], env=env, session=True)
        node, log = honcho.popen, honcho.log
        try:
            port = int(env["PORT"])
            wait_for(lambda: port_open(HOST, port), timeout=30, what="gunicorn to listen")
            wait_for(
                lambda: Proxy(port).get("/readyz", headers=PROXIED).status == 200,
                timeout=30,
                what="/readyz to answer 200",
            )
            home = Proxy(port).get("/", headers=PROXIED)
            assert home.status == 200 and "Run Toward Balance" in home.text

            # A visitor signs up for the letter: the confirmation leaves through the emails queue.
            page = Proxy(port).get("/newsletter/", headers=PROXIED)
            assert page.status == 200
            form = FormFields(action="/newsletter/")
            form.feed(page.text)
            fields = {**dict(form.fields), "email": "first.reader@example.com", "newsletter": "on"}
            reply = Proxy(port).post_from_page(
                "/newsletter/", fields, page="/newsletter/", origin=f"https://{HOST}",
                headers=PROXIED,
            )  # fmt: skip
            assert reply.status in (200, 302, 303), f"subscribe answered {reply.status}"
            wait_for(lambda: sink.count == 1, timeout=30, what="the confirmation email")
            assert sink.messages[0].rcpt_tos == ["first.reader@example.com"]

            text = log.read_text()
            for process in ("web.1", "worker.1", "emails.1", "beat.1"):
                assert f"{process} " in text, f"{process} did not start:\n{text}"
            assert "beat: Starting" in text, text
            assert node.poll() is None, f"a process stopped and took the node down:\n{text}"
        finally:
            code = honcho.stop(timeout=30)
        # honcho passes SIGTERM to every process, waits for them, then exits as signalled.
        assert code in (0, 128 + signal.SIGTERM), f"the node did not stop cleanly: {code}"
        text = log.read_text()
        assert "Shutting down: Master" in text, "gunicorn did not drain and stop"
        assert text.count("worker: Warm shutdown") == 2, "a Celery worker did not shut down warm"
        assert not port_open(HOST, port), "gunicorn still listens after the stop"

    # Backup, a loss, and the restore, as the README says, into a folder of this test's own.
    subscribers = "SELECT email FROM newsletter_subscriber"
    assert query(env, subscribers) == [("first.reader@example.com",)]
    backup, restore = runbook_block("backup")
    folder = tmp_path / "backups"
    backup = backup.replace("/var/backups/runsite/", f"{folder}/")
    restore = re.sub(r"/var/backups/runsite/[0-9-]+", f"{folder}/$(date +%F)", restore)
    run(backup, env)
    query(env, "DELETE FROM newsletter_subscriber")
    run(restore, env)
    assert query(env, subscribers) == [("first.reader@example.com",)]


def run(line: str, env: dict) -> None:
    done = subprocess.run(["bash", "-c", line], cwd=ROOT, env=env, capture_output=True, text=True)
    assert done.returncode == 0, f"`{line}` failed:\n{done.stdout}\n{done.stderr}"


def query(env: dict, sql: str) -> list[tuple]:
    import psycopg

    url = urlsplit(env["DATABASE_URL"])._replace(scheme="postgresql").geturl()
    with psycopg.connect(url, autocommit=True) as connection:
        cursor = connection.execute(sql)
        return cursor.fetchall() if cursor.description else []
