"""The beginner guidance series: a weekly sequence built on the run-walk plan, each step sent
exactly once, and never after the subscriber leaves."""

import logging
import smtplib
from dataclasses import dataclass

from anymail.exceptions import AnymailRecipientsRefused
from django.core.mail import get_connection
from django.db import IntegrityError, transaction
from django.db.models import Max
from django.utils import timezone

from ..models import SeriesDelivery, Subscriber
from .emails import series_message

logger = logging.getLogger(__name__)


@dataclass(frozen=True)
class Step:
    number: int
    subject: str
    plan: str
    body: str


STEPS = [
    Step(
        1,
        "Your first run-walk",
        "Jog 60 s, walk 90 s — 6 rounds (15 minutes), 3 times this week",
        "Start slower than feels necessary. The walking is not a break from the plan; it is the "
        "plan. Warm up with five minutes of brisk walking and finish the same way.",
    ),
    Step(
        2,
        "Same plan, more ease",
        "Jog 60 s, walk 90 s — 6 rounds, 3 times",
        "Repeat week one on purpose. If the jogs felt hard, slow them down until you could chat. "
        "Notice one thing that felt better than last week.",
    ),
    Step(
        3,
        "A little longer",
        "Jog 90 s, walk 90 s — 5 rounds, 3 times",
        "Ninety seconds can feel long the first time. Look at something far ahead, keep your "
        "shoulders low, and let your breath set the pace.",
    ),
    Step(
        4,
        "Building trust",
        "Jog 2 min, walk 90 s — 5 rounds, 3 times",
        "Most people wobble around now. A missed day is not a missed week: pick up where you were.",
    ),
    Step(
        5,
        "Longer jogs, same kindness",
        "Jog 3 min, walk 90 s — 4 rounds, 3 times",
        "Quick, light steps and a tall posture do more than effort. If a day feels heavy, repeat "
        "last week.",
    ),
    Step(
        6,
        "Halfway to steady",
        "Jog 4 min, walk 90 s — 4 rounds, 3 times",
        "Try one run in a new place this week. A change of scenery makes minutes pass differently.",
    ),
    Step(
        7,
        "Five minutes at a time",
        "Jog 5 min, walk 60 s — 4 rounds, 3 times",
        "You are now jogging more than walking. Celebrate that with a short note after each run.",
    ),
    Step(
        8,
        "Twenty minutes, your way",
        "Jog 8 min, walk 60 s — 2 rounds, then 5 minutes easy",
        "Whatever this week looks like, you have built a habit. Share your milestone with the "
        "community — someone starting today needs to hear it.",
    ),
]


def due_step(subscriber: Subscriber, today=None) -> int:
    """The step a subscriber should have reached: 1 on the day they joined, +1 each week."""
    today = today or timezone.localdate()
    weeks = (today - subscriber.series_started_on).days // 7
    return min(len(STEPS), weeks + 1)


def send_series_steps(*, today=None) -> int:
    """Send each series subscriber their next step if it is due; one step per run at most, so a
    pause in the schedule never sends a backlog at once. Returns the number sent."""
    today = today or timezone.localdate()
    subscribers = (
        Subscriber.objects.for_beginner_series()
        .filter(series_started_on__isnull=False)
        .annotate(last_step=Max("series_deliveries__step"))
        .order_by("pk")
        .iterator(chunk_size=500)
    )
    sent = 0
    smtp = get_connection()
    try:
        smtp.open()  # one connection for the whole run, not one per message
        for subscriber in subscribers:
            step_number = (subscriber.last_step or 0) + 1
            if step_number > due_step(subscriber, today):
                continue
            sent += _send_step(subscriber, STEPS[step_number - 1], connection=smtp)
    finally:
        smtp.close()
    return sent


def send_first_step(*, subscriber: Subscriber) -> bool:
    """Week one, at once, for a subscriber who has just started the series (the welcome page
    promises it within the hour); the daily run sends it instead if this never gets through."""
    subscriber = (
        Subscriber.objects.for_beginner_series()
        .filter(pk=subscriber.pk, series_started_on__isnull=False)
        .first()
    )
    if subscriber is None:
        return False
    return _send_step(subscriber, STEPS[0])


def _send_step(subscriber: Subscriber, step: Step, *, connection=None) -> bool:
    """Send one step unless it has been sent; True if this call sent it. A refused address is
    logged and left for the next run; any other failure is raised for the caller to retry."""
    try:
        with transaction.atomic():
            # Claimed before sending: the unique row makes each step go out once only.
            record = SeriesDelivery.objects.create(subscriber=subscriber, step=step.number)
    except IntegrityError:
        return False
    message = series_message(subscriber, step, connection=connection)
    try:
        message.send()
    except (
        smtplib.SMTPRecipientsRefused,
        smtplib.SMTPDataError,
        AnymailRecipientsRefused,
    ) as error:
        # One refused address must not stop the series for everyone after it.
        record.delete()
        logger.warning("Series step %s refused for %s: %s", step.number, subscriber.pk, error)
        return False
    except Exception:
        record.delete()  # not sent: the next run (or the task's retry) tries again
        raise
    SeriesDelivery.objects.filter(pk=record.pk).update(
        message_id=message.extra_headers["Message-ID"]
    )
    return True
