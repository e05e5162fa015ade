"""The site as production runs it on more than one machine: two web nodes (gunicorn) and two
Celery workers, each a process of its own, sharing one PostgreSQL database, one Redis and one
media folder.

What must hold across nodes: a change an editor saves through one node is what readers get from
any other node on their very next request (page-cache versions bump on commit, and each process's
mirror of them forgets its copy on the Redis message), and a send keeps going, mailing nobody
twice beyond what was in flight, when one of the workers sending it is killed.
"""

import re
import signal
import socket
import sys
import time
from datetime import timedelta

import pytest
from django.conf import global_settings
from django.utils import timezone

from articles.models import Article
from newsletter.models import Delivery, Issue
from newsletter.services import sending
from runsite.celery import app as celery_app
from tests.articles.factories import (
    ArticleFactory,
    AuthorFactory,
    SectionFactory,
    ThemeFactory,
    TopicFactory,
)
from tests.conftest import wait_for
from tests.integration.forms import FormFields
from tests.integration.newsletters import confirmed_subscribers, make_issue, status_of
from tests.integration.proxy import Proxy, Reply

pytestmark = pytest.mark.integration

PASSWORD = "a-long-test-password"
TITLE = "Evening runs, deeper sleep"
SLUG = "evening-runs-deeper-sleep"
NEW_TITLE = "Evening runs and deeper sleep"
ARTICLES = "/admin/articles/article/"

# Beat as production runs it, but with the grace period and the interval scaled down from 300 s
# and 120 s, so a killed worker's deliveries are requeued within seconds. Still well above the
# longest batch seen on a loaded 2-core machine (about 3 s): a live worker's claim must never
# look stalled, or its deliveries would go out twice.
STUCK_SECONDS = 10
# The claim's lease, scaled down from 30 s: a killed worker's rows are free again within it
# (production's would leave the test waiting half a minute). A live sender renews it every
# sixth, so a loaded machine has seconds to spare before a live claim could run out.
LEASE_SECONDS = 5
BEAT = """
import sys
from runsite.celery import app

app.conf.beat_schedule = {
    "newsletter-resume-stalled": {"task": "newsletter.tasks.resume_stalled_sends", "schedule": 1.0}
}
app.start(sys.argv[1:])
"""


@pytest.fixture
def editor(editors_group, editor, settings):
    """The root conftest's editor, with a password the nodes can check: production's hashers,
    not the tests' fast MD5, which production does not accept."""
    settings.PASSWORD_HASHERS = global_settings.PASSWORD_HASHERS
    editor.set_password(PASSWORD)
    editor.save()
    return editor


# --- A browser, as far as these tests need one ------------------------------------------------


# The site's own origin (production_env's SITE_URL): a balancer passes it on to every node.
SITE_HOST = "127.0.0.1"
SITE = f"http://{SITE_HOST}"


class Person:
    """Someone with a browser's cookie jar, whose requests may reach any node (as behind a load
    balancer, with the site's Host and Origin); every request is a connection of its own,
    straight to that node."""

    def __init__(self):
        self.cookies: dict[str, str] = {}

    def get(self, node, path: str) -> Reply:
        return self._keep(
            Proxy(node.port).get(path, cookies=self.cookies, headers={"Host": SITE_HOST})
        )

    def submit(self, node, path: str, form_id: str, **changes) -> Reply:
        """Open `path`, fill in the form `form_id` with `changes` (a list for a multiple
        choice) and send it from that page."""
        page = self.get(node, path)
        assert page.status == 200, page.text[:1000]
        parser = FormFields(form_id=form_id)
        parser.feed(page.text)
        assert parser.fields, f"no form {form_id} on {path}"
        fields = [(name, value) for name, value in parser.fields if name not in changes]
        for name, value in changes.items():
            values = value if isinstance(value, list) else [value]
            fields.extend((name, str(item)) for item in values)
        return self._keep(
            Proxy(node.port).post_from_page(
                path,
                fields,
                page=path,
                origin=SITE,
                cookies=self.cookies,
                headers={"Host": SITE_HOST},
            )
        )

    def _keep(self, reply: Reply) -> Reply:
        self.cookies.update(reply.set_cookies)
        self.cookies = {name: value for name, value in self.cookies.items() if value}
        return reply


def anonymous(node, path: str) -> Reply:
    """A reader who is not signed in: no cookies at all."""
    return Proxy(node.port).get(path)


