"""Request ids and log lines as an operator reads them: the X-Request-ID header, one access line
per request, JSON in production, and the id carried into the Celery tasks a request enqueues."""

import json
import logging
import os
import re
import subprocess
import sys
from pathlib import Path

import pytest
from django.urls import reverse

from common import requestid
from community.tasks import send_goal_reminders
from tests.conftest import wait_for

ROOT = Path(__file__).resolve().parents[2]
GENERATED = re.compile(r"[0-9a-f]{32}")
PRODUCTION_ENV = {
    "DJANGO_SETTINGS_MODULE": "runsite.settings.prod",
    "SECRET_KEY": "a-production-like-secret-key-that-is-long-and-random-0123456789abcdef",
    "ALLOWED_HOSTS": "testserver",
    "SITE_URL": "https://runtowardbalance.example",
}


@pytest.fixture(autouse=True)
def _request_ids_on_captured_records(caplog):
    """As settings.LOGGING's handler does, so caplog's records carry the id too."""
    caplog.handler.addFilter(requestid.RequestIdFilter())


@pytest.fixture
def access_log(caplog):
    caplog.set_level(logging.INFO, logger="runsite.request")

    def records():
        return [record for record in caplog.records if record.name == "runsite.request"]

    return records


# --- The request id ------------------------------------------------------------------------------


def test_a_request_without_an_id_gets_a_fresh_one_in_the_response(client):
    first = client.get("/healthz")["X-Request-ID"]
    second = client.get("/healthz")["X-Request-ID"]

    assert GENERATED.fullmatch(first)
    assert GENERATED.fullmatch(second)
    assert first != second


@pytest.mark.parametrize("incoming", ["9f2c1e7a-4b3d-4e8f-a1b2-c3d4e5f6a7b8", "lb.edge-01_42", "x"])
def test_a_sane_incoming_id_is_kept_and_echoed(client, incoming):
    response = client.get("/healthz", HTTP_X_REQUEST_ID=incoming)

    assert response["X-Request-ID"] == incoming


@pytest.mark.parametrize(
    "incoming",
    [
        "",
        "a" * 65,
        "two words",
        "id\r\nSet-Cookie: x=1",
        '"><script>alert(1)</script>',
        "ünïcode",
        "../../etc/passwd",
    ],
)
def test_a_malformed_incoming_id_is_replaced_not_trusted(client, access_log, incoming):
    response = client.get("/healthz", HTTP_X_REQUEST_ID=incoming)

    assert GENERATED.fullmatch(response["X-Request-ID"])
    assert access_log()[-1].request_id == response["X-Request-ID"]


# --- The access line -----------------------------------------------------------------------------


@pytest.mark.django_db
def test_each_request_logs_one_line_with_method_path_status_duration_and_id(client, access_log):
    response = client.get("/no-such-page/", HTTP_X_REQUEST_ID="trace-404")

    [line] = access_log()
    assert line.levelname == "INFO"
    assert (line.method, line.path, line.status) == ("GET", "/no-such-page/", 404)
    assert line.request_id == response["X-Request-ID"] == "trace-404"
    assert line.user_id is None
    assert line.duration_ms >= 0
    assert line.getMessage().startswith("GET /no-such-page/ 404 ")


@pytest.mark.django_db
def test_the_access_line_names_a_signed_in_member_by_id_only(client, member, access_log):
    client.force_login(member)

    client.get(reverse("privacy"))

    [line] = access_log()
    assert line.user_id == member.pk
    assert "mira" not in line.getMessage()


@pytest.mark.django_db
def test_the_access_line_leaves_out_the_query_string_where_tokens_travel(client, access_log):
    client.get("/healthz?token=s3cr3t-unsubscribe-token")

    [line] = access_log()
    assert line.path == "/healthz"
    assert "s3cr3t" not in line.getMessage()


@pytest.mark.django_db
def test_a_views_own_log_lines_carry_the_request_id(client, caplog):
    caplog.set_level(logging.WARNING, logger="runsite.views")
    report = {"csp-report": {"violated-directive": "script-src", "blocked-uri": "inline"}}

    client.post(
        reverse("csp-report"),
        json.dumps(report),
        content_type="application/csp-report",
        HTTP_X_REQUEST_ID="csp-trace-7",
    )

    [warning] = [r for r in caplog.records if r.name == "runsite.views"]
    assert "CSP violation" in warning.getMessage()
    assert warning.request_id == "csp-trace-7"


def test_outside_a_request_records_say_there_is_no_id():
    record = logging.LogRecord("x", logging.INFO, __file__, 1, "beat tick", None, None)

    requestid.RequestIdFilter(default="-").filter(record)

    assert record.request_id == "-"


# --- JSON lines in production --------------------------------------------------------------------


