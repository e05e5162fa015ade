"""gunicorn's settings, read from the working directory: `gunicorn` alone serves the site.

Everything comes from the environment, as the Django settings do; flags on the command line
still win over this file.
"""

import os

wsgi_app = "runsite.wsgi:application"
bind = f"0.0.0.0:{os.environ.get('PORT', '8000')}"

# Sync workers: (2 x cores) + 1 by default, capped so a big machine does not open more database
# connections than PostgreSQL allows. WEB_THREADS above 1 switches to threaded workers.
_cores = len(os.sched_getaffinity(0)) if hasattr(os, "sched_getaffinity") else os.cpu_count()
workers = int(os.environ.get("WEB_CONCURRENCY") or min(2 * (_cores or 1) + 1, 12))
threads = int(os.environ.get("WEB_THREADS") or 1)

# A request running longer than `timeout` gets its worker killed. On SIGTERM gunicorn stops
# listening and gives requests in flight `graceful_timeout` to finish before killing workers.
timeout = int(os.environ.get("WEB_TIMEOUT") or 30)
graceful_timeout = int(os.environ.get("WEB_GRACEFUL_TIMEOUT") or 30)

# Each worker is replaced after this many requests (jittered, so not all at once): memory that
# grows slowly never grows for long. 0 turns it off.
max_requests = int(os.environ.get("WEB_MAX_REQUESTS") or 10000)
max_requests_jitter = max_requests // 10

# Proxies whose X-Forwarded-* headers gunicorn believes: the local nginx by default.
forwarded_allow_ips = os.environ.get("FORWARDED_ALLOW_IPS", "127.0.0.1,::1")

# Nothing of ours uses gunicornc, and two gunicorns on one machine (tests, a staging copy) would
# share its one default socket path.
control_socket_disable = True

# Django logs one line per request (runsite.request) with its request id; gunicorn's own access
# line would repeat it without one.
accesslog = None
errorlog = "-"

# gunicorn serves production, where JSON lines are the default (runsite/settings/prod.py); its
# own messages (workers booting, timing out, exiting) then take the same shape as the site's.
# The formatter is written out here, not imported from runsite: importing the package loads the
# Celery app, whose DJANGO_SETTINGS_MODULE default (dev) would then win over wsgi.py's (prod).
if os.environ.get("LOG_FORMAT", "json") == "json":
    logconfig_dict = {
        "formatters": {
            "json": {
                "()": "pythonjsonlogger.json.JsonFormatter",
                "fmt": ["asctime", "levelname", "name", "message", "process"],
                "rename_fields": {"asctime": "time", "levelname": "level", "name": "logger"},
            }
        },
        "handlers": {
            "console": {
                "class": "logging.StreamHandler",
                "formatter": "json",
                "stream": "ext://sys.stderr",
            }
        },
        "root": {"level": "INFO", "handlers": ["console"]},
        "loggers": {
            # Not propagated: Django's logging, configured in each worker, would print it twice.
            "gunicorn.error": {"level": "INFO", "handlers": ["console"], "propagate": False},
            # A logging config turns gunicorn's access log on; its INFO lines stop here.
            "gunicorn.access": {"level": "WARNING", "handlers": [], "propagate": False},
        },
    }
