"""Production: refuses to start without what a public deployment needs."""

import os
from urllib.parse import urlsplit

from django.core.exceptions import ImproperlyConfigured

for _name in ("SECRET_KEY", "ALLOWED_HOSTS", "SITE_URL"):
    if not os.environ.get(_name):
        raise ImproperlyConfigured(f"{_name} must be set in the environment for production.")
if os.environ.get("DEBUG", "").lower() in {"1", "true", "yes", "on"}:
    raise ImproperlyConfigured("DEBUG must be off in production.")

# JSON log lines for the log collector unless LOG_FORMAT says otherwise; base.py reads it.
os.environ.setdefault("LOG_FORMAT", "json")

from .base import *  # noqa: E402, F403

STORAGES["staticfiles"] = {  # noqa: F405
    "BACKEND": "whitenoise.storage.CompressedManifestStaticFilesStorage",
}

# TLS ends at the reverse proxy, which sets X-Forwarded-Proto (see README, Production).
SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")
SECURE_SSL_REDIRECT = env.bool("SECURE_SSL_REDIRECT", default=True)  # noqa: F405
# Plain-http requests are redirected to the site's own host, never to the one they named.
SECURE_SSL_HOST = urlsplit(SITE_URL).netloc  # noqa: F405
SECURE_HSTS_SECONDS = env.int("SECURE_HSTS_SECONDS", default=60 * 60 * 24 * 365)  # noqa: F405
SECURE_HSTS_INCLUDE_SUBDOMAINS = True
# The header alone lists nothing: a site joins browsers' preload lists only when submitted.
SECURE_HSTS_PRELOAD = env.bool("SECURE_HSTS_PRELOAD", default=True)  # noqa: F405
SESSION_COOKIE_SECURE = True
CSRF_COOKIE_SECURE = True
