"""Sending an issue to every confirmed subscriber, resumably and without doubles.

How a send works:
1. `request_send` moves the issue to SENDING under a row lock, so two clicks or two schedulers
   start one send. Scheduled issues are found by beat polling `due_issues`, not by countdowns.
2. `prepare_deliveries` streams subscriber ids from the database in chunks and inserts one
   Delivery row per subscriber (unique per issue and subscriber; conflicts ignored), then starts
   the senders.
3. Each `send_next_batch` claims a batch of queued deliveries (SKIP LOCKED on PostgreSQL, so
   workers never share a row), sends them over one SMTP connection and marks each one sent the
   moment the server accepted it. Pausing or cancelling stops further batches.
4. A worker killed mid-batch leaves rows in SENDING; `resume_stalled` (beat) puts rows claimed
   too long ago back in the queue. Only messages in flight at the kill can be sent twice.
"""

import logging
import smtplib
from datetime import timedelta
from itertools import islice

from django.conf import settings
from django.core.mail import get_connection
from django.db import connection as db_connection
from django.db import transaction
from django.db.models import Count, F, Q
from django.utils import timezone

from ..models import Delivery, Issue, Subscriber
from .emails import render_issue

logger = logging.getLogger(__name__)

CHUNK = 2000
MAX_ATTEMPTS = 5
BOUNCE_LIMIT = 3
STATUS_CHECK_EVERY = 50


def _chunks(iterable, size: int):
    """itertools.batched, which Python 3.11 does not have yet."""
    iterator = iter(iterable)
    while chunk := list(islice(iterator, size)):
        yield chunk


# --- Starting, pausing, cancelling -------------------------------------------------------------


def request_send(*, issue: Issue, at=None) -> Issue:
    """Send now, or schedule for `at`. Idempotent: a second request changes nothing."""
    with transaction.atomic():
        issue = Issue.objects.select_for_update().get(pk=issue.pk)
        if issue.status not in (Issue.Status.DRAFT, Issue.Status.SCHEDULED):
            return issue
        if at is not None and at > timezone.now():
            issue.status = Issue.Status.SCHEDULED
            issue.scheduled_at = at
            issue.save(update_fields=["status", "scheduled_at", "updated_at"])
            return issue
        _start(issue)
    return issue


def _start(issue: Issue) -> None:
    from ..tasks import prepare_deliveries

    issue.status = Issue.Status.SENDING
    issue.started_at = timezone.now()
    issue.save(update_fields=["status", "started_at", "updated_at"])
    transaction.on_commit(lambda: prepare_deliveries.delay(issue.pk))


def send_due_issues() -> int:
    """Start every scheduled issue whose time has come (beat calls this every minute)."""
    started = 0
    for issue_id in Issue.objects.due().values_list("pk", flat=True):
        with transaction.atomic():
            issue = Issue.objects.select_for_update().get(pk=issue_id)
            if issue.status == Issue.Status.SCHEDULED and issue.scheduled_at <= timezone.now():
                _start(issue)
                started += 1
    return started


def pause(*, issue: Issue) -> Issue:
    return _switch(issue, {Issue.Status.SENDING}, Issue.Status.PAUSED)


def resume(*, issue: Issue) -> Issue:
    issue = _switch(issue, {Issue.Status.PAUSED}, Issue.Status.SENDING)
    if issue.status == Issue.Status.SENDING:
        _continue(issue)
    return issue


def cancel(*, issue: Issue) -> Issue:
    """Stop for good: nothing queued is sent. Already delivered messages stay delivered."""
    issue = _switch(
        issue,
        {Issue.Status.SCHEDULED, Issue.Status.SENDING, Issue.Status.PAUSED},
        Issue.Status.CANCELLED,
    )
    if issue.status == Issue.Status.CANCELLED:
        issue.deliveries.filter(status=Delivery.Status.QUEUED).update(
            status=Delivery.Status.SKIPPED
        )
    return issue


def _switch(issue: Issue, allowed: set, to: str) -> Issue:
    with transaction.atomic():
        issue = Issue.objects.select_for_update().get(pk=issue.pk)
        if issue.status in allowed:
            issue.status = to
            issue.save(update_fields=["status", "updated_at"])
    return issue


