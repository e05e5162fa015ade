"""Sending an issue to every confirmed subscriber, resumably and without doubles.

How a send works:
1. `request_send` moves the issue to SENDING under a row lock, so two clicks or two schedulers
   start one send. Scheduled issues are found by beat polling `due_issues`, not by countdowns.
2. `prepare_deliveries` streams subscriber ids from the database in chunks and inserts one
   Delivery row per subscriber (unique per issue and subscriber; conflicts ignored), then starts
   the senders.
3. Each `send_next_batch` claims a batch of queued deliveries (SKIP LOCKED on PostgreSQL, so
   workers never share a row) under a lease: an owner token and an expiry that a heartbeat
   thread renews while the sender lives, so a slow batch is never taken over. It sends them over
   one SMTP connection and writes "sent" marks in small groups; before each group it renews the
   lease on the rows left and drops any it no longer holds, and stops if the issue was paused or
   cancelled. A 421 or a dropped connection is reopened and the same recipient tried again.
4. A killed worker's lease runs out within NEWSLETTER_LEASE_SECONDS; `resume_stalled` (beat,
   and every starting worker) requeues its rows and restarts sends nobody works on, such as one
   whose batch chain broke in a broker outage. Only messages accepted but not yet marked (at
   most one group per sender) can be sent twice; a late mark from an old owner still counts,
   because the server accepted that message. `report_stalled` logs a send that stands still.
"""

import logging
import random
import smtplib
import threading
import time
import uuid
from datetime import datetime, timedelta
from itertools import islice

from anymail.exceptions import AnymailAPIError, AnymailRecipientsRefused
from django.conf import settings
from django.core.mail import get_connection
from django.db import DatabaseError, transaction
from django.db import connection as db_connection
from django.db import connections as db_connections
from django.db.models import Count, Exists, F, OuterRef, Q
from django.db.models.functions import Lower
from django.utils import timezone

from ..models import Delivery, Issue, Subscriber, SuppressedAddress
from . import suppression
from .emails import render_issue

logger = logging.getLogger(__name__)

CHUNK = 2000
MAX_ATTEMPTS = 5
# "Sent" marks are written in groups of this many messages, or after this many seconds.
FLUSH_EVERY = 50
FLUSH_SECONDS = 1.0
# The issue's progress_at (beat's sign of life for the send) is written at most this often.
PROGRESS_SECONDS = 5.0
# Sessions a batch may reopen after the server closed one; then the rest waits a little.
MAX_RECONNECTS = 3
RECONNECT_WAIT = timedelta(seconds=30)


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
            if (
                issue.status == Issue.Status.SCHEDULED
                and issue.scheduled_at is not None
                and issue.scheduled_at <= timezone.now()
            ):
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


def _claim(issue: Issue, size: int, owner: str) -> list[Delivery]:
    now = timezone.now()
    with transaction.atomic():
        queued = _due(issue, now).order_by("pk")
        if db_connection.features.has_select_for_update_skip_locked:
            queued = queued.select_for_update(skip_locked=True)
        ids = list(queued.values_list("pk", flat=True)[:size])
        Delivery.objects.filter(pk__in=ids).update(
            status=Delivery.Status.SENDING,
            claimed_at=now,
            claimed_by=owner,
            lease_expires_at=now + _lease(),
            attempts=F("attempts") + 1,
        )
    return list(
        Delivery.objects.filter(pk__in=ids)
        .select_related("subscriber")
        # Suppressed since the send was prepared (a bounce or complaint came in): skipped.
        .annotate(
            is_suppressed=Exists(
                SuppressedAddress.objects.filter(email=Lower(OuterRef("subscriber__email")))
            )
        )
        .order_by("pk")
    )


def _lease() -> timedelta:
    return timedelta(seconds=settings.NEWSLETTER_LEASE_SECONDS)


