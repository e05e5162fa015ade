"""/healthz says the process answers; /readyz says whether it can serve: what a load balancer
and an orchestrator's probes read."""

import pytest
from django.db import connection
from django.db.migrations.executor import MigrationExecutor

from runsite.celery import app as celery_app

pytestmark = pytest.mark.django_db

ALL_OK = {"database": "ok", "cache": "ok", "broker": "ok", "migrations": "ok"}


def test_healthz_answers_ok_without_asking_any_dependency(client, monkeypatch):
    # A dead broker must not make every web process look dead to a liveness probe.
    monkeypatch.setitem(celery_app.conf, "broker_url", "redis://127.0.0.1:9/3")

    response = client.get("/healthz")

    assert response.status_code == 200
    assert response.json() == {"status": "ok"}
    assert "no-store" in response["Cache-Control"]


def test_readyz_answers_200_when_every_dependency_answers(client):
    response = client.get("/readyz")

    assert response.status_code == 200
    assert response.json() == {"status": "ok", "checks": ALL_OK}
    assert "no-store" in response["Cache-Control"]


def test_readyz_answers_503_naming_an_unreachable_broker(client, monkeypatch):
    # Nothing listens on the discard port: the connection is refused at once.
    monkeypatch.setitem(celery_app.conf, "broker_url", "redis://127.0.0.1:9/3")

    response = client.get("/readyz")

    assert response.status_code == 503
    assert response.json() == {"status": "error", "checks": {**ALL_OK, "broker": "error"}}


def test_readyz_answers_503_while_a_migration_is_unapplied(client, monkeypatch, caplog):
    real_plan = MigrationExecutor.migration_plan

    def plan_with_the_newest_migration_unapplied(self, targets, clean_start=False):
        plan = real_plan(self, targets, clean_start)
        newest = self.loader.get_migration("runsite", "0001_consent_and_csp_reports")
        return [*plan, (newest, False)]

    monkeypatch.setattr(
        MigrationExecutor, "migration_plan", plan_with_the_newest_migration_unapplied
    )

    response = client.get("/readyz")

    assert response.status_code == 503
    assert response.json()["checks"] == {**ALL_OK, "migrations": "error"}
    # The operator finds which one in the log; the public answer does not say.
    assert "runsite.0001_consent_and_csp_reports" in caplog.text
    assert b"0001" not in response.content


def test_readyz_answers_503_when_the_database_is_gone(client, monkeypatch):
    def refuse(*args, **kwargs):
        raise connection.Database.OperationalError("connection refused")

    monkeypatch.setattr(connection, "cursor", refuse)

    response = client.get("/readyz")

    assert response.status_code == 503
    checks = response.json()["checks"]
    assert (checks["database"], checks["migrations"]) == ("error", "error")


@pytest.mark.parametrize("method", ["post", "put", "delete"])
def test_probes_answer_only_get(client, method):
    for path in ("/healthz", "/readyz"):
        assert getattr(client, method)(path).status_code == 405