def _continue(issue: Issue) -> None:
    """Start the senders, or first the preparation if it never finished (it starts them)."""
    if issue.prepared_at is None:
        from ..tasks import prepare_deliveries

        transaction.on_commit(lambda: prepare_deliveries.delay(issue.pk))
    else:
        _kick(issue)


def _kick(issue: Issue) -> None:
    from ..tasks import send_batch

    senders = max(1, settings.NEWSLETTER_SENDERS)
    transaction.on_commit(lambda: [send_batch.delay(issue.pk) for _ in range(senders)])


# --- Deliveries --------------------------------------------------------------------------------


def prepare_deliveries(*, issue: Issue) -> int:
    """Create the issue's Delivery rows by streaming subscriber ids; never a list of everyone.
    Safe to run twice: existing rows are left alone."""
    if issue.status != Issue.Status.SENDING:
        return 0
    ids = (
        Subscriber.objects.for_newsletter()
        .order_by("pk")
        .values_list("pk", flat=True)
        .iterator(chunk_size=CHUNK)
    )
    # One transaction, so resume_stalled never sees half the rows and finishes the send early.
    with transaction.atomic():
        for chunk in _chunks(ids, CHUNK):
            Delivery.objects.bulk_create(
                [Delivery(issue_id=issue.pk, subscriber_id=pk) for pk in chunk],
                ignore_conflicts=True,
            )
    recipients = issue.deliveries.count()
    # Until prepared_at is set, an issue with no open deliveries is not finished, only early.
    issue.prepared_at = timezone.now()
    Issue.objects.filter(pk=issue.pk).update(
        recipient_count=recipients, prepared_at=issue.prepared_at
    )
    _kick(issue)
    return recipients


def progress(issue: Issue) -> dict[str, int]:
    counts = dict(
        issue.deliveries.values_list("status").annotate(n=Count("pk")).values_list("status", "n")
    )
    return {status: counts.get(status, 0) for status in Delivery.Status.values}


def _claim(issue: Issue, size: int) -> list[Delivery]:
    now = timezone.now()
    with transaction.atomic():
        queued = (
            Delivery.objects.filter(issue=issue, status=Delivery.Status.QUEUED)
            .filter(Q(next_attempt_at__isnull=True) | Q(next_attempt_at__lte=now))
            .order_by("pk")
        )
        if db_connection.features.has_select_for_update_skip_locked:
            queued = queued.select_for_update(skip_locked=True)
        ids = list(queued.values_list("pk", flat=True)[:size])
        Delivery.objects.filter(pk__in=ids).update(
            status=Delivery.Status.SENDING, claimed_at=now, attempts=F("attempts") + 1
        )
    return list(Delivery.objects.filter(pk__in=ids).select_related("subscriber").order_by("pk"))


def send_next_batch(*, issue: Issue) -> int:
    """Claim and send one batch over one SMTP connection; return how many were claimed."""
    issue.refresh_from_db(fields=["status"])
    if issue.status != Issue.Status.SENDING:
        return 0
    batch = _claim(issue, settings.NEWSLETTER_BATCH_SIZE)
    if not batch:
        _finish_if_done(issue)
        return 0
    rendered = render_issue(issue)
    smtp = get_connection()
    try:
        smtp.open()
        for index, delivery in enumerate(batch):
            if index and index % STATUS_CHECK_EVERY == 0 and _stopped(issue):
                # Back in the queue, and the claim's attempt is not counted: nothing was tried.
                Delivery.objects.filter(pk__in=[d.pk for d in batch[index:]]).update(
                    status=Delivery.Status.QUEUED, claimed_at=None, attempts=F("attempts") - 1
                )
                break
            subscriber = delivery.subscriber
            if not (subscriber.is_mailable and subscriber.wants_newsletter):
                _mark(delivery, Delivery.Status.SKIPPED)
                continue
            message = rendered.message_for(subscriber, connection=smtp)
            try:
                smtp.send_messages([message])
            except (smtplib.SMTPServerDisconnected, ConnectionError, TimeoutError) as error:
                _retry_later(delivery, error)
                smtp.close()
                smtp.open()
            except smtplib.SMTPException as error:
                if _is_permanent(error):
                    _fail(delivery, error)
                else:
                    _retry_later(delivery, error)
            else:
                _mark(
                    delivery, Delivery.Status.SENT, message_id=message.extra_headers["Message-ID"]
                )
    finally:
        smtp.close()
    return len(batch)