class _Heartbeat(threading.Thread):
    """Renews the batch's lease while the sender lives, even while one SMTP answer takes long,
    so a slow batch is never taken over; a killed worker's lease simply runs out. A sender whose
    loop has not moved for NEWSLETTER_STUCK_SECONDS is hung, not slow: the renewals stop."""

    def __init__(self, owner: str, ids: list[int]):
        super().__init__(name=f"newsletter-lease-{owner[:8]}", daemon=True)
        self.owner, self.ids = owner, ids
        self.ticked = time.monotonic()
        self.done = threading.Event()

    def tick(self) -> None:
        self.ticked = time.monotonic()

    def run(self) -> None:
        every = max(0.2, settings.NEWSLETTER_LEASE_SECONDS / 6)
        try:
            while not self.done.wait(every):
                if time.monotonic() - self.ticked > settings.NEWSLETTER_STUCK_SECONDS:
                    logger.warning("newsletter sender %s hung: lease no longer renewed", self.owner)
                    return
                try:
                    Delivery.objects.filter(
                        pk__in=self.ids, claimed_by=self.owner, status=Delivery.Status.SENDING
                    ).update(lease_expires_at=timezone.now() + _lease())
                except DatabaseError:
                    # The next renewal tries again; the sender's own check sees a lost lease.
                    logger.warning("newsletter lease renewal failed", exc_info=True)
        finally:
            db_connections.close_all()  # this thread's connections only

    def stop(self) -> None:
        self.done.set()
        self.join(timeout=5)


class _Batch:
    """One claimed batch on its way out: who owns it, what is left, and the marks not yet
    written. "Sent" marks are written in groups (FLUSH_EVERY messages or FLUSH_SECONDS), in one
    transaction: one commit per group instead of one per message, which was the send's known
    cost. After each group one SELECT says which of the rows left this sender still holds while
    the issue is still sending, so lost rows are never sent and a pause stops the batch; the
    heartbeat keeps the lease, and the issue's progress is written at most every
    PROGRESS_SECONDS. So what can go twice is at most what was accepted but not yet marked when
    a worker died: one group, and the message on the wire."""

    def __init__(self, issue: Issue, owner: str, batch: list[Delivery]):
        self.issue, self.owner = issue, owner
        self.todo = list(batch)
        self.sent: list[tuple[datetime, str, int]] = []
        self.skipped: list[int] = []
        self.flushed_at = time.monotonic()
        self.progress_at = float("-inf")
        self.moved = False  # a failure or a retry written since the last flush

    def due(self) -> bool:
        return len(self.sent) + len(self.skipped) >= FLUSH_EVERY or (
            time.monotonic() - self.flushed_at >= FLUSH_SECONDS
        )

    def flush(self) -> None:
        """Write the marks and learn what may still be sent (2 to 3 queries)."""
        if self.sent or self.skipped:
            self._write_marks()
            self.moved = True
        self.flushed_at = time.monotonic()
        if self.moved and self.flushed_at - self.progress_at >= PROGRESS_SECONDS:
            _record_progress(self.issue)
            self.progress_at, self.moved = self.flushed_at, False
        if not self.todo:
            return
        rest = [delivery.pk for delivery in self.todo]
        held = set(
            Delivery.objects.filter(
                pk__in=rest,
                claimed_by=self.owner,
                status=Delivery.Status.SENDING,
                issue__status=Issue.Status.SENDING,
            ).values_list("pk", flat=True)
        )
        if len(held) != len(rest):
            # Paused or cancelled: ours go back. Lost (our lease ran out and someone requeued
            # them): not ours any more, so give_back leaves them alone, and we never send them.
            self.give_back([delivery for delivery in self.todo if delivery.pk not in held])
            self.todo = [delivery for delivery in self.todo if delivery.pk in held]

    def _write_marks(self) -> None:
        table = Delivery._meta.db_table
        with transaction.atomic(), db_connection.cursor() as cursor:
            if self.sent:
                # Unconditional: the server accepted these, whoever holds the rows by now.
                # One statement per row, all in one transaction (psycopg pipelines them):
                # simpler for the database than one UPDATE with a CASE for each column.
                cursor.executemany(
                    f"UPDATE {table} SET status = 'sent', sent_at = %s, message_id = %s, "  # noqa: S608 (our table name)
                    "last_error = '', claimed_by = '', lease_expires_at = NULL WHERE id = %s",
                    self.sent,
                )
            if self.skipped:
                Delivery.objects.filter(pk__in=self.skipped, status=Delivery.Status.SENDING).update(
                    status=Delivery.Status.SKIPPED, claimed_by="", lease_expires_at=None
                )
        self.sent, self.skipped = [], []

    def give_back(self, deliveries: list[Delivery], *, wait: timedelta | None = None) -> None:
        """Back in the queue, and the claim's attempt is not counted: nothing was tried."""
        if not deliveries:
            return
        Delivery.objects.filter(
            pk__in=[d.pk for d in deliveries], claimed_by=self.owner, status=Delivery.Status.SENDING
        ).update(
            status=Delivery.Status.QUEUED,
            claimed_at=None,
            claimed_by="",
            lease_expires_at=None,
            attempts=F("attempts") - 1,
            next_attempt_at=timezone.now() + wait if wait else None,
        )


