import os
import subprocess
import sys

import pytest
from django.urls import reverse

from runsite import views
from tests.conftest import ROOT
from tests.runsite.manage import PRODUCTION_ENV, manage

pytestmark = pytest.mark.django_db


def test_robots_txt_points_to_the_sitemap(client, settings):
    settings.SITE_URL = "https://runtowardbalance.example"

    response = client.get("/robots.txt")

    assert response["Content-Type"] == "text/plain; charset=utf-8"
    assert "Sitemap: https://runtowardbalance.example/sitemap.xml" in response.content.decode()


def test_favicon_ico_points_browsers_at_the_site_icon(client):
    response = client.get("/favicon.ico")

    assert response.status_code == 302
    assert response["Location"] == "/static/img/favicon.svg"
    assert "max-age=86400" in response["Cache-Control"]


def test_privacy_page_is_linked_from_every_page_footer(client):
    home = client.get(reverse("home")).content.decode()
    privacy = client.get(reverse("privacy"))

    assert f'href="{reverse("privacy")}"' in home
    assert privacy.status_code == 200
    assert b"csrftoken" in privacy.content


def test_server_errors_get_the_sites_own_page(client, monkeypatch):
    def broken():
        raise RuntimeError("boom")

    monkeypatch.setattr(views.articles, "home_page", broken)
    client.raise_request_exception = False

    response = client.get(reverse("home"))

    assert response.status_code == 500
    assert b"Something went wrong on our side" in response.content


def test_with_debug_off_and_no_secret_key_the_site_refuses_to_start():
    result = manage(
        "check", env={"DJANGO_SETTINGS_MODULE": "runsite.settings.dev", "DEBUG": "false"}
    )

    assert result.returncode != 0
    assert "SECRET_KEY is not set" in result.stderr


def test_production_settings_refuse_to_start_without_allowed_hosts():
    env = {**PRODUCTION_ENV, "ALLOWED_HOSTS": ""}

    result = manage("check", env=env)

    assert result.returncode != 0
    assert "ALLOWED_HOSTS must be set" in result.stderr


def test_production_settings_pass_the_deployment_checklist_without_warnings():
    result = manage("check", "--deploy", "--fail-level", "WARNING", env=PRODUCTION_ENV)

    assert result.returncode == 0, result.stderr + result.stdout
    assert "System check identified no issues" in result.stdout


def test_every_model_change_has_its_migration():
    result = manage(
        "makemigrations",
        "--check",
        "--dry-run",
        env={"DJANGO_SETTINGS_MODULE": "runsite.settings.test"},
    )

    assert result.returncode == 0, result.stdout + result.stderr


@pytest.mark.parametrize(
    ("entry_point", "expected"),
    [
        ("runsite.wsgi", "runsite.settings.prod"),  # gunicorn runsite.wsgi
        ("runsite.asgi", "runsite.settings.prod"),
        ("runsite.celery", "runsite.settings.prod"),  # celery -A runsite worker / beat
    ],
)
def test_production_entry_points_default_to_production_settings(entry_point, expected):
    """A server started without DJANGO_SETTINGS_MODULE must never fall back to development's
    (DEBUG on): importing the package loads the Celery app before wsgi.py's own default."""
    clean = {k: v for k, v in os.environ.items() if k not in {"DJANGO_SETTINGS_MODULE", "DEBUG"}}
    env = {**clean, **{k: v for k, v in PRODUCTION_ENV.items() if k != "DJANGO_SETTINGS_MODULE"}}
    code = (
        f"import os, {entry_point}; from django.conf import settings; "
        "print(os.environ['DJANGO_SETTINGS_MODULE'], settings.DEBUG)"
    )
    done = subprocess.run(
        [sys.executable, "-c", code], cwd=ROOT, env=env, capture_output=True, text=True
    )

    assert done.returncode == 0, done.stderr
    assert done.stdout.split() == [expected, "False"]


def test_a_web_process_keeps_what_it_loaded_out_of_the_collectors_way():
    """gunicorn imports runsite.wsgi in each worker: everything loaded by then lives as long as
    the process, and a full collection that walks it again and again is time a page waits."""
    clean = {k: v for k, v in os.environ.items() if k not in {"DJANGO_SETTINGS_MODULE", "DEBUG"}}
    env = {**clean, **{k: v for k, v in PRODUCTION_ENV.items() if k != "DJANGO_SETTINGS_MODULE"}}
    code = "import gc, runsite.wsgi; print(gc.get_freeze_count())"
    done = subprocess.run(
        [sys.executable, "-c", code], cwd=ROOT, env=env, capture_output=True, text=True
    )

    assert done.returncode == 0, done.stderr
    assert int(done.stdout) > 10_000


@pytest.mark.parametrize(
    ("setting", "expected"), [({}, "True"), ({"DATABASE_PREPARED_STATEMENTS": "false"}, "None")]
)
def test_postgresql_binds_parameters_on_the_server_unless_a_pooler_cannot(setting, expected):
    """Server-side binding is what lets psycopg prepare the queries a connection repeats, so
    that PostgreSQL stops planning them anew; PgBouncer before 1.21 cannot keep them."""
    env = {
        **PRODUCTION_ENV,
        "DATABASE_URL": "postgres://someone@db.example:5432/runsite",
        "REDIS_URL": "",
        **setting,
    }
    code = (
        "import django; django.setup(); from django.conf import settings; "
        "print(settings.DATABASES['default'].get('OPTIONS', {}).get('server_side_binding'))"
    )
    clean = {k: v for k, v in os.environ.items() if k not in {"DEBUG", "DATABASE_URL"}}
    done = subprocess.run(
        [sys.executable, "-c", code], cwd=ROOT, env={**clean, **env}, capture_output=True, text=True
    )

    assert done.returncode == 0, done.stderr
    assert done.stdout.split()[-1] == expected
