import re
import smtplib
from collections import Counter
from datetime import UTC, datetime, timedelta

import pytest
from anymail.exceptions import AnymailAPIError, AnymailRecipientsRefused
from django.core import signing
from django.core.mail.backends import locmem
from django.db import IntegrityError
from django.utils import timezone

from common import mail
from common.ratelimit import RateLimited
from newsletter import tasks
from newsletter.models import Delivery, Issue, Subscriber, SuppressedAddress
from newsletter.services import emails, sending, subscriptions, suppression
from tests.articles.factories import ArticleFactory
from tests.newsletter.factories import IssueArticleFactory, IssueFactory, SubscriberFactory

pytestmark = pytest.mark.django_db

START = datetime(2026, 5, 4, 9, 0, tzinfo=UTC)


# --- Helpers -----------------------------------------------------------------------------------


def subscribe(email="ana@example.com", **options):
    options = {"newsletter": True, "beginner_series": False, "source": "home", **options}
    return subscriptions.subscribe(email=email, **options)


def start_send(issue):
    """request_send plus prepare_deliveries, without running any sender yet."""
    sending.request_send(issue=issue)
    issue.refresh_from_db()
    sending.prepare_deliveries(issue=issue)
    return issue


def drain(issue):
    """Send batches until none is left, as the chain of send_batch tasks would."""
    while sending.send_next_batch(issue=issue):
        pass  # the last, empty claim finishes the issue when nothing is left
    issue.refresh_from_db()
    return issue


def recipients(outbox):
    return Counter(address for message in outbox for address in message.to)


class Faults:
    """What FaultyBackend does: chosen errors per address, every try counted."""

    def __init__(self):
        self.reset()

    def reset(self):
        self.errors: dict[str, Exception] = {}
        self.tries: Counter = Counter()
        self.opened = 0
        self.on_send = None
        # Raised for the next messages, whoever they are to (a server saying 421 and closing).
        self.next_errors: list[Exception] = []


FAULTS = Faults()


class FaultyBackend(locmem.EmailBackend):
    """The locmem outbox behind an SMTP-like connection that can refuse or drop chosen addresses.

    Like Django's SMTP backend, a dropped connection stays dead until it is closed and opened
    again, and send_messages opens (and then closes) a connection only when none is open."""

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.state = "closed"

    def open(self):
        if self.state != "closed":
            return False
        self.state = "open"
        FAULTS.opened += 1
        return True

    def close(self):
        self.state = "closed"

    def send_messages(self, messages):
        opened_here = self.open()
        try:
            for message in messages:
                address = message.to[0]
                FAULTS.tries[address] += 1
                if self.state == "dead":
                    raise smtplib.SMTPServerDisconnected("please run connect() first")
                error = FAULTS.next_errors.pop(0) if FAULTS.next_errors else None
                error = error or FAULTS.errors.get(address)
                if isinstance(error, smtplib.SMTPServerDisconnected) or closes(error):
                    self.state = "dead"
                if error is not None:
                    raise error
                super().send_messages([message])
                if FAULTS.on_send:
                    FAULTS.on_send(message)
        finally:
            if opened_here:
                self.close()
        return len(messages)


def closes(error) -> bool:
    """smtplib closes the connection on a 421 answer, as the server does."""
    if isinstance(error, smtplib.SMTPRecipientsRefused):
        return any(code == 421 for code, _ in error.recipients.values())
    return getattr(error, "smtp_code", 0) == 421


@pytest.fixture
def faults(settings):
    FAULTS.reset()
    settings.EMAIL_BACKEND = f"{__name__}.FaultyBackend"
    return FAULTS


def refused(address, code, text="Try again later"):
    return smtplib.SMTPRecipientsRefused({address: (code, text.encode())})


# --- Subscribing -------------------------------------------------------------------------------


