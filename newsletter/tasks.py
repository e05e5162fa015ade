"""Newsletter tasks: they load rows by id, call a service, and are safe to run twice.

All of them go to the "emails" queue (CELERY_TASK_ROUTES), so a big send never delays the
site's other background work.
"""

from celery import shared_task, signals
from django.conf import settings

from .models import Issue, Subscriber
from .services import emails, provider_events, sending, series, suppression, welcome


@shared_task(autoretry_for=(OSError,), retry_backoff=True, max_retries=5)
def send_confirmation(subscriber_id: int) -> bool:
    """Send the double opt-in email to a pending subscriber, unless a complaint or an editor
    stopped the address (a bounced one may confirm: that is how it proves it works again)."""
    subscriber = Subscriber.objects.filter(
        pk=subscriber_id, status=Subscriber.Status.PENDING
    ).first()
    if subscriber is None or suppression.blocks_subscribing(subscriber.email):
        return False
    emails.confirmation_message(subscriber).send()
    return True


@shared_task(autoretry_for=(OSError,), retry_backoff=True, max_retries=5)
def send_welcome(subscriber_id: int) -> bool:
    """The one welcome on confirming; nothing for an address welcomed before or gone since."""
    subscriber = Subscriber.objects.filter(pk=subscriber_id).first()
    return welcome.send_welcome(subscriber=subscriber) if subscriber else False


@shared_task(autoretry_for=(OSError,), retry_backoff=True, max_retries=5)
def send_first_series_step(subscriber_id: int) -> bool:
    """Week one of the beginner series at once; the daily run catches it if every retry fails."""
    subscriber = Subscriber.objects.filter(pk=subscriber_id).first()
    return series.send_first_step(subscriber=subscriber) if subscriber else False


@shared_task
def prepare_deliveries(issue_id: int) -> int:
    """Create an issue's deliveries from the subscriber list, then start the senders."""
    issue = Issue.objects.filter(pk=issue_id).first()
    return sending.prepare_deliveries(issue=issue) if issue else 0


@shared_task
def send_batch(issue_id: int) -> int:
    """Send one batch; while batches remain, the task queues itself again."""
    issue = Issue.objects.filter(pk=issue_id).first()
    if issue is None:
        return 0
    claimed = sending.send_next_batch(issue=issue)
    if claimed:
        send_batch.delay(issue_id)
    return claimed


@shared_task
def send_due_issues() -> int:
    return sending.send_due_issues()


@shared_task
def resume_stalled_sends() -> int:
    """Requeue expired leases, restart idle sends, report stalled ones (beat; worker start)."""
    requeued = sending.resume_stalled()
    sending.report_stalled()
    return requeued


@signals.worker_ready.connect
def resume_sends_on_start(sender=None, **kwargs) -> None:
    """A worker that starts (again) picks up sends left behind: now, for leases that already
    ran out, and once more just after a lease, for those of a worker killed a moment ago.
    Beat does the same every 15 seconds; this does not wait for it."""
    resume_stalled_sends.apply_async()
    resume_stalled_sends.apply_async(countdown=settings.NEWSLETTER_LEASE_SECONDS + 1)


@shared_task
def send_series_steps() -> int:
    return series.send_series_steps()


@shared_task
def prune_provider_events() -> int:
    """Forget provider events older than PROVIDER_EVENT_DAYS (beat, daily)."""
    return provider_events.prune_provider_events()
