"""Sending an issue with real parts: Celery workers on Redis and PostgreSQL, and an aiosmtpd sink
standing in for the mail server."""

import re
import signal
import time
from datetime import timedelta
from html.parser import HTMLParser
from urllib.parse import quote, urlsplit

import pytest
import redis
from django.test import Client, override_settings
from django.utils import timezone

from common import mail
from newsletter.models import Delivery, Issue, IssueArticle, Subscriber
from newsletter.services import sending
from newsletter.services.subscriptions import subscriber_from_manage_token
from tests.articles.factories import ArticleFactory
from tests.conftest import wait_for
from tests.integration.newsletters import confirmed_subscribers, make_issue, status_of

pytestmark = pytest.mark.integration

# The workers build links on this origin, so the test can check the https List-Unsubscribe.
SITE_URL = "https://runtowardbalance.example"


class LinkParser(HTMLParser):
    def __init__(self):
        super().__init__()
        self.links: list[str] = []

    def handle_starttag(self, tag, attrs):
        href = dict(attrs).get("href")
        if tag == "a" and href:
            self.links.append(href)


def site_links(html: str) -> list[str]:
    parser = LinkParser()
    parser.feed(html)
    return [link for link in parser.links if link.startswith(SITE_URL)]


def path_of(url: str) -> str:
    parts = urlsplit(url)
    return parts.path + (f"?{parts.query}" if parts.query else "")


def test_an_issue_reaches_three_thousand_subscribers_once_each_with_working_links(
    start_worker, smtp_sink
):
    sink = smtp_sink()
    addresses = confirmed_subscribers(3000)
    Subscriber.objects.bulk_create(
        [
            Subscriber(email="pending@example.com"),
            Subscriber(email="left@example.com", status=Subscriber.Status.UNSUBSCRIBED),
            Subscriber(email="bounced@example.com", status=Subscriber.Status.BOUNCED),
            Subscriber(
                email="series@example.com",
                status=Subscriber.Status.CONFIRMED,
                wants_newsletter=False,
                wants_beginner_series=True,
            ),
        ]
    )
    issue = make_issue(closing="See you out there.")
    article = ArticleFactory(title="Slow is smooth")
    IssueArticle.objects.create(issue=issue, article=article, order=1)
    worker = start_worker(sink.url, site_url=SITE_URL)

    sending.request_send(issue=issue)
    sending.request_send(issue=issue)  # a second click changes nothing

    wait_for(lambda: status_of(issue) == Issue.Status.SENT, timeout=90, what="the issue sent")
    assert worker.poll() is None, "the worker died"
    assert sink.recipients() == dict.fromkeys(addresses, 1)
    assert sending.progress(issue) == {
        "queued": 0, "sending": 0, "sent": 3000, "failed": 0, "skipped": 0,
    }  # fmt: skip

    received = sink.messages[0].message
    subscriber = Subscriber.objects.get(email=received["To"])
    assert received["Subject"] == "Week 12: easy miles"
    with override_settings(SITE_URL=SITE_URL):  # the worker's Message-IDs are on its domain
        assert received["Message-ID"] == mail.message_id("issue", issue.pk, subscriber.pk)
    assert Delivery.objects.get(subscriber=subscriber).message_id == received["Message-ID"]
    assert received["List-Unsubscribe-Post"] == "List-Unsubscribe=One-Click"
    https, mailto = re.fullmatch(
        r"<(https://[^>]+)>, <(mailto:[^>]+)>", received["List-Unsubscribe"].strip()
    ).groups()
    token = re.fullmatch(rf"{re.escape(SITE_URL)}/newsletter/unsubscribe/([^/]+)/", https)[1]
    assert subscriber_from_manage_token(token) == subscriber
    assert mailto.endswith("?subject=" + quote(f"unsubscribe newsletter {token}"))
    unsubscribe_url = https
    preferences_url = f"{SITE_URL}/newsletter/preferences/{token}/"
    text = received.get_body(("plain",)).get_content()
    html = received.get_body(("html",)).get_content()
    assert unsubscribe_url in text
    assert preferences_url in text
    assert "Slow is smooth" in text
    assert "Slow is smooth" in html

    links = site_links(html)
    assert unsubscribe_url in links
    assert preferences_url in links
    assert f"{SITE_URL}{article.get_absolute_url()}" in links
    client = Client()
    for link in links:
        response = client.get(path_of(link))
        assert response.status_code == 200, link
    subscriber.refresh_from_db()
    assert subscriber.status == Subscriber.Status.CONFIRMED, "a GET must not unsubscribe"

    one_click = Client(enforce_csrf_checks=True).post(
        path_of(unsubscribe_url), {"List-Unsubscribe": "One-Click"}
    )
    assert one_click.status_code == 200
    subscriber.refresh_from_db()
    assert subscriber.status == Subscriber.Status.UNSUBSCRIBED