def test_subscribing_records_consent_and_sends_one_confirmation(
    mailoutbox, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        subscriber = subscribe(email="  Ana@Example.COM ", beginner_series=True, source="article")

    subscriber.refresh_from_db()
    assert subscriber.email == "ana@example.com"
    assert subscriber.status == Subscriber.Status.PENDING
    assert subscriber.wants_newsletter and subscriber.wants_beginner_series
    assert subscriber.consent_at is not None
    assert subscriber.consent_source == "article"
    assert subscriber.consent_text == subscriptions.CONSENT_TEXT
    assert subscriber.confirmation_sent_at is not None
    assert [message.to for message in mailoutbox] == [["ana@example.com"]]


def test_the_confirmation_email_links_to_a_working_token_and_echoes_nothing_typed(
    mailoutbox, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        subscriber = subscribe(email="ana@example.com", source="home")

    message = mailoutbox[0]
    html = message.alternatives[0][0]
    token = re.search(r"http://testserver/newsletter/confirm/([^/\s\"]+)/", message.body)[1]
    assert f"/newsletter/confirm/{token}/" in html
    assert subscriptions.subscriber_from_confirm_token(token) == subscriber
    for text in (message.subject, message.body, html):
        assert "ana@example.com" not in text
    assert message.extra_headers["Message-ID"].startswith("<confirm.")


def test_an_address_is_one_subscriber_whatever_its_case():
    first = subscribe(email="Ana@Example.com")
    second = subscribe(email="ANA@example.COM", beginner_series=True)

    assert first.pk == second.pk
    assert Subscriber.objects.count() == 1
    assert Subscriber.objects.get().wants_beginner_series


def test_the_database_refuses_the_same_address_in_another_case():
    SubscriberFactory(email="ana@example.com", status=Subscriber.Status.PENDING)

    with pytest.raises(IntegrityError):
        Subscriber.objects.bulk_create([Subscriber(email="ANA@example.com")])


def test_an_address_gets_at_most_one_confirmation_email_a_day(
    mailoutbox, time_machine, django_capture_on_commit_callbacks
):
    time_machine.move_to(START, tick=False)
    with django_capture_on_commit_callbacks(execute=True):
        subscribe()
        subscribe()
    time_machine.shift(timedelta(hours=23))
    with django_capture_on_commit_callbacks(execute=True):
        subscribe()
    assert len(mailoutbox) == 1

    time_machine.shift(timedelta(hours=2))
    with django_capture_on_commit_callbacks(execute=True):
        subscribe()
    assert len(mailoutbox) == 2


def test_a_confirmed_address_subscribing_again_changes_nothing_and_gets_no_email(
    mailoutbox, django_capture_on_commit_callbacks
):
    subscriber = SubscriberFactory(email="ana@example.com", wants_beginner_series=False)

    with django_capture_on_commit_callbacks(execute=True) as callbacks:
        result = subscribe(email="Ana@example.com", beginner_series=True, source="article")

    assert result is None
    assert callbacks == []
    assert mailoutbox == []
    subscriber.refresh_from_db()
    assert subscriber.status == Subscriber.Status.CONFIRMED
    assert not subscriber.wants_beginner_series


def test_a_bounced_address_that_subscribes_again_must_confirm_by_email_first(
    mailoutbox, django_capture_on_commit_callbacks
):
    """The confirmation is the test that the mailbox works again (once a day at most); until
    its link is followed the address stays bounced and suppressed for everything else."""
    SubscriberFactory(email="gone@example.com", status=Subscriber.Status.BOUNCED, bounce_count=3)
    suppression.suppress(email="gone@example.com", reason=SuppressedAddress.Reason.BOUNCED)

    with django_capture_on_commit_callbacks(execute=True):
        subscribe(email="gone@example.com")
        subscribe(email="gone@example.com")

    assert [mail.to for mail in mailoutbox] == [["gone@example.com"]]
    assert Subscriber.objects.get().status == Subscriber.Status.PENDING
    assert suppression.is_suppressed("gone@example.com")


def test_an_address_stopped_for_a_complaint_is_never_mailed_a_confirmation(
    mailoutbox, django_capture_on_commit_callbacks
):
    SubscriberFactory(email="gone@example.com", status=Subscriber.Status.UNSUBSCRIBED)
    suppression.suppress(email="gone@example.com", reason=SuppressedAddress.Reason.COMPLAINED)

    with django_capture_on_commit_callbacks(execute=True):
        assert subscribe(email="gone@example.com") is None

    assert mailoutbox == []
    assert Subscriber.objects.get().status == Subscriber.Status.UNSUBSCRIBED


def test_the_confirmation_task_mails_only_pending_subscribers(mailoutbox):
    pending = SubscriberFactory(email="ana@example.com", status=Subscriber.Status.PENDING)
    done = SubscriberFactory(email="ben@example.com")

    assert tasks.send_confirmation(pending.pk) is True
    assert tasks.send_confirmation(done.pk) is False
    assert tasks.send_confirmation(10**9) is False
    assert recipients(mailoutbox) == {"ana@example.com": 1}


def test_an_unsubscribed_address_may_subscribe_again_with_a_new_confirmation(
    mailoutbox, django_capture_on_commit_callbacks
):
    subscriber = SubscriberFactory(email="ana@example.com")
    subscriptions.unsubscribe(subscriber=subscriber)

    with django_capture_on_commit_callbacks(execute=True):
        subscribe()

    subscriber.refresh_from_db()
    assert subscriber.status == Subscriber.Status.PENDING
    assert len(mailoutbox) == 1


def test_subscribing_one_address_too_often_is_refused_in_any_case(mailoutbox):
    for email in ("ana@example.com", "ANA@example.com", "Ana@Example.com"):
        subscribe(email=email)

    with pytest.raises(RateLimited):
        subscribe(email="ana@EXAMPLE.com")


def test_subscribing_too_often_from_one_network_is_refused():
    for n in range(20):
        subscribe(email=f"runner{n}@example.com", client_ip=f"203.0.113.{n + 1}")

    with pytest.raises(RateLimited):
        subscribe(email="victim@example.com", client_ip="203.0.113.200")
    assert not Subscriber.objects.filter(email="victim@example.com").exists()
    assert subscribe(email="victim@example.com", client_ip="198.51.100.1") is not None


@pytest.mark.parametrize(
    ("ip", "network"),
    [
        ("203.0.113.77", "203.0.113.0/24"),
        ("2001:db8:1:2:3:4:5:6", "2001:db8:1:2::/64"),
        ("not an address", "unknown"),
    ],
)
def test_client_network_groups_addresses_by_provider_block(ip, network):
    assert subscriptions.client_network(ip) == network


def test_a_member_with_a_verified_address_is_confirmed_in_one_step(
    member, mailoutbox, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        subscriber = subscribe(
            email=member.email, beginner_series=True, source="profile", user=member, confirmed=True
        )

    assert subscriber.status == Subscriber.Status.CONFIRMED
    assert subscriber.user == member
    assert subscriber.series_started_on == timezone.now().date()
    # No confirmation to click: only the welcome and week one of the series, sent at once.
    assert sorted(mail.subject.split(" —")[0] for mail in mailoutbox) == [
        "Welcome to Run Toward Balance",
        "Your first run-walk",
    ]
    assert subscriptions.subscription_for_member(member) == subscriber


# --- Confirming, tokens, leaving and preferences ----------------------------------------------


def test_confirming_twice_changes_nothing():
    subscriber = subscribe(beginner_series=True)

    first = subscriptions.confirm(subscriber=subscriber)
    second = subscriptions.confirm(subscriber=subscriber)

    assert first.status == Subscriber.Status.CONFIRMED
    assert first.series_started_on == timezone.now().date()
    assert second.confirmed_at == first.confirmed_at


def test_a_replayed_confirmation_does_not_resubscribe_someone_who_left():
    subscriber = subscribe()
    token = subscriptions.confirm_token(subscriber)
    subscriptions.confirm(subscriber=subscriber)
    subscriptions.unsubscribe(subscriber=subscriber)

    subscriptions.confirm(subscriber=subscriptions.subscriber_from_confirm_token(token))

    assert Subscriber.objects.get().status == Subscriber.Status.UNSUBSCRIBED


def test_confirmation_tokens_expire_after_seven_days_and_resist_tampering(time_machine):
    time_machine.move_to(START, tick=False)
    subscriber = subscribe()
    token = subscriptions.confirm_token(subscriber)

    assert subscriptions.subscriber_from_confirm_token(token[:-2] + "xx") is None
    assert subscriptions.subscriber_from_confirm_token("nonsense") is None
    time_machine.shift(timedelta(days=6, hours=23))
    assert subscriptions.subscriber_from_confirm_token(token) == subscriber
    time_machine.shift(timedelta(hours=2))
    assert subscriptions.subscriber_from_confirm_token(token) is None


def test_a_confirmation_token_for_a_changed_address_is_refused():
    subscriber = subscribe()
    token = subscriptions.confirm_token(subscriber)
    Subscriber.objects.filter(pk=subscriber.pk).update(email="other@example.com")

    assert subscriptions.subscriber_from_confirm_token(token) is None


def test_manage_tokens_never_expire_but_are_bound_to_their_purpose(time_machine):
    time_machine.move_to(START, tick=False)
    subscriber = SubscriberFactory(email="ana@example.com")
    token = subscriptions.manage_token(subscriber)

    time_machine.shift(timedelta(days=800))
    assert subscriptions.subscriber_from_manage_token(token) == subscriber
    assert subscriptions.subscriber_from_confirm_token(token) is None
    assert subscriptions.subscriber_from_manage_token(signing.dumps(subscriber.pk)) is None


def test_unsubscribing_twice_changes_nothing_and_skips_queued_deliveries():
    subscriber = SubscriberFactory(email="ana@example.com")
    issue = start_send(IssueFactory())

    first = subscriptions.unsubscribe(subscriber=subscriber)
    second = subscriptions.unsubscribe(subscriber=subscriber)

    assert first.status == Subscriber.Status.UNSUBSCRIBED
    assert second.unsubscribed_at == first.unsubscribed_at
    assert issue.deliveries.get().status == Delivery.Status.SKIPPED


def test_the_unsubscribe_mailbox_stops_the_newsletter_kind_with_a_manage_token():
    subscriber = SubscriberFactory(email="ana@example.com")
    issue = start_send(IssueFactory())
    token = subscriptions.manage_token(subscriber)

    forged = signing.dumps(subscriber.pk, salt=subscriptions.MANAGE_SALT, key="not-the-site's")
    assert mail.stop("newsletter", forged) is False
    assert mail.stop("newsletter", signing.dumps(subscriber.pk)) is False
    subscriber.refresh_from_db()
    assert subscriber.status == Subscriber.Status.CONFIRMED

    assert mail.stop("newsletter", token) is True
    subscriber.refresh_from_db()
    assert subscriber.status == Subscriber.Status.UNSUBSCRIBED
    assert issue.deliveries.get().status == Delivery.Status.SKIPPED
    # A second mail (a resend, a second click) is as good as the first and changes nothing.
    assert mail.stop("newsletter", token) is True


def test_a_mailed_lone_token_is_the_newsletters():
    subscriber = SubscriberFactory(email="ana@example.com")
    token = subscriptions.manage_token(subscriber)

    assert mail.stop(*mail.parse_unsubscribe_subject(f"Re: unsubscribe {token}")) is True
    subscriber.refresh_from_db()
    assert subscriber.status == Subscriber.Status.UNSUBSCRIBED


def test_preferences_switch_lists_and_start_the_series_for_a_confirmed_subscriber():
    subscriber = SubscriberFactory(email="ana@example.com")

    subscriptions.update_preferences(subscriber=subscriber, newsletter=False, beginner_series=True)

    subscriber.refresh_from_db()
    assert not subscriber.wants_newsletter
    assert subscriber.wants_beginner_series
    assert subscriber.series_started_on == timezone.localdate()
    assert subscriber.status == Subscriber.Status.CONFIRMED


def test_choosing_no_list_in_preferences_is_leaving():
    subscriber = SubscriberFactory(email="ana@example.com")

    subscriptions.update_preferences(subscriber=subscriber, newsletter=False, beginner_series=False)

    assert Subscriber.objects.get().status == Subscriber.Status.UNSUBSCRIBED


# --- Starting a send ---------------------------------------------------------------------------


def test_two_send_requests_start_one_send(django_capture_on_commit_callbacks):
    issue = IssueFactory()

    with django_capture_on_commit_callbacks() as callbacks:
        sending.request_send(issue=issue)
        sending.request_send(issue=issue)

    assert len(callbacks) == 1
    issue.refresh_from_db()
    assert issue.status == Issue.Status.SENDING
    assert issue.started_at is not None


def test_a_send_goes_through_the_tasks_to_every_newsletter_subscriber_once(
    settings, mailoutbox, django_capture_on_commit_callbacks
):
    settings.NEWSLETTER_BATCH_SIZE = 2
    for n in range(5):
        SubscriberFactory(email=f"runner{n}@example.com")
    SubscriberFactory(email="both@example.com", wants_beginner_series=True)
    SubscriberFactory(
        email="series-only@example.com", wants_newsletter=False, wants_beginner_series=True
    )
    SubscriberFactory(email="pending@example.com", status=Subscriber.Status.PENDING)
    SubscriberFactory(email="left@example.com", status=Subscriber.Status.UNSUBSCRIBED)
    SubscriberFactory(email="bounced@example.com", status=Subscriber.Status.BOUNCED)
    issue = IssueFactory()

    with django_capture_on_commit_callbacks(execute=True):
        sending.request_send(issue=issue)

    issue.refresh_from_db()
    assert issue.status == Issue.Status.SENT
    assert issue.sent_at is not None
    assert issue.recipient_count == 6
    assert recipients(mailoutbox) == {
        **{f"runner{n}@example.com": 1 for n in range(5)},
        "both@example.com": 1,
    }
    assert sending.progress(issue) == {
        "queued": 0, "sending": 0, "sent": 6, "failed": 0, "skipped": 0,
    }  # fmt: skip


def test_a_scheduled_issue_starts_once_when_due_even_if_two_schedulers_ask(
    time_machine, django_capture_on_commit_callbacks
):
    time_machine.move_to(START, tick=False)
    issue = IssueFactory()

    with django_capture_on_commit_callbacks() as callbacks:
        sending.request_send(issue=issue, at=START + timedelta(hours=2))
        assert sending.send_due_issues() == 0
    assert callbacks == []
    issue.refresh_from_db()
    assert issue.status == Issue.Status.SCHEDULED

    time_machine.shift(timedelta(hours=2))
    with django_capture_on_commit_callbacks() as callbacks:
        started = [sending.send_due_issues(), sending.send_due_issues()]
        sending.request_send(issue=issue)

    assert started == [1, 0]
    assert len(callbacks) == 1
    issue.refresh_from_db()
    assert issue.status == Issue.Status.SENDING


def test_a_send_request_for_a_past_time_starts_at_once(django_capture_on_commit_callbacks):
    issue = IssueFactory()

    with django_capture_on_commit_callbacks() as callbacks:
        sending.request_send(issue=issue, at=timezone.now() - timedelta(minutes=5))

    assert len(callbacks) == 1
    assert Issue.objects.get().status == Issue.Status.SENDING


def test_a_cancelled_schedule_never_starts(time_machine, django_capture_on_commit_callbacks):
    time_machine.move_to(START, tick=False)
    issue = sending.request_send(issue=IssueFactory(), at=START + timedelta(hours=1))
    sending.cancel(issue=issue)

    time_machine.shift(timedelta(hours=2))
    with django_capture_on_commit_callbacks() as callbacks:
        assert sending.send_due_issues() == 0
        sending.request_send(issue=issue)

    assert callbacks == []
    assert Issue.objects.get().status == Issue.Status.CANCELLED


def test_preparing_deliveries_twice_creates_no_duplicate_rows(settings):
    settings.NEWSLETTER_BATCH_SIZE = 2
    for n in range(5):
        SubscriberFactory(email=f"runner{n}@example.com", wants_beginner_series=n % 2 == 0)
    issue = sending.request_send(issue=IssueFactory())

    assert sending.prepare_deliveries(issue=issue) == 5
    assert tasks.prepare_deliveries(issue.pk) == 5

    assert Delivery.objects.count() == 5
    assert Issue.objects.get().recipient_count == 5


def test_deliveries_are_prepared_only_for_a_sending_issue():
    SubscriberFactory(email="ana@example.com")

    assert sending.prepare_deliveries(issue=IssueFactory()) == 0
    assert tasks.prepare_deliveries(10**9) == 0
    assert Delivery.objects.count() == 0


# --- Sending -----------------------------------------------------------------------------------


def test_each_message_has_its_own_links_headers_and_both_parts(mailoutbox):
    ana, ben = (
        SubscriberFactory(email="ana@example.com"),
        SubscriberFactory(email="ben@example.com"),
    )
    issue = IssueFactory(intro="Hello **runners**.")
    article = ArticleFactory(title="Slow is smooth")
    IssueArticleFactory(issue=issue, article=article, order=1)

    drain(start_send(issue))

    by_address = {message.to[0]: message for message in mailoutbox}
    for subscriber, other in ((ana, ben), (ben, ana)):
        message = by_address[subscriber.email]
        token = subscriptions.manage_token(subscriber)
        unsubscribe_url = f"http://testserver/newsletter/unsubscribe/{token}/"
        preferences_url = f"http://testserver/newsletter/preferences/{token}/"
        html = message.alternatives[0][0]
        assert message.alternatives[0][1] == "text/html"
        assert message.subject == "Week 12: easy miles"
        for part in (message.body, html):
            assert unsubscribe_url in part
            assert preferences_url in part
            assert subscriptions.manage_token(other) not in part
            assert "__UNSUBSCRIBE_URL__" not in part
            assert "Slow is smooth" in part
        assert "<strong>runners</strong>" in html
        headers = message.extra_headers
        assert headers["List-Unsubscribe"].startswith(f"<{unsubscribe_url}>, <mailto:")
        assert headers["List-Unsubscribe-Post"] == "List-Unsubscribe=One-Click"
        assert headers["Message-ID"] == mail.message_id("issue", issue.pk, subscriber.pk)
        delivery = Delivery.objects.get(subscriber=subscriber)
        assert delivery.status == Delivery.Status.SENT
        assert delivery.message_id == headers["Message-ID"]
        assert delivery.sent_at is not None
        assert delivery.attempts == 1


def test_the_message_id_is_the_same_for_the_same_issue_and_subscriber():
    ana, ben = (
        SubscriberFactory(email="ana@example.com"),
        SubscriberFactory(email="ben@example.com"),
    )
    issue, other_issue = IssueFactory(), IssueFactory(subject="Another week")

    def message_id(issue, subscriber):
        return emails.render_issue(issue).message_for(subscriber).extra_headers["Message-ID"]

    assert message_id(issue, ana) == message_id(Issue.objects.get(pk=issue.pk), ana)
    assert len({message_id(issue, ana), message_id(issue, ben), message_id(other_issue, ana)}) == 3
    assert re.fullmatch(r"<issue\.\d+\.\d+\.[0-9a-f]{16}@[^>]+>", message_id(issue, ana))


def test_someone_who_unsubscribes_before_their_turn_gets_nothing(mailoutbox):
    ana, ben = (
        SubscriberFactory(email="ana@example.com"),
        SubscriberFactory(email="ben@example.com"),
    )
    issue = start_send(IssueFactory())

    subscriptions.unsubscribe(subscriber=ben)
    drain(issue)

    assert recipients(mailoutbox) == {"ana@example.com": 1}
    assert Delivery.objects.get(subscriber=ben).status == Delivery.Status.SKIPPED
    assert issue.status == Issue.Status.SENT
    assert ana.deliveries.get().status == Delivery.Status.SENT


def test_someone_who_leaves_the_newsletter_list_after_preparing_is_skipped(mailoutbox):
    SubscriberFactory(email="ana@example.com")
    ben = SubscriberFactory(email="ben@example.com", wants_beginner_series=True)
    issue = start_send(IssueFactory())

    subscriptions.update_preferences(subscriber=ben, newsletter=False, beginner_series=True)
    drain(issue)

    assert recipients(mailoutbox) == {"ana@example.com": 1}
    assert Delivery.objects.get(subscriber=ben).status == Delivery.Status.SKIPPED


def test_a_suppressed_address_is_not_among_an_issues_recipients(mailoutbox):
    SubscriberFactory(email="ana@example.com")
    SubscriberFactory(email="stopped@example.com")
    suppression.suppress(email="Stopped@Example.com", reason=SuppressedAddress.Reason.MANUAL)

    issue = drain(start_send(IssueFactory()))

    assert recipients(mailoutbox) == {"ana@example.com": 1}
    assert issue.recipient_count == 1


def test_an_address_suppressed_after_the_send_was_prepared_is_skipped(mailoutbox):
    SubscriberFactory(email="ana@example.com")
    ben = SubscriberFactory(email="ben@example.com")
    issue = start_send(IssueFactory())

    # A complaint from a member's reply notice: the subscriber row itself is untouched.
    suppression.suppress(email="ben@example.com", reason=SuppressedAddress.Reason.COMPLAINED)
    drain(issue)

    assert recipients(mailoutbox) == {"ana@example.com": 1}
    assert Delivery.objects.get(subscriber=ben).status == Delivery.Status.SKIPPED


def test_a_paused_send_stops_and_a_resumed_one_mails_nobody_twice(
    settings, mailoutbox, django_capture_on_commit_callbacks
):
    settings.NEWSLETTER_BATCH_SIZE = 2
    for n in range(6):
        SubscriberFactory(email=f"runner{n}@example.com")
    issue = start_send(IssueFactory())

    assert sending.send_next_batch(issue=issue) == 2
    sending.pause(issue=issue)
    assert sending.send_next_batch(issue=issue) == 0
    assert tasks.send_batch(issue.pk) == 0
    assert len(mailoutbox) == 2
    assert Issue.objects.get().status == Issue.Status.PAUSED

    with django_capture_on_commit_callbacks(execute=True):
        sending.resume(issue=issue)

    assert recipients(mailoutbox) == {f"runner{n}@example.com": 1 for n in range(6)}
    assert Issue.objects.get().status == Issue.Status.SENT


def test_pausing_in_the_middle_of_a_batch_puts_the_rest_of_it_back_in_the_queue(
    settings, faults, mailoutbox, monkeypatch, django_capture_on_commit_callbacks
):
    settings.NEWSLETTER_BATCH_SIZE = 10
    monkeypatch.setattr(sending, "FLUSH_EVERY", 1)
    for n in range(6):
        SubscriberFactory(email=f"runner{n}@example.com")
    issue = start_send(IssueFactory())
    faults.on_send = lambda message: len(mailoutbox) == 2 and sending.pause(issue=issue)

    assert sending.send_next_batch(issue=issue) == 6

    assert len(mailoutbox) == 2
    assert sending.progress(issue)["queued"] == 4
    assert sending.progress(issue)["sending"] == 0
    faults.on_send = None
    with django_capture_on_commit_callbacks(execute=True):
        sending.resume(issue=issue)
    assert recipients(mailoutbox) == {f"runner{n}@example.com": 1 for n in range(6)}
    assert Issue.objects.get().status == Issue.Status.SENT


def test_cancelling_skips_everything_not_yet_sent(
    settings, mailoutbox, django_capture_on_commit_callbacks
):
    settings.NEWSLETTER_BATCH_SIZE = 2
    for n in range(5):
        SubscriberFactory(email=f"runner{n}@example.com")
    issue = start_send(IssueFactory())
    sending.send_next_batch(issue=issue)

    sending.cancel(issue=issue)
    with django_capture_on_commit_callbacks(execute=True):
        sending.resume(issue=issue)
        sending.request_send(issue=issue)
    assert sending.send_next_batch(issue=issue) == 0

    assert len(mailoutbox) == 2
    assert Issue.objects.get().status == Issue.Status.CANCELLED
    assert sending.progress(issue)["sent"] == 2
    assert sending.progress(issue)["skipped"] == 3


# --- Failures, retries and bounces ------------------------------------------------------------


def test_a_temporary_refusal_is_retried_later_and_then_delivered(faults, mailoutbox, time_machine):
    time_machine.move_to(START, tick=False)
    SubscriberFactory(email="ana@example.com")
    SubscriberFactory(email="busy@example.com")
    issue = start_send(IssueFactory())
    faults.errors["busy@example.com"] = refused("busy@example.com", 451, "4.3.0 Mailbox busy")

    drain(issue)

    delivery = Delivery.objects.get(subscriber__email="busy@example.com")
    assert delivery.status == Delivery.Status.QUEUED
    assert delivery.attempts == 1
    assert delivery.next_attempt_at > timezone.now()
    assert "451" in delivery.last_error
    assert issue.status == Issue.Status.SENDING, "a send with retries pending is not finished"
    assert recipients(mailoutbox) == {"ana@example.com": 1}

    del faults.errors["busy@example.com"]
    time_machine.move_to(delivery.next_attempt_at, tick=False)
    drain(issue)

    delivery.refresh_from_db()
    assert delivery.status == Delivery.Status.SENT
    assert delivery.attempts == 2
    assert recipients(mailoutbox) == {"ana@example.com": 1, "busy@example.com": 1}
    assert issue.status == Issue.Status.SENT
    assert Subscriber.objects.get(email="busy@example.com").bounce_count == 0


def test_temporary_failures_back_off_and_fail_after_max_attempts_without_a_bounce(
    faults, mailoutbox, time_machine
):
    time_machine.move_to(START, tick=False)
    SubscriberFactory(email="busy@example.com")
    issue = start_send(IssueFactory())
    faults.errors["busy@example.com"] = refused("busy@example.com", 452, "4.2.2 Over quota")
    waits = []

    for _ in range(sending.MAX_ATTEMPTS):
        drain(issue)
        delivery = Delivery.objects.get()
        if delivery.status == Delivery.Status.QUEUED:
            waits.append(delivery.next_attempt_at - timezone.now())
            time_machine.move_to(delivery.next_attempt_at, tick=False)

    assert faults.tries["busy@example.com"] == sending.MAX_ATTEMPTS
    assert delivery.status == Delivery.Status.FAILED
    assert delivery.attempts == sending.MAX_ATTEMPTS
    ceilings = [timedelta(minutes=m) for m in (1, 4, 16, 60)]  # the last one capped at 1 h
    assert len(waits) == len(ceilings)
    for wait, ceiling in zip(waits, ceilings, strict=True):
        assert ceiling / 2 <= wait <= ceiling
    assert issue.status == Issue.Status.SENT
    assert sending.progress(issue)["failed"] == 1
    subscriber = Subscriber.objects.get()
    assert subscriber.bounce_count == 0
    assert subscriber.status == Subscriber.Status.CONFIRMED
    assert mailoutbox == []


def test_a_permanent_refusal_fails_at_once_and_counts_a_bounce(faults, mailoutbox):
    SubscriberFactory(email="ana@example.com")
    SubscriberFactory(email="gone@example.com")
    SubscriberFactory(email="zoe@example.com")
    issue = start_send(IssueFactory())
    faults.errors["gone@example.com"] = refused("gone@example.com", 550, "5.1.1 No such user")

    drain(issue)

    delivery = Delivery.objects.get(subscriber__email="gone@example.com")
    assert delivery.status == Delivery.Status.FAILED
    assert delivery.attempts == 1
    assert "550" in delivery.last_error
    assert faults.tries["gone@example.com"] == 1
    assert recipients(mailoutbox) == {"ana@example.com": 1, "zoe@example.com": 1}
    assert issue.status == Issue.Status.SENT
    assert sending.progress(issue)["failed"] == 1
    assert sending.progress(issue)["sent"] == 2
    subscriber = Subscriber.objects.get(email="gone@example.com")
    assert subscriber.bounce_count == 1
    assert subscriber.status == Subscriber.Status.CONFIRMED


def test_a_permanent_data_error_fails_and_a_temporary_one_is_retried(faults, mailoutbox):
    SubscriberFactory(email="spam@example.com")
    SubscriberFactory(email="later@example.com")
    issue = start_send(IssueFactory())
    faults.errors["spam@example.com"] = smtplib.SMTPDataError(554, b"5.7.1 Rejected")
    faults.errors["later@example.com"] = smtplib.SMTPDataError(421, b"4.7.0 Try again")

    drain(issue)

    statuses = dict(Delivery.objects.values_list("subscriber__email", "status"))
    assert statuses == {"spam@example.com": "failed", "later@example.com": "queued"}


def test_three_permanent_failures_in_three_issues_mark_the_address_bounced_for_good(
    faults, mailoutbox
):
    SubscriberFactory(email="ana@example.com")
    SubscriberFactory(email="gone@example.com")
    faults.errors["gone@example.com"] = refused("gone@example.com", 550, "5.1.1 No such user")

    for week in range(suppression.BOUNCE_LIMIT):
        drain(start_send(IssueFactory(subject=f"Week {week}")))
        assert Subscriber.objects.get(email="gone@example.com").bounce_count == week + 1

    gone = Subscriber.objects.get(email="gone@example.com")
    assert gone.status == Subscriber.Status.BOUNCED
    assert faults.tries["gone@example.com"] == suppression.BOUNCE_LIMIT
    entry = SuppressedAddress.objects.get()
    assert (entry.email, entry.reason) == ("gone@example.com", SuppressedAddress.Reason.BOUNCED)
    assert "550" in entry.detail

    fourth = drain(start_send(IssueFactory(subject="Week 4")))
    assert not fourth.deliveries.filter(subscriber=gone).exists()
    assert faults.tries["gone@example.com"] == suppression.BOUNCE_LIMIT
    assert recipients(mailoutbox) == {"ana@example.com": 4}


def test_a_provider_refusing_a_recipient_fails_that_delivery_and_counts_a_bounce(
    faults, mailoutbox
):
    """Through an API (anymail), a provider refuses an address it holds on its own list."""
    SubscriberFactory(email="ana@example.com")
    SubscriberFactory(email="gone@example.com")
    faults.errors["gone@example.com"] = AnymailRecipientsRefused("rejected by the provider")

    drain(start_send(IssueFactory()))

    assert Delivery.objects.get(subscriber__email="gone@example.com").status == "failed"
    assert Subscriber.objects.get(email="gone@example.com").bounce_count == 1
    assert recipients(mailoutbox) == {"ana@example.com": 1}


def test_a_provider_api_error_sends_the_batch_back_to_wait_without_blaming_anyone(
    faults, mailoutbox, time_machine
):
    time_machine.move_to(START, tick=False)
    SubscriberFactory(email="ana@example.com")
    SubscriberFactory(email="ben@example.com")
    faults.next_errors = [AnymailAPIError("503 Service Unavailable")] * (sending.MAX_RECONNECTS + 1)

    drain(start_send(IssueFactory()))

    rows = {d.subscriber.email: d for d in Delivery.objects.select_related("subscriber")}
    assert {row.status for row in rows.values()} == {Delivery.Status.QUEUED}
    assert rows["ben@example.com"].attempts == 0
    assert rows["ben@example.com"].next_attempt_at == START + sending.RECONNECT_WAIT
    assert Subscriber.objects.filter(bounce_count__gt=0).count() == 0
    assert mailoutbox == []


def test_a_dropped_connection_is_reopened_and_the_same_recipient_tried_at_no_extra_attempt(
    faults, mailoutbox
):
    for name in ("ana", "ben", "drop", "dan", "eve"):
        SubscriberFactory(email=f"{name}@example.com")
    issue = start_send(IssueFactory())
    faults.on_send = lambda message: (
        message.to == ["ben@example.com"]
        and faults.next_errors.append(smtplib.SMTPServerDisconnected("Connection lost"))
    )

    assert sending.send_next_batch(issue=issue) == 5

    assert faults.opened == 2
    assert faults.tries["drop@example.com"] == 2
    assert recipients(mailoutbox) == {
        f"{name}@example.com": 1 for name in ("ana", "ben", "drop", "dan", "eve")
    }
    assert set(Delivery.objects.values_list("status", "attempts")) == {("sent", 1)}


def test_a_421_reconnects_and_charges_no_recipient_an_attempt(faults, mailoutbox):
    names = ["ana", "ben", "cy", "dan", "eve", "fay"]
    for name in names:
        SubscriberFactory(email=f"{name}@example.com")
    issue = start_send(IssueFactory())
    busy = smtplib.SMTPDataError(421, b"4.7.0 Too many messages, closing connection")
    faults.on_send = lambda message: (
        message.to == ["ben@example.com"] and faults.next_errors.extend([busy, busy])
    )

    drain(issue)

    assert recipients(mailoutbox) == {f"{name}@example.com": 1 for name in names}
    assert faults.opened == 3, "one connection, reopened after each 421"
    assert set(Delivery.objects.values_list("status", "attempts")) == {("sent", 1)}
    assert issue.status == Issue.Status.SENT


def test_a_server_that_keeps_closing_gets_the_rest_of_the_batch_back_uncharged(
    faults, mailoutbox, time_machine
):
    time_machine.move_to(START, tick=False)
    for name in ("ana", "ben", "cy", "dan"):
        SubscriberFactory(email=f"{name}@example.com")
    issue = start_send(IssueFactory())
    busy = smtplib.SMTPRecipientsRefused({"x": (421, b"4.3.2 System not accepting messages")})
    faults.on_send = lambda message: faults.next_errors.extend([busy] * 9)

    assert sending.send_next_batch(issue=issue) == 4

    assert recipients(mailoutbox) == {"ana@example.com": 1}
    assert faults.opened == 1 + sending.MAX_RECONNECTS
    rows = {row.subscriber.email: row for row in issue.deliveries.select_related("subscriber")}
    assert rows["ben@example.com"].status == Delivery.Status.QUEUED
    assert rows["ben@example.com"].attempts == 1, "the recipient the server kept closing on"
    for name in ("cy", "dan"):
        assert rows[f"{name}@example.com"].status == Delivery.Status.QUEUED
        assert rows[f"{name}@example.com"].attempts == 0, "never tried, never charged"
        assert rows[f"{name}@example.com"].next_attempt_at == START + sending.RECONNECT_WAIT


@pytest.mark.parametrize(
    ("error", "kind"),
    [
        (smtplib.SMTPServerDisconnected("gone"), "reconnect"),
        (TimeoutError("timed out"), "reconnect"),
        (ConnectionResetError(), "reconnect"),
        (smtplib.SMTPDataError(421, b"closing"), "reconnect"),
        (smtplib.SMTPSenderRefused(421, b"closing", "a@example.com"), "reconnect"),
        (refused("a@example.com", 421), "reconnect"),
        (refused("a@example.com", 450), "temporary"),
        (smtplib.SMTPDataError(451, b"later"), "temporary"),
        (refused("a@example.com", 550), "permanent"),
        (smtplib.SMTPDataError(554, b"rejected"), "permanent"),
        (AnymailRecipientsRefused("on the provider's list"), "permanent"),
    ],
)
def test_smtp_errors_are_classified_by_what_they_mean_for_the_recipient(error, kind):
    assert sending._classify(error) == kind


def test_retry_waits_grow_fourfold_with_jitter_and_stop_at_the_cap(settings):
    settings.NEWSLETTER_RETRY_BASE_SECONDS = 60
    settings.NEWSLETTER_RETRY_CAP_SECONDS = 3600
    for attempts, ceiling in [(1, 60), (2, 240), (3, 960), (4, 3600), (9, 3600)]:
        waits = {sending.retry_delay(attempts).total_seconds() for _ in range(200)}
        assert min(waits) >= ceiling / 2
        assert max(waits) <= ceiling
        assert len(waits) > 100, "jittered, so retries do not come back together"


def test_each_batch_uses_one_connection(settings, faults, mailoutbox):
    settings.NEWSLETTER_BATCH_SIZE = 3
    for n in range(7):
        SubscriberFactory(email=f"runner{n}@example.com")

    drain(start_send(IssueFactory()))

    assert len(mailoutbox) == 7
    assert faults.opened == 3


# --- Workers that died -------------------------------------------------------------------------


def claim_all(issue, owner="dead-worker"):
    """Rows as a sender left them that was killed mid-batch: claimed, its lease running."""
    issue.deliveries.update(
        status=Delivery.Status.SENDING,
        claimed_at=timezone.now(),
        claimed_by=owner,
        lease_expires_at=timezone.now() + timedelta(seconds=30),
        attempts=1,
    )


def test_a_claim_is_a_lease_others_may_take_back_only_once_it_has_expired(
    settings, mailoutbox, time_machine, django_capture_on_commit_callbacks
):
    settings.NEWSLETTER_LEASE_SECONDS = 30
    time_machine.move_to(START, tick=False)
    for n in range(4):
        SubscriberFactory(email=f"runner{n}@example.com")
    issue = start_send(IssueFactory())
    claim_all(issue)

    time_machine.shift(timedelta(seconds=29))
    with django_capture_on_commit_callbacks(execute=True) as callbacks:
        assert sending.resume_stalled() == 0
    assert callbacks == [], "a lease still running is someone's work in progress"

    time_machine.shift(timedelta(seconds=2))
    with django_capture_on_commit_callbacks(execute=True):
        assert sending.resume_stalled() == 4

    assert recipients(mailoutbox) == {f"runner{n}@example.com": 1 for n in range(4)}
    assert Issue.objects.get().status == Issue.Status.SENT


def test_a_sender_never_sends_rows_it_no_longer_holds(settings, faults, mailoutbox, monkeypatch):
    monkeypatch.setattr(sending, "FLUSH_EVERY", 1)
    for n in range(5):
        SubscriberFactory(email=f"runner{n}@example.com")
    issue = start_send(IssueFactory())

    def taken_over(message):
        if message.to == ["runner1@example.com"]:
            # Our lease ran out; beat requeued the rest and another sender claimed them.
            issue.deliveries.filter(status=Delivery.Status.SENDING).exclude(
                subscriber__email="runner1@example.com"
            ).update(claimed_by="someone-else")

    faults.on_send = taken_over

    assert sending.send_next_batch(issue=issue) == 5

    assert recipients(mailoutbox) == {"runner0@example.com": 1, "runner1@example.com": 1}
    assert sending.progress(issue) == {
        "queued": 0, "sending": 3, "sent": 2, "failed": 0, "skipped": 0,
    }  # fmt: skip


def test_a_message_accepted_after_its_lease_was_taken_back_still_counts_as_sent(
    faults, mailoutbox, django_capture_on_commit_callbacks
):
    SubscriberFactory(email="ana@example.com")
    SubscriberFactory(email="slow@example.com")
    issue = start_send(IssueFactory())

    def requeued_meanwhile(message):
        if message.to == ["slow@example.com"]:
            issue.deliveries.filter(status=Delivery.Status.SENDING).update(
                status=Delivery.Status.QUEUED, claimed_by="", lease_expires_at=None
            )

    faults.on_send = requeued_meanwhile

    drain(issue)

    assert recipients(mailoutbox) == {"ana@example.com": 1, "slow@example.com": 1}
    assert sending.progress(issue)["sent"] == 2, "what the server accepted is what counts"
    assert issue.status == Issue.Status.SENT


def test_a_batch_writes_its_sent_marks_in_groups_not_one_query_a_message(
    settings, mailoutbox, django_assert_num_queries, monkeypatch
):
    settings.NEWSLETTER_BATCH_SIZE = 10
    monkeypatch.setattr(sending, "FLUSH_EVERY", 5)
    monkeypatch.setattr(sending, "FLUSH_SECONDS", 3600)
    for n in range(10):
        SubscriberFactory(email=f"runner{n}@example.com")
    issue = start_send(IssueFactory())
    # The issue's status; the claim (savepoint, select, update, release, load); rendering the
    # issue (its articles); per group of 5, the marks in one transaction (savepoint, the
    # statements, release), and after the first group the issue's progress (at most every
    # few seconds) and which rows left are still ours. Before, each message cost an UPDATE
    # and its commit.
    with django_assert_num_queries(1 + 5 + 1 + (3 + 1 + 1) + 3):
        assert sending.send_next_batch(issue=issue) == 10
    assert sending.progress(issue)["sent"] == 10


def test_resume_stalled_requeues_legacy_claims_after_the_stuck_timeout(
    settings, django_capture_on_commit_callbacks, mailoutbox, time_machine
):
    settings.NEWSLETTER_STUCK_SECONDS = 300
    time_machine.move_to(START, tick=False)
    SubscriberFactory(email="ana@example.com")
    issue = start_send(IssueFactory())
    issue.deliveries.update(status=Delivery.Status.SENDING, claimed_at=timezone.now())

    time_machine.shift(timedelta(seconds=301))
    with django_capture_on_commit_callbacks(execute=True):
        assert sending.resume_stalled() == 1

    assert recipients(mailoutbox) == {"ana@example.com": 1}


def test_resume_stalled_restarts_a_send_whose_batch_chain_broke(
    settings, django_capture_on_commit_callbacks, mailoutbox, time_machine
):
    settings.NEWSLETTER_LEASE_SECONDS = 30
    time_machine.move_to(START, tick=False)
    SubscriberFactory(email="ana@example.com")
    SubscriberFactory(email="ben@example.com")
    issue = start_send(IssueFactory())
    Issue.objects.filter(pk=issue.pk).update(progress_at=timezone.now())

    time_machine.shift(timedelta(seconds=10))
    with django_capture_on_commit_callbacks(execute=True) as callbacks:
        sending.resume_stalled()
    assert callbacks == [], "a send that moved lately has its senders"

    time_machine.shift(timedelta(seconds=21))
    with django_capture_on_commit_callbacks(execute=True):
        sending.resume_stalled()
    assert recipients(mailoutbox) == {"ana@example.com": 1, "ben@example.com": 1}


def test_resume_stalled_finishes_a_send_whose_rows_are_all_done(
    time_machine, django_capture_on_commit_callbacks, mailoutbox
):
    time_machine.move_to(START, tick=False)
    SubscriberFactory(email="ana@example.com")
    SubscriberFactory(email="ben@example.com")
    issue = start_send(IssueFactory())
    issue.deliveries.update(status=Delivery.Status.SENT, claimed_at=timezone.now())

    time_machine.shift(timedelta(minutes=10))
    with django_capture_on_commit_callbacks(execute=True):
        sending.resume_stalled()

    issue.refresh_from_db()
    assert issue.status == Issue.Status.SENT
    assert issue.sent_at == timezone.now()
    assert mailoutbox == []


def test_resume_stalled_leaves_paused_sends_alone(
    time_machine, django_capture_on_commit_callbacks, mailoutbox
):
    time_machine.move_to(START, tick=False)
    SubscriberFactory(email="ana@example.com")
    issue = start_send(IssueFactory())
    claim_all(issue)
    sending.pause(issue=issue)

    time_machine.shift(timedelta(hours=1))
    with django_capture_on_commit_callbacks(execute=True):
        assert sending.resume_stalled() == 0

    assert mailoutbox == []
    assert Issue.objects.get().status == Issue.Status.PAUSED


def test_resume_stalled_never_finishes_a_send_whose_deliveries_are_not_prepared_yet(
    time_machine, django_capture_on_commit_callbacks, mailoutbox
):
    time_machine.move_to(START, tick=False)
    SubscriberFactory(email="ana@example.com")
    issue = IssueFactory()
    with django_capture_on_commit_callbacks():  # prepare_deliveries is still waiting in the queue
        sending.request_send(issue=issue)

    time_machine.shift(timedelta(minutes=10))
    with django_capture_on_commit_callbacks(execute=True):
        sending.resume_stalled()

    issue.refresh_from_db()
    assert issue.status == Issue.Status.SENT
    assert issue.recipient_count == 1
    assert recipients(mailoutbox) == {"ana@example.com": 1}


# --- Stalled sends -----------------------------------------------------------------------------


def test_a_send_that_stands_still_logs_one_error_per_stall(
    settings, caplog, time_machine, mailoutbox
):
    settings.NEWSLETTER_STALLED_SECONDS = 300
    time_machine.move_to(START, tick=False)
    SubscriberFactory(email="ana@example.com")
    SubscriberFactory(email="ben@example.com")
    settings.NEWSLETTER_BATCH_SIZE = 1
    issue = start_send(IssueFactory())

    time_machine.shift(timedelta(seconds=299))
    assert sending.report_stalled() == 0
    time_machine.shift(timedelta(seconds=2))
    with caplog.at_level("ERROR", logger="newsletter.services.sending"):
        assert sending.report_stalled() == 1
        assert sending.report_stalled() == 0, "one report per stall"
    [record] = caplog.records
    assert record.levelname == "ERROR"
    assert "has sent nothing since" in record.getMessage()
    assert "emails queue" in record.getMessage()
    issue.refresh_from_db()
    assert issue.stalled_since == START

    sending.send_next_batch(issue=issue)  # progress ends the stall
    issue.refresh_from_db()
    assert issue.stalled_since is None

    caplog.clear()
    time_machine.shift(timedelta(seconds=301))
    with caplog.at_level("ERROR", logger="newsletter.services.sending"):
        assert sending.report_stalled() == 1, "a new stall is reported again"
    assert len(caplog.records) == 1


def test_retries_waiting_for_their_time_are_not_a_stall(settings, faults, time_machine, caplog):
    settings.NEWSLETTER_STALLED_SECONDS = 300
    time_machine.move_to(START, tick=False)
    SubscriberFactory(email="busy@example.com")
    issue = start_send(IssueFactory())
    faults.errors["busy@example.com"] = refused("busy@example.com", 451, "4.3.0 Mailbox busy")
    drain(issue)

    time_machine.shift(timedelta(seconds=350))
    Delivery.objects.update(next_attempt_at=timezone.now() + timedelta(minutes=30))
    with caplog.at_level("ERROR"):
        assert sending.report_stalled() == 0
    assert caplog.records == []
