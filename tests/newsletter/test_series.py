import smtplib
from collections import Counter
from datetime import date, timedelta

import pytest
from anymail.exceptions import AnymailRecipientsRefused
from django.core.mail.backends import locmem

from common import mail
from newsletter import tasks
from newsletter.models import SeriesDelivery, Subscriber, SuppressedAddress
from newsletter.services import series, subscriptions, suppression
from tests.newsletter.factories import SubscriberFactory

pytestmark = pytest.mark.django_db

JOINED = date(2026, 5, 4)


def series_subscriber(email="ana@example.com", *, joined=JOINED, **fields):
    fields = {"wants_newsletter": False, "wants_beginner_series": True, **fields}
    return SubscriberFactory(email=email, series_started_on=joined, **fields)


def steps_sent(outbox):
    """(address, step number) for each series email, read from its Message-ID."""
    sent = []
    for message in outbox:
        kind, _subscriber_id, step, _digest = message.extra_headers["Message-ID"][1:].split(".", 3)
        assert kind == "series"
        sent.append((message.to[0], int(step)))
    return sent


REFUSED: set[str] = set()


class RefusingBackend(locmem.EmailBackend):
    """The locmem outbox, refusing chosen addresses for good as an SMTP server would (550)."""

    def send_messages(self, messages):
        for message in messages:
            if message.to[0] in REFUSED:
                raise smtplib.SMTPRecipientsRefused({message.to[0]: (550, b"5.1.1 No such user")})
        return super().send_messages(messages)


@pytest.mark.parametrize(
    ("days_after_joining", "step"),
    [(0, 1), (6, 1), (7, 2), (13, 2), (14, 3), (49, 8), (50, 8), (400, 8)],
)
def test_the_due_step_rises_by_one_each_week_and_stops_at_the_last(days_after_joining, step):
    subscriber = Subscriber(series_started_on=JOINED)

    assert series.due_step(subscriber, JOINED + timedelta(days=days_after_joining)) == step


def test_the_series_has_eight_numbered_steps_built_on_the_run_walk_plan():
    assert [step.number for step in series.STEPS] == list(range(1, 9))
    assert "60 s" in series.STEPS[0].plan
    assert "90 s" in series.STEPS[0].plan


def test_step_one_is_sent_on_the_day_of_confirming(mailoutbox, time_machine):
    time_machine.move_to(JOINED, tick=False)
    subscriber = subscriptions.subscribe(
        email="ana@example.com", newsletter=False, beginner_series=True, source="home"
    )
    subscriptions.confirm(subscriber=subscriber)

    assert tasks.send_series_steps() == 1

    assert steps_sent(mailoutbox) == [("ana@example.com", 1)]
    message = mailoutbox[0]
    assert "week 1" in message.subject
    assert series.STEPS[0].plan in message.body
    assert message.alternatives[0][1] == "text/html"
    assert message.extra_headers["List-Unsubscribe-Post"] == "List-Unsubscribe=One-Click"
    token = subscriptions.manage_token(subscriber)
    assert f"/newsletter/unsubscribe/{token}/" in message.body
    record = SeriesDelivery.objects.get()
    assert record.step == 1
    assert record.message_id == mail.message_id("series", subscriber.pk, 1)


def test_a_step_is_never_sent_twice_however_often_the_schedule_runs(mailoutbox):
    series_subscriber()

    sent = [series.send_series_steps(today=JOINED) for _ in range(3)]

    assert sent == [1, 0, 0]
    assert steps_sent(mailoutbox) == [("ana@example.com", 1)]


def test_step_two_waits_a_full_week(mailoutbox):
    series_subscriber()
    series.send_series_steps(today=JOINED)

    assert series.send_series_steps(today=JOINED + timedelta(days=6)) == 0
    assert series.send_series_steps(today=JOINED + timedelta(days=7)) == 1
    assert series.send_series_steps(today=JOINED + timedelta(days=7)) == 0

    assert steps_sent(mailoutbox) == [("ana@example.com", 1), ("ana@example.com", 2)]


