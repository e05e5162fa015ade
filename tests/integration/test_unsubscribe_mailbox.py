"""Unsubscribe by mail, over IMAP: a private Debian dovecot on loopback holds the mailbox, the
tests append what mail apps send, and `common.tasks.read_unsubscribe_mailbox` (beat's task,
called here in the test's process) reads it as production does."""

import base64
import imaplib
import logging
import threading
import time
import uuid
from email import quoprimime
from urllib.parse import unquote

import pytest
from django.core import signing
from django.core.cache import cache
from django.utils import timezone

from common import mail, tasks, unsubscribe_mailbox
from community.models import Profile
from community.services.profiles import mail_off_link
from conftest import require
from newsletter.models import Issue, Subscriber
from newsletter.services.emails import render_issue, series_message
from newsletter.services.series import STEPS
from newsletter.services.subscriptions import MANAGE_SALT, manage_token

from .imap_server import Dovecot, installed
from .smtp_sink import HOST, free_port

pytestmark = [pytest.mark.integration, pytest.mark.django_db]

LOGGER = "common.unsubscribe_mailbox"


def _dovecot(tls: bool):
    require(installed(), "Debian's dovecot-imapd is not installed (apt-get install dovecot-imapd)")
    server = Dovecot(tls=tls)
    try:
        yield server.start()
    finally:
        server.stop()  # and prints its log, which pytest shows when a test fails
        server.remove()


@pytest.fixture(scope="module")
def dovecot():
    yield from _dovecot(tls=False)


@pytest.fixture(scope="module")
def dovecot_tls():
    yield from _dovecot(tls=True)


@pytest.fixture
def mailbox(dovecot, settings):
    """A fresh mailbox on the server, named by NEWSLETTER_UNSUBSCRIBE_IMAP_URL."""
    box = dovecot.add_user(f"reader-{uuid.uuid4().hex[:8]}")
    settings.NEWSLETTER_UNSUBSCRIBE_IMAP_URL = box.url()
    return box


class Probe:
    """A kind of mail whose handler records what it is asked to stop (tokens starting "good"
    are valid), so a test sees every call the reader makes; `delay` slows each call."""

    def __init__(self):
        self.calls: list[str] = []
        self.delay = 0.0
        self._lock = threading.Lock()

    def __call__(self, token: str) -> bool:
        with self._lock:
            self.calls.append(token)
        time.sleep(self.delay)
        if token == "boom":
            raise RuntimeError("a handler's bug")
        return token.startswith("good")


@pytest.fixture
def probe(monkeypatch):
    probe = Probe()
    monkeypatch.setitem(mail._stoppers, "probe", probe)
    return probe


def message(subject: str, *, body: str = "Sent from my phone.\n") -> bytes:
    """A message as a mail app sends it, the subject already written as that app writes it."""
    return (
        "From: Ana <ana@example.com>\r\n"
        "To: unsubscribe@testserver\r\n"
        f"Subject: {subject}\r\n"
        f"Date: {timezone.now():%a, %d %b %Y %H:%M:%S +0000}\r\n"
        f"Message-ID: <{uuid.uuid4().hex}@example.com>\r\n"
        "Content-Type: text/plain; charset=utf-8\r\n"
        "\r\n"
        f"{body}"
    ).encode()


def confirmed(email="ana@example.com") -> Subscriber:
    return Subscriber.objects.create(
        email=email, status=Subscriber.Status.CONFIRMED, confirmed_at=timezone.now()
    )


def read():
    return tasks.read_unsubscribe_mailbox()


def b_encoded(text: str) -> str:
    return f"=?utf-8?b?{base64.b64encode(text.encode()).decode()}?="


# --- What a mailed unsubscribe does ---------------------------------------------------------------


@pytest.mark.parametrize(
    "written",
    [
        pytest.param(lambda subject: subject, id="as-sent"),
        pytest.param(lambda subject: f"Re: {subject}", id="reply"),
        pytest.param(lambda subject: b_encoded(subject), id="rfc2047-b"),
        pytest.param(
            lambda subject: "Re: " + quoprimime.header_encode(subject.encode(), "utf-8"),
            id="reply-rfc2047-q",
        ),
    ],
)
def test_a_subscriber_who_mails_unsubscribe_newsletter_is_unsubscribed(mailbox, written):
    subscriber = confirmed()
    mailbox.append(message(written(f"unsubscribe newsletter {manage_token(subscriber)}")))

    assert read() == {"stopped": 1}

    subscriber.refresh_from_db()
    assert subscriber.status == Subscriber.Status.UNSUBSCRIBED
    # Acted on, then expunged: the database holds the unsubscribe, the mailbox need not.
    assert mailbox.messages() == []


def test_a_member_who_mails_a_replies_unsubscribe_gets_no_more_reply_notices(mailbox, member):
    Profile.objects.create(user=member, display_name="Mira", goal_reminders=True)
    _, headers = mail_off_link(member, kind="replies")
    mailbox.append(message(mailto_subject(headers)))

    assert read() == {"stopped": 1}

    profile = Profile.objects.get(user=member)
    assert not profile.notify_replies
    assert profile.goal_reminders  # only the kind that was named


