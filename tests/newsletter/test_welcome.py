"""Promises kept on confirming: week one of the beginner series goes at once (the welcome page
says "within the hour", and beat's daily run would otherwise wait until the next morning), and
one short welcome email goes once per address, ever."""

import re
import smtplib

import pytest
from celery.exceptions import Retry
from django.core.mail.backends import locmem
from django.urls import reverse

from newsletter import tasks
from newsletter.models import SeriesDelivery, Subscriber, SuppressedAddress
from newsletter.services import series, subscriptions, suppression
from newsletter.services.subscriptions import confirm_token, subscriber_from_manage_token
from tests.community.factories import EmailAddressFactory
from tests.community.helpers import welcomes

pytestmark = pytest.mark.django_db

SITE = "https://runtowardbalance.example"


@pytest.fixture(autouse=True)
def _public_site(settings):
    settings.SITE_URL = SITE


def pending(email="ana@runners.test", *, newsletter=True, beginner_series=True):
    return subscriptions.subscribe(
        email=email, newsletter=newsletter, beginner_series=beginner_series, source="home"
    )


def confirm_in_browser(client, subscriber, capture):
    with capture(execute=True):
        return client.post(
            reverse("newsletter:confirm", kwargs={"token": confirm_token(subscriber)})
        )


def series_steps(outbox):
    return [mail for mail in outbox if "beginner series, week" in mail.subject]


def test_confirming_sends_week_one_and_a_welcome_at_once(
    client, mailoutbox, django_capture_on_commit_callbacks, settings
):
    subscriber = pending()

    response = confirm_in_browser(client, subscriber, django_capture_on_commit_callbacks)

    assert "Week one of the beginner guidance series arrives within the hour" in (
        response.content.decode()
    )
    [step] = series_steps(mailoutbox)
    assert "week 1" in step.subject
    assert SeriesDelivery.objects.filter(subscriber=subscriber, step=1).count() == 1
    [welcome] = welcomes(mailoutbox)
    assert welcome.to == ["ana@runners.test"]
    assert settings.SITE_NAME in welcome.subject
    [(html, mimetype)] = welcome.alternatives
    assert mimetype == "text/html"
    for part in (welcome.body, html):
        assert "weekly letter" in part
        assert "week one comes in its own email" in part
        [token] = set(re.findall(rf"{SITE}/newsletter/preferences/([^/]+)/", part))
        assert subscriber_from_manage_token(token) == subscriber
    assert welcome.message()["Message-ID"].endswith("@runtowardbalance.example>")


def test_the_welcome_names_only_the_lists_chosen(
    client, mailoutbox, django_capture_on_commit_callbacks
):
    subscriber = pending(beginner_series=False)

    confirm_in_browser(client, subscriber, django_capture_on_commit_callbacks)

    [welcome] = mailoutbox
    assert "weekly letter" in welcome.body
    assert "beginner" not in welcome.body
    assert not SeriesDelivery.objects.exists()


def test_confirming_twice_sends_one_week_one_and_one_welcome(
    client, mailoutbox, django_capture_on_commit_callbacks
):
    subscriber = pending()

    confirm_in_browser(client, subscriber, django_capture_on_commit_callbacks)
    confirm_in_browser(client, subscriber, django_capture_on_commit_callbacks)
    tasks.send_welcome(subscriber.pk)
    tasks.send_first_series_step(subscriber.pk)

    assert len(series_steps(mailoutbox)) == 1
    assert len(welcomes(mailoutbox)) == 1


def test_the_morning_run_after_confirming_sends_no_second_week_one(
    client, mailoutbox, django_capture_on_commit_callbacks
):
    subscriber = pending()
    confirm_in_browser(client, subscriber, django_capture_on_commit_callbacks)

    assert series.send_series_steps() == 0

    assert len(series_steps(mailoutbox)) == 1


def test_a_welcome_is_once_per_address_ever_even_after_leaving_and_coming_back(
    client, mailoutbox, django_capture_on_commit_callbacks, time_machine
):
    time_machine.move_to("2026-05-04 10:00Z")
    subscriber = pending()
    confirm_in_browser(client, subscriber, django_capture_on_commit_callbacks)
    subscriptions.unsubscribe(subscriber=subscriber)
    time_machine.shift(60 * 60 * 48)  # past the one-confirmation-mail-a-day limit

    again = pending()
    confirm_in_browser(client, again, django_capture_on_commit_callbacks)

    assert Subscriber.objects.get().status == Subscriber.Status.CONFIRMED
    assert len(welcomes(mailoutbox)) == 1
    assert len(series_steps(mailoutbox)) == 1