def _record_progress(issue: Issue) -> None:
    """Note that the send moved on, which also ends a stall that was reported."""
    Issue.objects.filter(pk=issue.pk).update(progress_at=timezone.now(), stalled_since=None)


def send_next_batch(*, issue: Issue) -> int:
    """Claim and send one batch over one SMTP connection; return how many were claimed."""
    issue.refresh_from_db(fields=["status"])
    if issue.status != Issue.Status.SENDING:
        return 0
    owner = uuid.uuid4().hex
    claimed = _claim(issue, settings.NEWSLETTER_BATCH_SIZE, owner)
    if not claimed:
        _finish_if_done(issue)
        return 0
    batch = _Batch(issue, owner, claimed)
    heartbeat = _Heartbeat(owner, [delivery.pk for delivery in claimed])
    heartbeat.start()
    rendered = render_issue(issue)
    smtp = get_connection()
    try:
        _send(batch, rendered, smtp, heartbeat)
    finally:
        heartbeat.stop()
        smtp.close()
    return len(claimed)


def _send(batch: _Batch, rendered, smtp, heartbeat: _Heartbeat) -> None:
    reconnects = 0
    try:
        smtp.open()
    except OSError as error:  # smtplib's errors are OSErrors too
        logger.warning("newsletter: SMTP server unreachable, batch given back: %s", error)
        batch.give_back(batch.todo, wait=RECONNECT_WAIT)
        return
    while batch.todo:
        heartbeat.tick()
        if batch.due():
            batch.flush()
            if not batch.todo:
                break
        delivery = batch.todo[0]
        subscriber = delivery.subscriber
        # is_suppressed: annotated by the claim's query, unknown to the stubs.
        if delivery.is_suppressed or not (subscriber.is_mailable and subscriber.wants_newsletter):  # type: ignore[attr-defined]
            batch.todo.pop(0)
            batch.skipped.append(delivery.pk)
            continue
        message = rendered.message_for(subscriber, connection=smtp)
        try:
            smtp.send_messages([message])
        except (smtplib.SMTPException, OSError, AnymailRecipientsRefused, AnymailAPIError) as error:
            kind = _classify(error)
            if kind == RECONNECT:
                # The server closed the session (421, a drop, a timeout): this recipient was
                # not refused, so try them again on a new connection at no extra attempt.
                reconnects += 1
                smtp.close()
                if reconnects <= MAX_RECONNECTS:
                    try:
                        smtp.open()
                        continue
                    except OSError as reopen_error:
                        error = reopen_error
                # The server keeps closing on us: this recipient's try counts, and the rest
                # go back to the queue uncharged, to be tried after a short wait.
                batch.todo.pop(0)
                _retry_later(delivery, error)
                batch.flush()
                batch.give_back(batch.todo, wait=RECONNECT_WAIT)
                batch.todo = []
                break
            batch.todo.pop(0)
            batch.moved = True
            if kind == PERMANENT:
                _fail(delivery, error)
            else:
                _retry_later(delivery, error)
        else:
            batch.todo.pop(0)
            batch.sent.append((timezone.now(), message.extra_headers["Message-ID"], delivery.pk))
    batch.flush()