def warm(node, path: str) -> Reply:
    first = anonymous(node, path)
    second = anonymous(node, path)
    assert first.status == 200, first.text[:1000]
    assert second.headers["X-Page-Cache"] == "hit", (node.name, path)
    return second


def page_cache(reply: Reply) -> str | None:
    return reply.headers.get("X-Page-Cache")


def saved(reply: Reply) -> bool:
    """The admin redirects after a save; a 200 is the form again, with its errors."""
    errors = re.findall(r'class="errorlist[^"]*"[^>]*>(.*?)</ul>', reply.text, re.S)
    assert reply.status == 302, errors or reply.text[:2000]
    return True


# --- Cache coherence --------------------------------------------------------------------------


def test_what_an_editor_saves_through_one_node_is_served_by_the_other_on_the_next_request(
    start_nodes, editor
):
    theme = ThemeFactory(title="Run toward calm")
    section = SectionFactory(theme=theme, title="Sleep, focus and daily energy")
    topic = TopicFactory(name="Sleep")
    ArticleFactory(theme=theme, section=section, title="Wind down with a walk")
    author = AuthorFactory(name="Eddie Stone", user=editor)
    node_a, node_b = start_nodes("a", "b")
    article_path = f"/articles/{SLUG}/"
    listings = ["/", theme.get_absolute_url(), topic.get_absolute_url()]

    # Readers have filled node B's caches (shared in Redis, and each process's own copy).
    stale = {path: warm(node_b, path) for path in listings}
    assert all(TITLE not in reply.text for reply in stale.values())
    assert anonymous(node_b, article_path).status == 404

    # The editor signs in through node A and publishes a new piece there.
    eddie = Person()
    signed_in = eddie.submit(
        node_a, "/admin/login/?next=/admin/", "login-form", username="eddie", password=PASSWORD
    )
    assert signed_in.status == 302, signed_in.text[:2000]
    assert eddie.cookies.get("sessionid")
    publish_at = timezone.localtime() - timedelta(minutes=1)
    published = eddie.submit(
        node_a, f"{ARTICLES}add/", "article_form",
        title=TITLE, slug=SLUG, kind=Article.Kind.FEATURE, author=author.pk,
        summary="A gentle run three hours before bed helps sleep come.",
        body="## Why it works\n\nEasy effort warms the body; as it cools, sleep comes sooner.",
        theme=theme.pk, section=section.pk, topics=[topic.pk],
        status=Article.Status.PUBLISHED,
        publish_at_0=f"{publish_at:%Y-%m-%d}", publish_at_1=f"{publish_at:%H:%M:%S}",
    )  # fmt: skip
    assert saved(published)

    # The very next requests, through node B: rendered afresh, never the copies kept above.
    for path in listings:
        fresh = anonymous(node_b, path)
        assert fresh.status == 200
        assert page_cache(fresh) == "miss", path
        assert TITLE in fresh.text, path
        again = anonymous(node_b, path)
        assert page_cache(again) == "hit", path
        assert again.body == fresh.body  # the new copy, kept for the next readers
    piece = anonymous(node_b, article_path)
    assert piece.status == 200
    assert TITLE in piece.text

    # And the other way round: node A's readers see what the editor does through node B (the
    # session made on node A holds there: sessions live in the shared database).
    article = Article.objects.get(slug=SLUG)
    for path in [article_path, "/"]:
        warm(node_a, path)
    edited = eddie.submit(
        node_b, f"{ARTICLES}{article.pk}/change/", "article_form", title=NEW_TITLE
    )
    assert saved(edited)

    for path in [article_path, "/"]:
        fresh = anonymous(node_a, path)
        assert page_cache(fresh) == "miss", path
        assert NEW_TITLE in fresh.text, path
        assert TITLE not in fresh.text, path

    unpublished = eddie.submit(
        node_b, ARTICLES, "changelist-form", action="unpublish", _selected_action=article.pk,
        index="0",
    )  # fmt: skip
    assert saved(unpublished)

    home = anonymous(node_a, "/")
    assert page_cache(home) == "miss"
    assert NEW_TITLE not in home.text
    assert "Wind down with a walk" in home.text
    assert anonymous(node_a, article_path).status == 404
    for node in (node_a, node_b):
        assert node.popen.poll() is None, f"{node.name} died"


# --- A send with one of two workers killed ----------------------------------------------------


