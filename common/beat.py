"""Celery beat's scheduler, as Celery ships it, but able to start on a fresh machine."""

from pathlib import Path

from celery.beat import PersistentScheduler


class Scheduler(PersistentScheduler):
    """PersistentScheduler that creates the folder of its schedule file first.

    Beat remembers when each entry last ran in CELERY_BEAT_SCHEDULE_FILENAME (under var/ by
    default). On a new node that folder does not exist yet, and Celery's own scheduler then
    stops beat with FileNotFoundError: the one process that must run would not."""

    def setup_schedule(self):
        Path(self.schedule_filename).parent.mkdir(parents=True, exist_ok=True)
        super().setup_schedule()
