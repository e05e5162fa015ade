"""A task that takes a while and leaves a row behind: a worker is stopped while it runs.

Only workers started with `--include tests.integration.slow_tasks` know it."""

import logging
import time

from celery import shared_task
from django.contrib.auth import get_user_model

logger = logging.getLogger(__name__)


@shared_task
def slow_write(username: str, seconds: float) -> None:
    logger.warning("slow task started")
    time.sleep(seconds)
    get_user_model().objects.create_user(username=username)