def run_a_request(env: dict) -> subprocess.CompletedProcess:
    """One request through the whole stack in a fresh process with these settings; its stderr is
    what the log collector would read."""
    script = (
        "from django.test import Client; "
        "Client().get('/healthz?token=s3cr3t', HTTP_X_REQUEST_ID='ops-42', secure=True)"
    )
    clean = {k: v for k, v in os.environ.items() if k not in {"DEBUG", "SECRET_KEY", "LOG_FORMAT"}}
    return subprocess.run(
        [sys.executable, "manage.py", "shell", "--no-imports", "-c", script],
        cwd=ROOT,
        env={**clean, **env},
        capture_output=True,
        text=True,
        timeout=120,
    )


def test_production_logs_one_json_object_a_line_with_the_request_fields():
    result = run_a_request(PRODUCTION_ENV)

    assert result.returncode == 0, result.stderr
    lines = [json.loads(line) for line in result.stderr.splitlines() if line.startswith("{")]
    [access] = [line for line in lines if line["logger"] == "runsite.request"]
    assert access["level"] == "INFO"
    assert access["request_id"] == "ops-42"
    assert (access["method"], access["path"], access["status"]) == ("GET", "/healthz", 200)
    assert isinstance(access["duration_ms"], float)
    assert access["user_id"] is None
    assert access["message"].startswith("GET /healthz 200 ")
    assert {"time", "message"} <= access.keys()
    assert "s3cr3t" not in result.stderr


def test_log_format_plain_gives_production_readable_lines_with_the_id():
    result = run_a_request({**PRODUCTION_ENV, "LOG_FORMAT": "plain"})

    assert result.returncode == 0, result.stderr
    assert re.search(r"INFO runsite\.request \[ops-42\] GET /healthz 200 [\d.]+ms", result.stderr)
    assert not any(line.startswith("{") for line in result.stderr.splitlines())


def test_development_logs_plain_lines_by_default():
    result = run_a_request(
        {
            "DJANGO_SETTINGS_MODULE": "runsite.settings.dev",
            "DEBUG": "true",
            "ALLOWED_HOSTS": "testserver",
        }
    )

    assert result.returncode == 0, result.stderr
    assert "runsite.request [ops-42] GET /healthz 200" in result.stderr


def test_an_unknown_log_format_stops_the_site_from_starting():
    result = run_a_request({**PRODUCTION_ENV, "LOG_FORMAT": "xml"})

    assert result.returncode != 0
    assert "LOG_FORMAT must be json or plain, not 'xml'" in result.stderr


# --- Into Celery, through a real worker ----------------------------------------------------------


def task_lines(log: Path, task_name: str) -> list[dict]:
    """The worker's JSON log lines about one task."""
    lines = []
    for text in log.read_text().splitlines():
        try:
            line = json.loads(text)
        except ValueError:
            continue  # the worker's start-up banner
        if isinstance(line, dict) and task_name in line.get("message", ""):
            lines.append(line)
    return lines


def succeeded(log: Path, task_name: str) -> dict | None:
    done = [line for line in task_lines(log, task_name) if "succeeded" in line["message"]]
    return done[0] if done else None


@pytest.mark.integration
def test_a_task_logs_under_the_id_of_the_request_that_enqueued_it(
    start_worker, smtp_sink, client, human, monkeypatch, tmp_path
):
    monkeypatch.setenv("LOG_FORMAT", "json")
    sink = smtp_sink()
    start_worker(sink.url, site_url="http://testserver")
    log = tmp_path / "worker-1.log"

    response = client.post(
        reverse("newsletter:subscribe"),
        {"email": "ruth@example.com", "newsletter": "on", "source": "home", **human},
        HTTP_X_REQUEST_ID="signup-trace-42",
    )
    assert response.status_code == 302
    wait_for(lambda: succeeded(log, "send_confirmation"), timeout=60, what="the confirmation")

    assert succeeded(log, "send_confirmation")["request_id"] == "signup-trace-42"
    assert [message.rcpt_tos for message in sink.messages] == [["ruth@example.com"]]


@pytest.mark.integration
def test_a_task_enqueued_outside_any_request_logs_under_its_own_task_id(
    start_worker, smtp_sink, monkeypatch, tmp_path
):
    """What beat starts: no request behind it, so the task's own id ties its lines together."""
    monkeypatch.setenv("LOG_FORMAT", "json")
    start_worker(smtp_sink().url, site_url="http://testserver")
    log = tmp_path / "worker-1.log"

    result = send_goal_reminders.delay()
    wait_for(lambda: succeeded(log, "send_goal_reminders"), timeout=60, what="the reminders")

    assert succeeded(log, "send_goal_reminders")["request_id"] == result.id