def test_a_long_gap_sends_one_step_per_run_never_a_backlog(mailoutbox):
    series_subscriber()
    series.send_series_steps(today=JOINED)

    assert series.send_series_steps(today=JOINED + timedelta(days=60)) == 1

    assert steps_sent(mailoutbox) == [("ana@example.com", 1), ("ana@example.com", 2)]


def test_the_last_step_is_the_end_of_the_series(mailoutbox):
    series_subscriber()
    for week in range(12):
        series.send_series_steps(today=JOINED + timedelta(weeks=week))

    assert [step for _, step in steps_sent(mailoutbox)] == list(range(1, 9))


def test_nothing_is_sent_after_unsubscribing_or_leaving_the_series(mailoutbox):
    ana = series_subscriber("ana@example.com")
    ben = series_subscriber("ben@example.com", wants_newsletter=True)
    series.send_series_steps(today=JOINED)

    subscriptions.unsubscribe(subscriber=ana)
    subscriptions.update_preferences(subscriber=ben, newsletter=True, beginner_series=False)
    series.send_series_steps(today=JOINED + timedelta(days=7))

    assert Counter(address for address, _ in steps_sent(mailoutbox)) == {
        "ana@example.com": 1,
        "ben@example.com": 1,
    }


def test_only_confirmed_series_subscribers_get_steps(mailoutbox):
    series_subscriber("ana@example.com")
    series_subscriber("pending@example.com", status=Subscriber.Status.PENDING)
    series_subscriber("bounced@example.com", status=Subscriber.Status.BOUNCED)
    series_subscriber("letter@example.com", wants_newsletter=True, wants_beginner_series=False)

    series.send_series_steps(today=JOINED)

    assert steps_sent(mailoutbox) == [("ana@example.com", 1)]


def test_a_refused_address_does_not_stop_the_series_for_everyone_else(settings, mailoutbox):
    settings.EMAIL_BACKEND = f"{__name__}.RefusingBackend"
    REFUSED.clear()
    REFUSED.add("gone@example.com")
    series_subscriber("gone@example.com")
    series_subscriber("zoe@example.com")

    series.send_series_steps(today=JOINED)

    assert steps_sent(mailoutbox) == [("zoe@example.com", 1)]
    assert not SeriesDelivery.objects.filter(subscriber__email="gone@example.com").exists()

    REFUSED.clear()
    assert series.send_series_steps(today=JOINED + timedelta(days=1)) == 1
    assert steps_sent(mailoutbox)[-1] == ("gone@example.com", 1)


def test_a_suppressed_address_gets_no_series_step(mailoutbox):
    series_subscriber("ana@example.com")
    stopped = series_subscriber("stopped@example.com")
    suppression.suppress(email="stopped@example.com", reason=SuppressedAddress.Reason.BOUNCED)

    series.send_series_steps(today=JOINED)

    assert steps_sent(mailoutbox) == [("ana@example.com", 1)]
    assert series.send_first_step(subscriber=stopped) is False
    assert not SeriesDelivery.objects.filter(subscriber=stopped).exists()


class ProviderRefusingBackend(locmem.EmailBackend):
    """An API provider (anymail) that holds the address on its own suppression list."""

    def send_messages(self, messages):
        for message in messages:
            if message.to[0] in REFUSED:
                raise AnymailRecipientsRefused("The provider refused every recipient")
        return super().send_messages(messages)


def test_an_address_the_provider_refuses_does_not_stop_the_series(settings, mailoutbox):
    settings.EMAIL_BACKEND = f"{__name__}.ProviderRefusingBackend"
    REFUSED.clear()
    REFUSED.add("gone@example.com")
    series_subscriber("gone@example.com")
    series_subscriber("zoe@example.com")

    series.send_series_steps(today=JOINED)

    REFUSED.clear()
    assert steps_sent(mailoutbox) == [("zoe@example.com", 1)]
    assert not SeriesDelivery.objects.filter(subscriber__email="gone@example.com").exists()