@pytest.mark.parametrize("status", [Subscriber.Status.UNSUBSCRIBED, Subscriber.Status.BOUNCED])
def test_an_address_that_left_or_bounces_before_the_tasks_run_gets_nothing(mailoutbox, status):
    subscriber = pending()
    subscriptions.confirm(subscriber=subscriber)
    Subscriber.objects.filter(pk=subscriber.pk).update(status=status)

    assert tasks.send_welcome(subscriber.pk) is False
    assert tasks.send_first_series_step(subscriber.pk) is False

    assert mailoutbox == []
    assert not SeriesDelivery.objects.exists()


def test_an_address_suppressed_before_the_tasks_run_gets_no_welcome_nor_week_one(mailoutbox):
    subscriber = pending()
    subscriptions.confirm(subscriber=subscriber)
    suppression.mark_complained(email=subscriber.email, detail="Mailgun: complained")

    assert tasks.send_welcome(subscriber.pk) is False
    assert tasks.send_first_series_step(subscriber.pk) is False
    assert mailoutbox == []


def test_a_confirmation_is_not_sent_to_an_address_stopped_meanwhile(mailoutbox):
    subscriber = pending()
    suppression.suppress(email=subscriber.email, reason=SuppressedAddress.Reason.MANUAL)

    assert tasks.send_confirmation(subscriber.pk) is False
    assert mailoutbox == []


def test_a_member_subscribing_in_one_step_gets_week_one_at_once(
    member, client, mailoutbox, django_capture_on_commit_callbacks
):

    EmailAddressFactory(user=member)
    client.force_login(member)

    with django_capture_on_commit_callbacks(execute=True):
        client.post(reverse("newsletter:member-subscribe"), {"beginner_series": "on"})

    assert len(series_steps(mailoutbox)) == 1


def test_turning_the_series_on_in_preferences_sends_week_one(
    mailoutbox, django_capture_on_commit_callbacks
):
    subscriber = subscriptions.confirm(subscriber=pending(beginner_series=False))

    with django_capture_on_commit_callbacks(execute=True):
        subscriptions.update_preferences(
            subscriber=subscriber, newsletter=True, beginner_series=True
        )

    assert len(series_steps(mailoutbox)) == 1


class FlakyBackend(locmem.EmailBackend):
    """The locmem outbox behind a server that drops the first connection it is given."""

    failures_left = 0

    def send_messages(self, messages):
        if FlakyBackend.failures_left:
            FlakyBackend.failures_left -= 1
            raise smtplib.SMTPServerDisconnected("Connection unexpectedly closed")
        return super().send_messages(messages)


def test_a_failed_week_one_is_retried_and_sent_once(settings, mailoutbox):
    settings.EMAIL_BACKEND = "tests.newsletter.test_welcome.FlakyBackend"
    subscriber = pending()
    subscriptions.confirm(subscriber=subscriber)
    FlakyBackend.failures_left = 1

    # Eager tasks raise the retry they would schedule; the worker runs it a moment later.
    with pytest.raises(Retry):
        tasks.send_first_series_step.delay(subscriber.pk)
    assert not SeriesDelivery.objects.exists()
    tasks.send_first_series_step.delay(subscriber.pk)
    tasks.send_first_series_step.delay(subscriber.pk)

    assert len(series_steps(mailoutbox)) == 1
    assert SeriesDelivery.objects.filter(subscriber=subscriber).count() == 1


def test_when_week_one_never_gets_through_the_morning_run_sends_it(settings, mailoutbox):
    settings.EMAIL_BACKEND = "tests.newsletter.test_welcome.FlakyBackend"
    subscriber = pending()
    subscriptions.confirm(subscriber=subscriber)
    FlakyBackend.failures_left = 1

    with pytest.raises(smtplib.SMTPServerDisconnected):
        series.send_first_step(subscriber=subscriber)
    assert not SeriesDelivery.objects.exists()

    assert series.send_series_steps() == 1
    assert len(series_steps(mailoutbox)) == 1