RECONNECT, PERMANENT, TEMPORARY = "reconnect", "permanent", "temporary"


def _classify(error: Exception) -> str:
    """What an SMTP error means for the recipient being sent: RECONNECT (the session is gone,
    the recipient was never judged), PERMANENT (5xx) or TEMPORARY (4xx: try later). Through a
    provider's API (anymail): the provider refusing the recipient is PERMANENT (it holds the
    address on its own suppression list); any other API error is the provider's or our setup's,
    never the recipient's, so the batch waits as after a dropped connection."""
    if isinstance(error, AnymailRecipientsRefused):
        return PERMANENT
    if isinstance(error, AnymailAPIError):
        return RECONNECT
    if isinstance(error, smtplib.SMTPServerDisconnected | ConnectionError | TimeoutError):
        return RECONNECT
    if isinstance(error, smtplib.SMTPRecipientsRefused):
        codes = [code for code, _ in error.recipients.values()]
    else:
        codes = [getattr(error, "smtp_code", 0)]
    if 421 in codes:  # "service not available, closing transmission channel"
        return RECONNECT
    if codes and all(500 <= code < 600 for code in codes):
        return PERMANENT
    if not isinstance(error, smtplib.SMTPException):
        return RECONNECT  # any other socket error: the connection is not to be trusted
    return TEMPORARY


def retry_delay(attempts: int) -> timedelta:
    """Exponential back-off with equal jitter: base × 4^(attempts − 1), capped, then a random
    point in its upper half, so retries spread out but never come back at once."""
    ceiling = min(
        settings.NEWSLETTER_RETRY_CAP_SECONDS,
        settings.NEWSLETTER_RETRY_BASE_SECONDS * 4 ** max(0, attempts - 1),
    )
    return timedelta(seconds=ceiling / 2 + random.uniform(0, ceiling / 2))  # noqa: S311 (jitter, not a secret)


def _retry_later(delivery: Delivery, error: Exception) -> None:
    """Temporary failures back off (retry_delay); after MAX_ATTEMPTS the delivery fails."""
    # `attempts` already counts this try (the claim added it).
    if delivery.attempts >= MAX_ATTEMPTS:
        _fail(delivery, error, bounce=False)
        return
    Delivery.objects.filter(pk=delivery.pk).update(
        status=Delivery.Status.QUEUED,
        next_attempt_at=timezone.now() + retry_delay(delivery.attempts),
        last_error=str(error)[:300],
        claimed_by="",
        lease_expires_at=None,
    )


def _fail(delivery: Delivery, error: Exception, *, bounce: bool = True) -> None:
    """A permanent failure: the delivery failed, and repeated ones mark the address bounced."""
    Delivery.objects.filter(pk=delivery.pk).update(
        status=Delivery.Status.FAILED, last_error=str(error)[:300], claimed_by="",
        lease_expires_at=None,
    )  # fmt: skip
    if bounce:
        suppression.count_bounce(email=delivery.subscriber.email, detail=str(error)[:200])


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


