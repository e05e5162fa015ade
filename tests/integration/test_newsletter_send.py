"""Sending an issue with real parts: Celery workers on Redis and PostgreSQL, and an aiosmtpd sink
standing in for the mail server."""

import re
import signal
from datetime import timedelta
from html.parser import HTMLParser
from urllib.parse import quote, urlsplit

import pytest
from django.test import Client, override_settings
from django.utils import timezone

from newsletter.models import Delivery, Issue, IssueArticle, Subscriber
from newsletter.services import sending
from newsletter.services.subscriptions import subscriber_from_manage_token
from runsite import mail
from tests.articles.factories import ArticleFactory
from tests.conftest import wait_for

pytestmark = pytest.mark.integration

# The workers build links on this origin, so the test can check the https List-Unsubscribe.
SITE_URL = "https://runtowardbalance.example"


def confirmed_subscribers(count: int, *, prefix: str = "runner") -> list[str]:
    addresses = [f"{prefix}{n:05d}@example.com" for n in range(count)]
    Subscriber.objects.bulk_create(
        [
            Subscriber(
                email=address, status=Subscriber.Status.CONFIRMED, confirmed_at=timezone.now()
            )
            for address in addresses
        ],
        batch_size=2000,
    )
    return addresses


def make_issue(**fields) -> Issue:
    fields = {"subject": "Week 12: easy miles", "intro": "Hello **runners**.", **fields}
    return Issue.objects.create(**fields)


def status_of(issue: Issue) -> str:
    return Issue.objects.values_list("status", flat=True).get(pk=issue.pk)


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


def test_a_worker_killed_mid_send_is_resumed_and_everyone_gets_the_issue(start_worker, smtp_sink):
    # No delay in the sink needed: building each message keeps the worker slower than the sink,
    # and a poll every 0.2 s stops it between 1,000 and 5,000 even at thousands a second.
    sink = smtp_sink()
    addresses = confirmed_subscribers(5000)
    issue = make_issue()
    first = start_worker(sink.url, site_url=SITE_URL)

    sending.request_send(issue=issue)
    wait_for(
        lambda: Delivery.objects.filter(issue=issue, status=Delivery.Status.SENT).count() >= 1000,
        timeout=60,
        what="a fifth of the send",
    )
    first.send_signal(signal.SIGKILL)
    first.wait()
    in_flight = Delivery.objects.filter(issue=issue, status=Delivery.Status.SENDING).count()
    delivered_before_kill = sink.count
    assert 1000 <= delivered_before_kill < 5000

    # Beat, after the grace period: nobody works on these rows now, so requeue them at once.
    sending.resume_stalled(stuck_after=timedelta(0))
    second = start_worker(sink.url, site_url=SITE_URL)

    def sent() -> bool:
        if status_of(issue) == Issue.Status.SENT:
            return True
        sending.resume_stalled(stuck_after=timedelta(seconds=20))  # beat, while the worker sends
        return False

    wait_for(sent, timeout=90, what="the resumed send to finish")
    assert second.poll() is None, "the second worker died"
    received = sink.recipients()
    duplicates = sum(count - 1 for count in received.values())
    print(  # noqa: T201
        f"kill-and-resume: {delivered_before_kill} delivered before the kill, {in_flight} "
        f"deliveries in flight, {duplicates} sent twice"
    )
    assert set(received) == set(addresses), "every confirmed subscriber gets the issue"
    assert duplicates <= in_flight, "only messages in flight at the kill may go twice"
    assert sending.progress(issue)["sent"] == 5000


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
    first_pass = {"queued": 2, "sending": 0, "sent": 20, "failed": 1, "skipped": 0}
    wait_for(lambda: sending.progress(issue) == first_pass, timeout=60, what="the first pass")
    assert status_of(issue) == Issue.Status.SENDING, "retries are pending"

    # The retries fall due now; beat finds the send idle and starts it again.
    Delivery.objects.filter(issue=issue, status=Delivery.Status.QUEUED).update(
        next_attempt_at=timezone.now()
    )
    sending.resume_stalled(stuck_after=timedelta(0))
    wait_for(lambda: status_of(issue) == Issue.Status.SENT, timeout=60, what="the retries")

    rows = {row.subscriber.email: row for row in issue.deliveries.select_related("subscriber")}
    assert rows["gone@example.com"].status == Delivery.Status.FAILED
    assert "550" in rows["gone@example.com"].last_error
    assert rows["busy@example.com"].status == Delivery.Status.SENT
    assert rows["busy@example.com"].attempts == 2
    assert rows["drop@example.com"].status == Delivery.Status.SENT
    assert rows["drop@example.com"].attempts == 2
    assert Subscriber.objects.get(email="gone@example.com").bounce_count == 1
    assert Subscriber.objects.get(email="busy@example.com").bounce_count == 0
    assert sink.recipients() == dict.fromkeys(
        [*addresses, "busy@example.com", "drop@example.com"], 1
    )
