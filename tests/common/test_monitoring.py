"""Error reporting: off unless SENTRY_DSN is set, and then without members' personal data."""

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest
import sentry_sdk
from django.core.exceptions import ImproperlyConfigured
from django.core.handlers.wsgi import WSGIHandler
from django.core.signals import request_finished, request_started
from django.db import close_old_connections
from django.test import RequestFactory
from django.urls import path
from django.views.decorators.csrf import csrf_exempt
from sentry_sdk.transport import Transport

from common import monitoring

ROOT = Path(__file__).resolve().parents[2]
# Nothing listens on the discard port: a report that did leave the process would go nowhere.
FAKE_DSN = "https://public@127.0.0.1:9/1"
PRODUCTION_ENV = {
    "DJANGO_SETTINGS_MODULE": "runsite.settings.prod",
    "SECRET_KEY": "a-production-like-secret-key-that-is-long-and-random-0123456789abcdef",
    "ALLOWED_HOSTS": "runtowardbalance.example",
    "SITE_URL": "https://runtowardbalance.example",
}
SENTRY_VARIABLES = {
    "SENTRY_DSN",
    "SENTRY_ENVIRONMENT",
    "SENTRY_RELEASE",
    "SENTRY_TRACES_SAMPLE_RATE",
}


def sentry_state(env: dict) -> dict:
    """What the Sentry client looks like in a fresh process started with these settings."""
    script = (
        "import json, sentry_sdk; client = sentry_sdk.get_client(); print(json.dumps({"
        "'active': client.is_active(), 'dsn': client.dsn,"
        "'environment': client.options.get('environment'),"
        "'release': client.options.get('release'),"
        "'data_collection': client.options.get('data_collection'),"
        "'traces_sample_rate': client.options.get('traces_sample_rate'),"
        "'integrations': sorted(getattr(client, 'integrations', {}))}))"
    )
    clean = {k: v for k, v in os.environ.items() if k not in {"DEBUG", *SENTRY_VARIABLES}}
    result = subprocess.run(
        [sys.executable, "manage.py", "shell", "--no-imports", "-c", script],
        cwd=ROOT,
        env={**clean, **PRODUCTION_ENV, **env},
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert result.returncode == 0, result.stderr
    return json.loads(result.stdout.strip().splitlines()[-1])


def test_without_sentry_dsn_nothing_is_reported():
    state = sentry_state({})

    assert state["active"] is False
    assert state["dsn"] is None


def test_with_sentry_dsn_the_site_reports_with_its_environment_and_release():
    state = sentry_state(
        {
            "SENTRY_DSN": FAKE_DSN,
            "SENTRY_ENVIRONMENT": "staging",
            "SENTRY_RELEASE": "rtb@2026.11.27",
            "SENTRY_TRACES_SAMPLE_RATE": "0.25",
        }
    )

    assert state["active"] is True
    assert state["dsn"] == FAKE_DSN
    assert (state["environment"], state["release"]) == ("staging", "rtb@2026.11.27")
    collected = state["data_collection"]
    assert collected["user_info"] is False
    assert collected["http_bodies"] == []
    assert collected["stack_frame_variables"] is False
    assert collected["cookies"] == {"mode": "off"}
    assert state["traces_sample_rate"] == 0.25
    assert {"django", "celery"} <= set(state["integrations"])


def test_tracing_is_off_unless_a_sample_rate_is_given():
    state = sentry_state({"SENTRY_DSN": FAKE_DSN})

    assert state["traces_sample_rate"] is None


def test_a_sample_rate_that_is_not_a_number_stops_the_site_from_starting():
    clean = {k: v for k, v in os.environ.items() if k not in {"DEBUG", *SENTRY_VARIABLES}}
    env = {**clean, **PRODUCTION_ENV, "SENTRY_DSN": FAKE_DSN, "SENTRY_TRACES_SAMPLE_RATE": "lots"}

    result = subprocess.run(
        [sys.executable, "manage.py", "check"],
        cwd=ROOT,
        env=env,
        capture_output=True,
        text=True,
        timeout=120,
    )

    assert result.returncode != 0
    assert "SENTRY_TRACES_SAMPLE_RATE must be a number from 0 to 1, not 'lots'" in result.stderr


# --- What a report holds -------------------------------------------------------------------------


class RecordingTransport(Transport):
    """Keeps envelopes instead of sending them."""

    def __init__(self):
        super().__init__()
        self.envelopes = []

    def capture_envelope(self, envelope):
        self.envelopes.append(envelope)

    def events(self) -> list[dict]:
        return [envelope.get_event() for envelope in self.envelopes if envelope.get_event()]


@csrf_exempt
def broken_view(request):
    email = request.POST.get("email")  # a local variable a report must not carry
    raise RuntimeError(f"the plan builder fell over ({len(email or '')} characters)")


urlpatterns = [path("broken/", broken_view)]


@pytest.fixture
def reported():
    transport = RecordingTransport()
    assert monitoring.init_sentry(
        dsn=FAKE_DSN, environment="test", release="rtb@test", transport=transport
    )
    yield transport
    sentry_sdk.get_global_scope().set_client(None)


@pytest.mark.parametrize("text", ["lots", "-0.1", "1.5", "nan", ""])
def test_a_sample_rate_outside_zero_to_one_is_refused(text):
    with pytest.raises(ImproperlyConfigured, match="SENTRY_TRACES_SAMPLE_RATE"):
        monitoring.sample_rate(text)


def test_init_without_a_dsn_starts_nothing():
    assert monitoring.init_sentry(dsn="") is False
    assert not sentry_sdk.get_client().is_active()


def post_as_gunicorn_would(path: str, data: dict, **headers) -> int:
    """Through Django's WSGI handler, which Sentry instruments (the test client bypasses it)."""
    environ = RequestFactory().post(path, data, **headers).environ
    status = []
    # As Django's test client does: the test's transaction keeps the connection open.
    request_started.disconnect(close_old_connections)
    request_finished.disconnect(close_old_connections)
    try:
        WSGIHandler()(environ, lambda line, headers, exc_info=None: status.append(line))
    finally:
        request_started.connect(close_old_connections)
        request_finished.connect(close_old_connections)
    return int(status[0].split()[0])


@pytest.mark.urls(__name__)
@pytest.mark.django_db
def test_a_server_error_is_reported_without_the_members_personal_data(client, member, reported):
    client.force_login(member)
    session = client.cookies["sessionid"].value

    status = post_as_gunicorn_would(
        "/broken/?token=s3cr3t-unsubscribe-token",
        {"email": "mira@example.com"},
        REMOTE_ADDR="203.0.113.9",
        HTTP_COOKIE=f"sessionid={session}",
        HTTP_X_REQUEST_ID="boom-1",
        HTTP_X_FORWARDED_FOR="198.51.100.4",
        HTTP_USER_AGENT="Firefox/140",
    )

    assert status == 500
    sentry_sdk.flush()
    [event] = reported.events()
    assert "the plan builder fell over" in event["exception"]["values"][-1]["value"]
    assert (event["environment"], event["release"]) == ("test", "rtb@test")
    # The report says which request it was, so its log lines can be found...
    assert event["request"]["url"] == "http://testserver/broken/"
    assert event["request"]["headers"]["X-Request-Id"] == "boom-1"
    # ...and nothing about who sent it or what they typed.
    text = json.dumps(event)
    for personal in ("203.0.113.9", "198.51.100.4", "mira", "s3cr3t", session):
        assert personal not in text
    assert "user" not in event
