"""The suite's Redis is a database of its own: running the integration tests against a
developer's Redis leaves the database REDIS_URL names (their cache and queues) as it was."""

import os
import uuid

import pytest
import redis

from conftest import require
from runsite.celery import app as celery_app

pytestmark = pytest.mark.integration


@pytest.fixture
def developers_key(test_redis_url):
    """A key in REDIS_URL's database, as a developer's cache would hold; removed afterwards."""
    require(os.environ.get("REDIS_URL", "").startswith("redis"), "REDIS_URL names no Redis")
    developers = redis.Redis.from_url(os.environ["REDIS_URL"])
    key = f"rtb-developer-{uuid.uuid4().hex[:8]}"
    developers.set(key, "still here")
    yield developers, key
    developers.delete(key)


def test_the_processes_fixtures_empty_the_tests_redis_never_redis_urls(
    developers_key, transactional_db, request
):
    developers, key = developers_key
    mine = redis.Redis.from_url(request.getfixturevalue("test_redis_url"))
    mine.set("left-by-an-earlier-run", "1")

    env = request.getfixturevalue("production_env")  # what every started process runs with

    assert developers.get(key) == b"still here"
    assert mine.get("left-by-an-earlier-run") is None
    assert os.environ["REDIS_URL"] not in {
        env["REDIS_URL"],
        env["CELERY_BROKER_URL"],
        celery_app.conf.broker_url,
    }
