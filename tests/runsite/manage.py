"""`manage.py` run in a process of its own, with production's settings or others."""

import os
import subprocess
import sys

from tests.conftest import ROOT

PRODUCTION_ENV = {
    "DJANGO_SETTINGS_MODULE": "runsite.settings.prod",
    "SECRET_KEY": "a-production-like-secret-key-that-is-long-and-random-0123456789abcdef",
    "ALLOWED_HOSTS": "runtowardbalance.example",
    "SITE_URL": "https://runtowardbalance.example",
}


def manage(*args: str, env: dict[str, str]) -> subprocess.CompletedProcess:
    # Not what this process runs with: DEBUG and SECRET_KEY of the test settings, nor the
    # browser suite's DJANGO_ALLOW_ASYNC_UNSAFE (check --deploy rightly refuses it).
    unwanted = {"DEBUG", "SECRET_KEY", "DJANGO_ALLOW_ASYNC_UNSAFE"}
    clean = {k: v for k, v in os.environ.items() if k not in unwanted}
    return subprocess.run(
        [sys.executable, "manage.py", *args],
        cwd=ROOT,
        env={**clean, **env},
        capture_output=True,
        text=True,
        timeout=120,
    )
