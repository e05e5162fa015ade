"""Tests: fast hashing, local caches, mail in memory, Celery eager for unit tests."""

import os
from urllib.parse import urlsplit

os.environ.setdefault("SECRET_KEY", "tests-only-secret-key")
os.environ.setdefault("DEBUG", "false")

from .base import *  # noqa: F403

PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
# Each test process gets its own in-memory cache, so tests never see each other's entries.
CACHES = {"default": {"BACKEND": "django.core.cache.backends.locmem.LocMemCache"}}
EMAIL_BACKEND = "django.core.mail.backends.locmem.EmailBackend"
# Unit tests run tasks inline; tests/integration starts a real worker against Redis instead.
CELERY_TASK_ALWAYS_EAGER = True
CELERY_TASK_EAGER_PROPAGATES = True
SITE_URL = "http://testserver"
# Tests that set SITE_URL to https://runtowardbalance.example ask for its host.
ALLOWED_HOSTS = ["testserver", "localhost", "127.0.0.1", "runtowardbalance.example"]
LOGGING["root"]["level"] = "WARNING"  # noqa: F405
# Test clients submit forms instantly; tests of the bot checks raise this again.
FORM_MIN_SECONDS = 0
# As if the provider's inbound webhook read the unsubscribe mailbox, so messages advertise it.
NEWSLETTER_UNSUBSCRIBE_MAILBOX = "unsubscribe@testserver"
NEWSLETTER_UNSUBSCRIBE_INBOUND = True
UNSUBSCRIBE_MAILBOX_READ = True


def _next_database(url: str) -> str:
    """The same Redis server, the database numbered one higher (15 wraps round to 0)."""
    parts = urlsplit(url)
    number = int(parts.path.strip("/") or 0)
    return parts._replace(path=f"/{(number + 1) % 16}").geturl()


# Tests never write to the Redis database REDIS_URL names, which may hold a developer's cache and
# queues: the broker here and every Redis that tests/ starts processes on or empties is
# TEST_REDIS_URL's, by default REDIS_URL's server with the next database number.
TEST_REDIS_URL = env.str("TEST_REDIS_URL", default="") or (  # noqa: F405
    _next_database(REDIS_URL) if REDIS_URL else ""  # noqa: F405
)
if TEST_REDIS_URL:
    CELERY_BROKER_URL = TEST_REDIS_URL