# Short leases, so a killed worker's rows are free in seconds (production: 30 s).
QUICK = {"NEWSLETTER_LEASE_SECONDS": "2", "EMAIL_TIMEOUT": "20"}


def sent_count(issue: Issue) -> int:
    return Delivery.objects.filter(issue=issue, status=Delivery.Status.SENT).count()


def test_a_worker_killed_mid_send_is_resumed_by_the_next_worker_within_a_minute(
    start_worker, smtp_sink
):
    # No delay in the sink needed: building each message keeps the worker slower than the sink,
    # and a poll every 0.1 s stops it between 1,000 and 5,000 even at thousands a second.
    sink = smtp_sink()
    addresses = confirmed_subscribers(5000)
    issue = make_issue()
    first = start_worker(sink.url, site_url=SITE_URL, env=QUICK)

    sending.request_send(issue=issue)
    wait_for(lambda: sent_count(issue) >= 1000, timeout=60, what="a fifth of the send")
    first.send_signal(signal.SIGKILL)
    first.wait()
    in_flight = Delivery.objects.filter(issue=issue, status=Delivery.Status.SENDING).count()
    marked = sent_count(issue)
    delivered_before_kill = sink.count
    # Accepted by the server but not yet marked sent: at most one group for the one sender
    # a solo worker runs at a time (and the message on the wire).
    unmarked = delivered_before_kill - marked
    assert 1000 <= delivered_before_kill < 5000
    assert 0 <= unmarked <= sending.FLUSH_EVERY + 1

    # No beat here: the starting worker itself picks up what the dead one left, once its
    # lease has run out.
    second = start_worker(sink.url, site_url=SITE_URL, env=QUICK)
    wait_for(lambda: sent_count(issue) > marked, timeout=60, what="the send to resume")
    wait_for(lambda: status_of(issue) == Issue.Status.SENT, timeout=90, what="the send to end")
    assert second.poll() is None, "the second worker died"
    received = sink.recipients()
    duplicates = sum(count - 1 for count in received.values())
    print(  # noqa: T201
        f"kill-and-resume: {delivered_before_kill} delivered before the kill, {marked} marked "
        f"sent, {in_flight} claimed, {duplicates} sent twice"
    )
    assert set(received) == set(addresses), "every confirmed subscriber gets the issue"
    assert duplicates <= unmarked, "only messages accepted but not yet marked may go twice"
    assert sending.progress(issue) == {
        "queued": 0, "sending": 0, "sent": 5000, "failed": 0, "skipped": 0,
    }  # fmt: skip


def test_a_batch_slower_than_the_lease_is_never_taken_over(start_worker, smtp_sink, settings):
    # One session stalls for three leases (and longer than the old 2 s "stuck" rule below),
    # while a second worker is idle and beat runs ten times a second (each poll).
    settings.NEWSLETTER_LEASE_SECONDS = 2
    settings.NEWSLETTER_STUCK_SECONDS = 2
    addresses = confirmed_subscribers(40)
    sink = smtp_sink(stall={addresses[5]: 6.0})
    issue = make_issue()
    env = {**QUICK, "NEWSLETTER_BATCH_SIZE": "40", "NEWSLETTER_STUCK_SECONDS": "60"}
    start_worker(sink.url, site_url=SITE_URL, env=env)
    start_worker(sink.url, site_url=SITE_URL, env=env)

    sending.request_send(issue=issue)

    def sent() -> bool:
        sending.resume_stalled()  # beat
        return status_of(issue) == Issue.Status.SENT

    wait_for(sent, timeout=60, what="the send to end")
    # A second sender that took the rows over would be stalled on the same recipient now, its
    # copies still to come: wait until every session that reached the stall was answered.
    wait_for(
        lambda: sink.handler.stalls_done == sink.handler.tries[addresses[5]],
        timeout=20,
        what="every stalled session to be answered",
    )
    assert sink.recipients() == dict.fromkeys(addresses, 1), "nobody gets a second copy"
    assert sending.progress(issue) == {
        "queued": 0, "sending": 0, "sent": 40, "failed": 0, "skipped": 0,
    }  # fmt: skip


def test_after_a_421_the_next_recipients_are_delivered_and_none_is_charged(start_worker, smtp_sink):
    # A throttling provider: after 5 messages it answers 421 and hangs up, three times running.
    sink = smtp_sink(close_421=(5, 3))
    addresses = confirmed_subscribers(20)
    issue = make_issue()
    start_worker(sink.url, site_url=SITE_URL, env=QUICK)

    sending.request_send(issue=issue)

    wait_for(lambda: status_of(issue) == Issue.Status.SENT, timeout=30, what="the send")
    assert sink.handler.closed_421 == 3
    assert sink.recipients() == dict.fromkeys(addresses, 1)
    assert set(issue.deliveries.values_list("status", "attempts")) == {("sent", 1)}