def test_a_forged_token_changes_nothing_and_the_message_stays_for_a_person(mailbox, member):
    subscriber = confirmed()
    forged = signing.dumps(subscriber.pk, salt=MANAGE_SALT, key="not-the-site's")
    mailbox.append(message(f"unsubscribe newsletter {forged}"))
    mailbox.append(message(f"unsubscribe replies {signing.dumps(member.pk)}"))

    assert read() == {"refused": 2}

    subscriber.refresh_from_db()
    assert subscriber.status == Subscriber.Status.CONFIRMED
    assert Profile.objects.filter(user=member, notify_replies=False).count() == 0
    assert [flags for _, flags, _ in mailbox.messages()] == [{r"\Seen"}, {r"\Seen"}]


def test_a_message_that_is_no_unsubscribe_is_left_seen_and_its_body_never_fetched(mailbox, dovecot):
    subscriber = confirmed()
    token = manage_token(subscriber)
    mailbox.append(
        message("A question about the 5K plan", body=f"unsubscribe newsletter {token}\n")
    )

    assert read() == {"ignored": 1}

    subscriber.refresh_from_db()
    assert subscriber.status == Subscriber.Status.CONFIRMED
    assert mailbox.messages() == [(1, {r"\Seen"}, "A question about the 5K plan")]
    sessions = dovecot.sessions(mailbox.user)
    assert sessions, "dovecot logged no session of the reader"
    assert all("body_count=0 body_bytes=0" in line for line in sessions)


def test_processed_messages_are_not_processed_again(mailbox, probe):
    for subject in ("unsubscribe probe good-1", "unsubscribe probe forged", "Hello"):
        mailbox.append(message(subject))

    assert read() == {"stopped": 1, "refused": 1, "ignored": 1}
    mailbox.append(message("unsubscribe probe good-2"))
    assert read() == {"stopped": 1}
    assert read() == {}

    assert probe.calls == ["good-1", "forged", "good-2"]
    assert [subject for _, _, subject in mailbox.messages()] == [
        "unsubscribe probe forged",
        "Hello",
    ]


def test_a_message_someone_already_read_is_left_to_them(mailbox, probe):
    mailbox.append(message("unsubscribe probe good"), flags=r"(\Seen)")

    assert read() == {}
    assert probe.calls == []


def test_a_flood_is_read_in_bounded_windows_over_several_runs(mailbox, probe, monkeypatch):
    monkeypatch.setattr(unsubscribe_mailbox, "WINDOW", 2)
    monkeypatch.setattr(unsubscribe_mailbox, "MAX_PER_RUN", 3)
    for number in range(2):
        mailbox.append(message(f"Old {number}"), flags=r"(\Seen)")
    for number in range(5):
        mailbox.append(message(f"unsubscribe probe good-{number}"))

    assert [read(), read(), read()] == [{"stopped": 3}, {"stopped": 2}, {}]
    assert probe.calls == [f"good-{number}" for number in range(5)]
    assert [subject for _, _, subject in mailbox.messages()] == ["Old 0", "Old 1"]


def test_a_huge_subject_is_cut_by_the_server_before_the_site_reads_it(mailbox, probe):
    mailbox.append(message("unsubscribe probe " + "x" * 200_000))

    assert read() == {"refused": 1}
    assert len(probe.calls[0]) <= unsubscribe_mailbox.SUBJECT_CHARS


def test_a_reader_that_dies_before_flagging_only_repeats_a_stop(mailbox, probe, monkeypatch):
    mailbox.append(message("unsubscribe probe good"))
    uid = imaplib.IMAP4.uid

    def connection_lost_at_store(imap, command, *args):
        if command == "STORE":
            raise imaplib.IMAP4.abort("socket error: EOF")
        return uid(imap, command, *args)

    monkeypatch.setattr(imaplib.IMAP4, "uid", connection_lost_at_store)
    assert read() is None
    monkeypatch.setattr(imaplib.IMAP4, "uid", uid)
    assert read() == {"stopped": 1}

    # Acted on twice, which a stop allows (it is idempotent); never lost.
    assert probe.calls == ["good", "good"]
    assert mailbox.messages() == []


def test_a_message_whose_handler_fails_is_tried_again_and_the_others_go_on(mailbox, probe, caplog):
    mailbox.append(message("unsubscribe probe boom"))
    mailbox.append(message("unsubscribe probe good"))

    with caplog.at_level(logging.ERROR, logger=LOGGER):
        assert read() == {"failed": 1, "stopped": 1}

    assert "could not be acted on" in caplog.text
    assert mailbox.messages() == [(1, set(), "unsubscribe probe boom")]
    assert read() == {"failed": 1}


# --- When the mailbox cannot be read -------------------------------------------------------------