def resume_stalled(*, now: datetime | None = None) -> int:
    """Requeue deliveries whose lease ran out (their sender died) and restart sends nobody is
    working on, e.g. after a broker outage broke the batch chain (beat, and a starting worker)."""
    now = now or timezone.now()
    stuck_before = now - timedelta(seconds=settings.NEWSLETTER_STUCK_SECONDS)
    requeued = (
        Delivery.objects.filter(status=Delivery.Status.SENDING, issue__status=Issue.Status.SENDING)
        .filter(
            Q(lease_expires_at__lt=now)
            # Claimed before leases existed: the old rule.
            | Q(lease_expires_at__isnull=True, claimed_at__lt=stuck_before)
        )
        .update(
            status=Delivery.Status.QUEUED, claimed_at=None, claimed_by="", lease_expires_at=None
        )
    )
    # Restart only sends that nobody works on (no live lease, no progress for a lease), so
    # senders do not multiply between one batch and the next.
    quiet_since = now - _lease()
    live = Delivery.objects.filter(status=Delivery.Status.SENDING, lease_expires_at__gte=now)
    idle = (
        Issue.objects.filter(status=Issue.Status.SENDING)
        .exclude(pk__in=live.values("issue_id"))
        .exclude(progress_at__gte=quiet_since)
    )
    for issue in idle:
        if issue.prepared_at is None:
            # Not prepared yet (the task is queued, or its worker died): never "sent" to nobody.
            # A preparation started moments ago is left alone.
            if issue.started_at is None or issue.started_at < quiet_since:
                _continue(issue)
        elif issue.deliveries.filter(status=Delivery.Status.QUEUED).exists():
            if _due(issue, now).exists():
                _kick(issue)
        else:
            _finish_if_done(issue)
    return requeued


def _due(issue: Issue, now: datetime):
    """The issue's queued deliveries whose (re)try time has come."""
    return issue.deliveries.filter(status=Delivery.Status.QUEUED).filter(
        Q(next_attempt_at__isnull=True) | Q(next_attempt_at__lte=now)
    )


def last_progress(issue: Issue) -> datetime | None:
    return issue.progress_at or issue.prepared_at or issue.started_at


def report_stalled(*, now: datetime | None = None) -> int:
    """Log one ERROR for each send that has had work due but moved no delivery on for
    NEWSLETTER_STALLED_SECONDS (beat); the admin shows it as stalled until it moves again."""
    now = now or timezone.now()
    still_since = now - timedelta(seconds=settings.NEWSLETTER_STALLED_SECONDS)
    reported = 0
    for issue in Issue.objects.filter(status=Issue.Status.SENDING, stalled_since__isnull=True):
        since = last_progress(issue)
        if since is None or since >= still_since:
            continue
        if not (
            _due(issue, now).exists()
            or issue.deliveries.filter(status=Delivery.Status.SENDING).exists()
        ):
            continue  # only retries waiting for their time: that is not a stall
        if not Issue.objects.filter(pk=issue.pk, stalled_since__isnull=True).update(
            stalled_since=since
        ):
            continue
        reported += 1
        logger.error(
            "Newsletter issue %s (%s) has sent nothing since %s: check that a worker consumes "
            "the emails queue and that the SMTP server answers",
            issue.pk,
            issue.subject,
            since.isoformat(),
            extra={"issue_id": issue.pk, "stalled_since": since.isoformat()},
        )
    return reported


def retry_failed(*, issue: Issue) -> int:
    """Put an issue's failed deliveries back in the queue with fresh attempts (an editor's
    call, e.g. after fixing the mail setup); a sent issue goes back to sending. Returns how
    many were requeued."""
    with transaction.atomic():
        issue = Issue.objects.select_for_update().get(pk=issue.pk)
        if issue.status not in (Issue.Status.SENDING, Issue.Status.PAUSED, Issue.Status.SENT):
            return 0
        requeued = issue.deliveries.filter(status=Delivery.Status.FAILED).update(
            status=Delivery.Status.QUEUED,
            attempts=0,
            next_attempt_at=None,
            claimed_at=None,
            claimed_by="",
            lease_expires_at=None,
        )
        if not requeued:
            return 0
        if issue.status == Issue.Status.SENT:
            issue.status = Issue.Status.SENDING
            issue.sent_at = None
            issue.save(update_fields=["status", "sent_at", "updated_at"])
        if issue.status == Issue.Status.SENDING:
            _kick(issue)
    return requeued
