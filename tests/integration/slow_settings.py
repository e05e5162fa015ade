"""Production settings with one test-only page added: a slow request to stop gunicorn under."""

from runsite.settings.prod import *  # noqa: F403

ROOT_URLCONF = "tests.integration.slow_urls"
