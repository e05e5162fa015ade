"""Tests: fast hashing, local caches, mail in memory, Celery eager for unit tests."""

import os

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