def test_a_send_cut_off_from_its_broker_resumes_when_the_broker_returns(
    start_worker, smtp_sink, redis_broker, settings
):
    from tests.integration.tcp_proxy import TcpProxy

    settings.NEWSLETTER_LEASE_SECONDS = 2
    url = urlsplit(redis_broker)
    addresses = confirmed_subscribers(3000)
    sink = smtp_sink()
    issue = make_issue()
    with TcpProxy(url.hostname, url.port or 6379) as proxy:
        # The worker reaches Redis only through the proxy; one batch chain, so when it breaks
        # nothing else carries the send on.
        proxied = url._replace(netloc=f"127.0.0.1:{proxy.port}").geturl()
        env = {**QUICK, "CELERY_BROKER_URL": proxied, "NEWSLETTER_SENDERS": "1"}
        worker = start_worker(sink.url, site_url=SITE_URL, env=env)
        sending.request_send(issue=issue)
        wait_for(lambda: sent_count(issue) >= 300, timeout=60, what="the send to start")

        proxy.cut()
        wait_for(
            lambda: (
                not Delivery.objects.filter(issue=issue, status=Delivery.Status.SENDING).exists()
            ),
            timeout=30,
            what="the batch under way to end",
        )
        # The broker comes back without its queues, as Redis does after a restart without
        # persistence: the next batch's task and the unacknowledged one are gone, so the chain
        # is broken. Only kombu's keys go; the rest of that Redis database is not this test's.
        broker = redis.Redis(host=url.hostname, port=url.port or 6379, db=int(url.path[1:] or 0))
        broker.delete("emails", "celery", "unacked", "unacked_index", "unacked_mutex")
        time.sleep(8)  # the outage
        stood_still = sent_count(issue)
        assert stood_still < 3000, "the chain broke with the broker"
        proxy.restore()

        def sent() -> bool:
            sending.resume_stalled()  # beat, every 15 s in production; Redis is back for it
            return status_of(issue) == Issue.Status.SENT

        resumed_at = time.monotonic()
        wait_for(lambda: sent_count(issue) > stood_still or sent(), timeout=60, what="resuming")
        assert time.monotonic() - resumed_at < 60
        wait_for(sent, timeout=90, what="the send to end")
        assert worker.poll() is None, "the worker survived the outage"
    assert sink.recipients() == dict.fromkeys(addresses, 1)


def test_refused_and_dropped_deliveries_fail_or_are_retried_by_a_real_worker(
    start_worker, smtp_sink
):
    sink = smtp_sink(
        refuse={"gone@example.com": (550, "5.1.1 No such user")},
        refuse_first={"busy@example.com": (451, "4.2.1 Mailbox busy, try later", 1)},
        drop_first={"drop@example.com": 1},
    )
    addresses = confirmed_subscribers(20)
    for address in ("gone@example.com", "busy@example.com", "drop@example.com"):
        Subscriber.objects.create(email=address, status=Subscriber.Status.CONFIRMED)
    issue = make_issue()
    start_worker(sink.url, site_url=SITE_URL)

    sending.request_send(issue=issue)
    # The dropped connection is reopened and drop@ tried again at once; busy@ waits its turn.
    first_pass = {"queued": 1, "sending": 0, "sent": 21, "failed": 1, "skipped": 0}
    wait_for(lambda: sending.progress(issue) == first_pass, timeout=60, what="the first pass")
    assert status_of(issue) == Issue.Status.SENDING, "retries are pending"

    # The retries fall due now; beat finds the send idle and starts it again.
    Delivery.objects.filter(issue=issue, status=Delivery.Status.QUEUED).update(
        next_attempt_at=timezone.now()
    )
    sending.resume_stalled(now=timezone.now() + timedelta(minutes=1))  # beat, a minute on
    wait_for(lambda: status_of(issue) == Issue.Status.SENT, timeout=60, what="the retries")

    rows = {row.subscriber.email: row for row in issue.deliveries.select_related("subscriber")}
    assert rows["gone@example.com"].status == Delivery.Status.FAILED
    assert "550" in rows["gone@example.com"].last_error
    assert rows["busy@example.com"].status == Delivery.Status.SENT
    assert rows["busy@example.com"].attempts == 2
    assert rows["drop@example.com"].status == Delivery.Status.SENT
    assert rows["drop@example.com"].attempts == 1, "a dropped connection charges no attempt"
    assert Subscriber.objects.get(email="gone@example.com").bounce_count == 1
    assert Subscriber.objects.get(email="busy@example.com").bounce_count == 0
    assert sink.recipients() == dict.fromkeys(
        [*addresses, "busy@example.com", "drop@example.com"], 1
    )