def _stopped(issue: Issue) -> bool:
    issue.refresh_from_db(fields=["status"])
    return issue.status != Issue.Status.SENDING


def _mark(delivery: Delivery, status: str, *, message_id: str = "") -> None:
    Delivery.objects.filter(pk=delivery.pk).update(
        status=status, sent_at=timezone.now() if status == Delivery.Status.SENT else None,
        message_id=message_id, last_error="",
    )  # fmt: skip


def _is_permanent(error: smtplib.SMTPException) -> bool:
    if isinstance(error, smtplib.SMTPRecipientsRefused):
        codes = [code for code, _ in error.recipients.values()]
        return bool(codes) and all(500 <= code < 600 for code in codes)
    code = getattr(error, "smtp_code", 0)
    return 500 <= code < 600


def _retry_later(delivery: Delivery, error: Exception) -> None:
    """Temporary failures wait 1, 4, 16… minutes; after MAX_ATTEMPTS the delivery fails."""
    # `attempts` already counts this try (the claim added it).
    if delivery.attempts >= MAX_ATTEMPTS:
        _fail(delivery, error, bounce=False)
        return
    Delivery.objects.filter(pk=delivery.pk).update(
        status=Delivery.Status.QUEUED,
        next_attempt_at=timezone.now() + timedelta(minutes=4 ** (delivery.attempts - 1)),
        last_error=str(error)[:300],
    )


def _fail(delivery: Delivery, error: Exception, *, bounce: bool = True) -> None:
    """A permanent failure: the delivery failed, and repeated ones mark the address bounced."""
    Delivery.objects.filter(pk=delivery.pk).update(
        status=Delivery.Status.FAILED, last_error=str(error)[:300]
    )
    if bounce:
        Subscriber.objects.filter(pk=delivery.subscriber_id).update(
            bounce_count=F("bounce_count") + 1
        )
        Subscriber.objects.filter(pk=delivery.subscriber_id, bounce_count__gte=BOUNCE_LIMIT).update(
            status=Subscriber.Status.BOUNCED
        )


def _finish_if_done(issue: Issue) -> None:
    open_statuses = (Delivery.Status.QUEUED, Delivery.Status.SENDING)
    with transaction.atomic():
        issue = Issue.objects.select_for_update().get(pk=issue.pk)
        if (
            issue.status == Issue.Status.SENDING
            and not issue.deliveries.filter(status__in=open_statuses).exists()
        ):
            issue.status = Issue.Status.SENT
            issue.sent_at = timezone.now()
            issue.save(update_fields=["status", "sent_at", "updated_at"])


def resume_stalled(*, stuck_after: timedelta | None = None) -> int:
    """Requeue deliveries a killed worker left in SENDING and restart idle sends (beat)."""
    if stuck_after is None:
        stuck_after = timedelta(seconds=settings.NEWSLETTER_STUCK_SECONDS)
    quiet_since = timezone.now() - stuck_after
    requeued = Delivery.objects.filter(
        status=Delivery.Status.SENDING,
        claimed_at__lt=quiet_since,
        issue__status=Issue.Status.SENDING,
    ).update(status=Delivery.Status.QUEUED, claimed_at=None)
    # Restart only sends nobody is working on (no claim lately), so senders do not multiply.
    idle = Issue.objects.filter(status=Issue.Status.SENDING).exclude(
        deliveries__claimed_at__gte=quiet_since
    )
    for issue in idle:
        if issue.prepared_at is None:
            # Not prepared yet (the task is queued, or its worker died): never "sent" to nobody.
            # A preparation started moments ago is left alone.
            if issue.started_at is None or issue.started_at < quiet_since:
                _continue(issue)
        elif issue.deliveries.filter(status=Delivery.Status.QUEUED).exists():
            _kick(issue)
        else:
            _finish_if_done(issue)
    return requeued