def start_mail_worker(start_process, name: str, email_url: str):
    """A `celery worker` named like production's (nl-a@host), on both queues, one process:
    the solo pool, so SIGKILL takes the whole worker down at once, as a lost machine would."""
    return start_process(
        name,
        [
            sys.executable, "-m", "celery", "-A", "runsite", "worker", "--pool=solo",
            "--queues=celery,emails", f"--hostname={name}@%h",
            "--without-gossip", "--without-mingle", "--loglevel=INFO",
        ],
        EMAIL_URL=email_url,
        SITE_URL="https://runtowardbalance.example",
        NEWSLETTER_STUCK_SECONDS=str(STUCK_SECONDS),
        NEWSLETTER_LEASE_SECONDS=str(LEASE_SECONDS),
    )  # fmt: skip


def in_a_batch(worker) -> bool:
    """Whether the worker's log shows a send_batch task received and not yet finished."""
    output = worker.output()
    received = set(re.findall(r"send_batch\[([\w-]+)\] received", output))
    finished = set(re.findall(r"send_batch\[([\w-]+)\] (?:succeeded|raised|failed)", output))
    return bool(received - finished)


def test_a_send_goes_on_when_one_of_two_workers_is_killed_and_nobody_gets_it_twice(
    start_process, smtp_sink, tmp_path
):
    sink = smtp_sink()
    addresses = confirmed_subscribers(5000)
    issue = make_issue()
    worker_a = start_mail_worker(start_process, "nl-a", sink.url)
    worker_b = start_mail_worker(start_process, "nl-b", sink.url)
    beat = start_process(
        "beat",
        [
            sys.executable, "-c", BEAT, "beat", f"--schedule={tmp_path / 'beat-schedule'}",
            "--max-interval=1", "--loglevel=INFO",
        ],
        NEWSLETTER_LEASE_SECONDS=str(LEASE_SECONDS),
    )  # fmt: skip
    wait_for(
        lambda: all(" ready." in worker.output() for worker in (worker_a, worker_b)),
        timeout=45,
        what="both workers to be ready",
    )
    started = time.monotonic()

    sending.request_send(issue=issue)
    wait_for(
        lambda: (
            Delivery.objects.filter(issue=issue, status=Delivery.Status.SENT).count() >= 1000
            and in_a_batch(worker_a)
        ),
        timeout=60,
        what="a fifth of the send, with worker A in a batch",
    )
    worker_a.popen.send_signal(signal.SIGKILL)
    worker_a.popen.wait()
    delivered_before_kill = sink.count
    # Both workers' batches: node B's go on, node A's wait for beat to requeue them.
    in_flight = set(
        Delivery.objects.filter(issue=issue, status=Delivery.Status.SENDING).values_list(
            "pk", flat=True
        )
    )
    batches_by_a = len(re.findall(r"send_batch\[[\w-]+\] succeeded", worker_a.output()))
    assert 1000 <= delivered_before_kill < 5000

    wait_for(lambda: status_of(issue) == Issue.Status.SENT, timeout=90, what="worker B to finish")
    elapsed = time.monotonic() - started

    received = sink.recipients()
    twice = {address for address, count in received.items() if count > 1}
    duplicates = sum(received[address] - 1 for address in twice)
    # Claimed twice: the killed worker's batch, put back in the queue by beat.
    requeued = Delivery.objects.filter(issue=issue, attempts__gte=2)
    requeued_addresses = set(requeued.values_list("subscriber__email", flat=True))
    print(  # noqa: T201
        f"\nmultinode send: worker A finished {batches_by_a} batches and was killed with "
        f"{delivered_before_kill} delivered; {len(in_flight)} deliveries in flight (both "
        f"workers), {len(requeued_addresses)} of them worker A's, requeued by beat; "
        f"{duplicates} sent twice; {elapsed:.1f} s from the request to the last message"
    )
    assert set(received) == set(addresses), "every confirmed subscriber gets the issue"
    assert twice <= requeued_addresses, "only the killed worker's batch may go out twice"
    assert set(requeued.values_list("pk", flat=True)) <= in_flight
    assert sending.progress(issue) == {
        "queued": 0, "sending": 0, "sent": 5000, "failed": 0, "skipped": 0,
    }  # fmt: skip

    assert worker_b.popen.poll() is None, "worker B died"
    assert beat.popen.poll() is None, "beat died"
    replies = celery_app.control.ping(destination=[f"nl-b@{socket.gethostname()}"], timeout=5)
    assert replies == [{f"nl-b@{socket.gethostname()}": {"ok": "pong"}}]
