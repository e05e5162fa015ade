"""Run Procfile.dev's processes (web, worker, beat) under honcho, as `make run` does.

On Ctrl-C honcho sends each process SIGTERM, and once the first has stopped (the web server,
at once) gives the others 5 s, a constant that honcho 2.0 offers no option for, before it
kills them. A worker in the middle of a task was killed with it, and on the default
(filesystem) broker the task was lost: its message leaves the queue folder when the worker
takes it, and only a worker that stops by itself puts back what it had not finished. Here
they get --stop-seconds instead, so the worker's warm shutdown finishes its tasks.
"""

import os
from pathlib import Path

import honcho.manager
from django.conf import settings
from django.core.management.base import BaseCommand
from honcho.command import main as honcho_start

PROCFILE = Path(settings.BASE_DIR) / "Procfile.dev"
# Longer than any task a development worker runs (a rendition, a batch of console emails).
STOP_SECONDS = 60


class Command(BaseCommand):
    help = (
        "Run Procfile.dev's web server, Celery worker and beat together; on Ctrl-C wait up to "
        "--stop-seconds for them to stop (the worker finishing its tasks) before killing them."
    )
    requires_system_checks: list[str] = []

    def add_arguments(self, parser):
        parser.add_argument("processes", nargs="*", help="Procfile.dev's processes to start (all)")
        parser.add_argument("--stop-seconds", type=int, default=STOP_SECONDS)

    def handle(self, *args, processes, stop_seconds, **options):
        honcho.manager.KILL_WAIT = stop_seconds
        os.chdir(PROCFILE.parent)  # the Procfile's commands name .venv/bin/… from here
        honcho_start(
            ["start", "--procfile", str(PROCFILE), "--app-root", str(PROCFILE.parent), *processes]
        )
