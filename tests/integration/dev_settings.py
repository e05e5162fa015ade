"""Development settings, as `make run`'s processes have them, plus the slow test task."""

from runsite.settings.dev import *  # noqa: F403

CELERY_INCLUDE = ["tests.integration.slow_tasks"]