def test_a_refused_login_logs_a_warning_and_the_task_returns(mailbox, settings, caplog):
    subscriber = confirmed()
    mailbox.append(message(f"unsubscribe newsletter {manage_token(subscriber)}"))
    settings.NEWSLETTER_UNSUBSCRIBE_IMAP_URL = mailbox.url().replace(mailbox.password, "wrong")

    with caplog.at_level(logging.WARNING, logger=LOGGER):
        assert read() is None

    [record] = [r for r in caplog.records if r.name == LOGGER]
    assert record.levelno == logging.WARNING
    assert "trying again next run" in record.getMessage()
    assert "wrong" not in record.getMessage()
    assert [flags for _, flags, _ in mailbox.messages()] == [set()]
    # The next run, with the login fixed, does what this one could not.
    settings.NEWSLETTER_UNSUBSCRIBE_IMAP_URL = mailbox.url()
    assert read() == {"stopped": 1}


def test_a_server_that_is_not_there_logs_a_warning_and_the_task_returns(settings, caplog):
    settings.NEWSLETTER_UNSUBSCRIBE_IMAP_URL = f"imap+plain://u:p@{HOST}:{free_port()}/INBOX"

    with caplog.at_level(logging.WARNING, logger=LOGGER):
        assert read() is None

    assert "trying again next run" in caplog.text


def test_imap_without_starttls_never_sends_the_password(mailbox, dovecot, settings, caplog):
    settings.NEWSLETTER_UNSUBSCRIBE_IMAP_URL = mailbox.url("imap")

    with caplog.at_level(logging.WARNING, logger=LOGGER):
        assert read() is None

    assert "STARTTLS" in caplog.text
    time.sleep(0.5)  # for dovecot to log the connection's end
    assert f"user=<{mailbox.user}>" not in dovecot.log_text


def test_a_held_lock_means_another_reader_is_at_it(mailbox, probe):
    mailbox.append(message("unsubscribe probe good"))
    cache.add(unsubscribe_mailbox.LOCK_KEY, "another worker", 60)

    assert read() is None
    assert probe.calls == []

    cache.delete(unsubscribe_mailbox.LOCK_KEY)
    assert read() == {"stopped": 1}


def test_two_readers_at_once_act_on_each_message_once(mailbox, probe):
    for number in range(5):
        mailbox.append(message(f"unsubscribe probe good-{number}"))
    probe.delay = 0.05  # the first reader is still at work when the second arrives
    start = threading.Barrier(2)
    results = []

    def reader():
        start.wait()
        results.append(read())

    threads = [threading.Thread(target=reader) for _ in range(2)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=60)

    assert sorted(probe.calls) == [f"good-{number}" for number in range(5)]
    assert sorted(results, key=str) == [None, {"stopped": 5}]
    assert mailbox.messages() == []


# --- TLS: as production connects ----------------------------------------------------------------


@pytest.fixture
def tls_mailbox(dovecot_tls, monkeypatch):
    """A mailbox on the TLS server, whose self-signed certificate this process trusts."""
    monkeypatch.setenv("SSL_CERT_FILE", str(dovecot_tls.certificate))
    return dovecot_tls.add_user(f"reader-{uuid.uuid4().hex[:8]}")


@pytest.mark.parametrize("scheme", ["imaps", "imap"])
def test_the_mailbox_is_read_over_tls_or_starttls(tls_mailbox, probe, settings, scheme):
    settings.NEWSLETTER_UNSUBSCRIBE_IMAP_URL = tls_mailbox.url(scheme)
    tls_mailbox.append(message("unsubscribe probe good"))

    assert read() == {"stopped": 1}


@pytest.mark.parametrize("scheme", ["imaps", "imap"])
def test_a_certificate_nobody_vouches_for_is_refused(
    tls_mailbox, probe, settings, monkeypatch, caplog, scheme
):
    tls_mailbox.append(message("unsubscribe probe good"))
    monkeypatch.delenv("SSL_CERT_FILE")
    settings.NEWSLETTER_UNSUBSCRIBE_IMAP_URL = tls_mailbox.url(scheme)

    with caplog.at_level(logging.WARNING, logger=LOGGER):
        assert read() is None

    assert "CERTIFICATE_VERIFY_FAILED" in caplog.text
    assert probe.calls == []


# --- End to end: the subject the site's own mail advertises -------------------------------------


def mailto_subject(headers: dict[str, str]) -> str:
    """The subject a mail client's unsubscribe button sends: List-Unsubscribe's mailto's."""
    mailto = next(
        target.strip(" <>")
        for target in headers["List-Unsubscribe"].split(",")
        if target.strip(" <").startswith("mailto:")
    )
    address, _, query = mailto.removeprefix("mailto:").partition("?subject=")
    assert address == "unsubscribe@testserver"  # NEWSLETTER_UNSUBSCRIBE_MAILBOX
    return unquote(query)


@pytest.mark.parametrize("kind", ["issue", "series step"])
def test_mailing_the_subject_a_newsletter_advertises_unsubscribes(mailbox, kind):
    subscriber = confirmed()
    if kind == "issue":
        issue = Issue.objects.create(subject="Week 12: easy miles", intro="Go slow.")
        sent = render_issue(issue).message_for(subscriber)
    else:
        sent = series_message(subscriber, STEPS[0])
    mailbox.append(message(mailto_subject(sent.extra_headers)))

    assert read() == {"stopped": 1}

    subscriber.refresh_from_db()
    assert subscriber.status == Subscriber.Status.UNSUBSCRIBED
