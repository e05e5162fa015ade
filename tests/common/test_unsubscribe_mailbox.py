"""The unsubscribe mailbox without a mail server: how a subject is read, how the IMAP URL is
read, the provider's inbound webhook (anymail's `inbound` signal) and the settings that say
whether a mailbox is read at all. tests/integration/test_unsubscribe_mailbox.py reads a real
IMAP mailbox."""

import base64
import runpy
from email import quoprimime

import pytest
from anymail.inbound import AnymailInboundMessage
from anymail.signals import AnymailInboundEvent, EventType, inbound
from django.core import signing
from django.core.exceptions import ImproperlyConfigured
from django.utils import timezone

from common import mail, tasks
from common.unsubscribe_mailbox import (
    SUBJECT_CHARS,
    Outcome,
    act_on_subject,
    decode_subject,
    parse_imap_url,
)
from community.models import Profile
from community.services.profiles import mail_off_token
from newsletter.models import Subscriber
from newsletter.services.subscriptions import MANAGE_SALT, manage_token
from tests.conftest import ROOT

BASE_SETTINGS = ROOT / "runsite" / "settings" / "base.py"
TOKEN = "MQ:1tAbCd:Zx_y-9"


def b_encoded(text: str) -> str:
    return f"=?utf-8?b?{base64.b64encode(text.encode()).decode()}?="


def q_encoded(text: str) -> str:
    return quoprimime.header_encode(text.encode(), charset="utf-8")


# --- Reading a subject ---------------------------------------------------------------------------


@pytest.mark.parametrize(
    "raw",
    [
        f"unsubscribe newsletter {TOKEN}",
        f"Re: unsubscribe newsletter {TOKEN}",
        b_encoded(f"unsubscribe newsletter {TOKEN}"),
        # Q-encoding writes spaces as "_", so the token's own "_" must come back as "_".
        f"Re: {q_encoded(f'unsubscribe newsletter {TOKEN}')}",
        f"unsubscribe\r\n newsletter\r\n\t{TOKEN}",
    ],
)
def test_a_subject_is_decoded_however_a_mail_app_wrote_it(raw):
    assert decode_subject(raw).endswith(f"unsubscribe newsletter {TOKEN}")


@pytest.mark.parametrize(
    "raw",
    [
        "=?utf-8?b?bm90IGJhc2U2NA?=",  # broken base64
        "=?x-no-such-charset?q?unsubscribe?=",
        "=?utf-8?q?=FF=FE?=",  # not UTF-8
        "\udcff\x00 unsubscribe",
    ],
)
def test_a_broken_subject_never_raises(raw):
    assert isinstance(decode_subject(raw), str)


def test_a_huge_subject_is_cut_before_it_is_decoded():
    subject = decode_subject("unsubscribe newsletter " + b_encoded("x" * 5_000_000))

    assert len(subject) <= SUBJECT_CHARS


def test_a_subject_stops_only_with_a_token_its_kind_accepts(monkeypatch):
    monkeypatch.setitem(mail._stoppers, "probe", lambda token: token == "good")

    assert act_on_subject("unsubscribe probe good") == Outcome.STOPPED
    assert act_on_subject("unsubscribe probe forged") == Outcome.REFUSED
    assert act_on_subject("unsubscribe no-such-kind good") == Outcome.REFUSED
    assert act_on_subject("Please tell me more about the 5K plan") == Outcome.IGNORED
    assert act_on_subject("") == Outcome.IGNORED


# --- The IMAP URL --------------------------------------------------------------------------------


def test_an_imap_url_gives_host_port_login_and_mailbox():
    account = parse_imap_url(
        "imaps://list%40example.org:p%2Fss%3Aword@imap.example.org/Unsubscribes"
    )

    assert (account.scheme, account.host, account.port) == ("imaps", "imap.example.org", 993)
    assert (account.user, account.password) == ("list@example.org", "p/ss:word")
    assert account.mailbox == "Unsubscribes"
    assert "p/ss:word" not in repr(account)
    assert parse_imap_url("imap://u:p@imap.example.org").port == 143
    assert parse_imap_url("imap://u:p@imap.example.org:1143/").mailbox == "INBOX"


@pytest.mark.parametrize(
    ("url", "message"),
    [
        ("pop3://u:p@mail.example.org/", "scheme"),
        ("imaps://imap.example.org/INBOX", "user, a password and a host"),
        ("imaps://u@imap.example.org/INBOX", "user, a password and a host"),
        ("imap+plain://u:p@imap.example.org/INBOX", "loopback"),
        ("imap+plain://u:p@10.0.0.5/INBOX", "loopback"),
    ],
)
def test_an_unusable_imap_url_is_refused(url, message):
    with pytest.raises(ValueError, match=message):
        parse_imap_url(url)


@pytest.mark.parametrize("host", ["127.0.0.1", "127.0.0.53", "[::1]", "localhost"])
def test_plain_imap_is_allowed_to_loopback_addresses(host):
    assert parse_imap_url(f"imap+plain://u:p@{host}:1143/INBOX").scheme == "imap+plain"


def test_the_task_does_nothing_without_an_imap_url(settings, monkeypatch):
    settings.NEWSLETTER_UNSUBSCRIBE_IMAP_URL = ""
    monkeypatch.setattr(tasks.unsubscribe_mailbox, "read_mailbox", pytest.fail)

    assert tasks.read_unsubscribe_mailbox() is None


# --- The provider's inbound webhook --------------------------------------------------------------


def inbound_mail(subject: str) -> AnymailInboundEvent:
    """What anymail's inbound webhook view sends for one received message."""
    raw = (
        "From: Ana <ana@example.com>\r\nTo: unsubscribe@testserver\r\n"
        f"Subject: {subject}\r\nContent-Type: text/plain\r\n\r\nPlease take me off.\r\n"
    )
    message = AnymailInboundMessage.parse_raw_mime(raw)
    return AnymailInboundEvent(event_type=EventType.INBOUND, message=message)


def deliver(event: AnymailInboundEvent) -> None:
    inbound.send(sender=object, event=event, esp_name="Postmark")


def confirmed(email="ana@example.com") -> Subscriber:
    return Subscriber.objects.create(
        email=email, status=Subscriber.Status.CONFIRMED, confirmed_at=timezone.now()
    )


@pytest.mark.django_db
@pytest.mark.parametrize(
    "written",
    [
        lambda subject: subject,
        lambda subject: f"Re: {subject}",
        lambda subject: f"Re: {b_encoded(subject)}",
    ],
)
def test_an_unsubscribe_from_the_inbound_webhook_unsubscribes(written):
    subscriber = confirmed()

    deliver(inbound_mail(written(mail.unsubscribe_subject("newsletter", manage_token(subscriber)))))

    subscriber.refresh_from_db()
    assert subscriber.status == Subscriber.Status.UNSUBSCRIBED


@pytest.mark.django_db
def test_a_reply_notice_unsubscribe_from_the_inbound_webhook_turns_reply_notices_off(member):
    Profile.objects.create(user=member, display_name="Mira", goal_reminders=True)

    deliver(inbound_mail(f"unsubscribe replies {mail_off_token(member, kind='replies')}"))

    profile = Profile.objects.get(user=member)
    assert not profile.notify_replies
    assert profile.goal_reminders


@pytest.mark.django_db
def test_a_forged_token_from_the_inbound_webhook_changes_nothing():
    subscriber = confirmed()
    forged = signing.dumps(subscriber.pk, salt=MANAGE_SALT, key="not-the-site's")

    deliver(inbound_mail(f"unsubscribe newsletter {forged}"))
    deliver(inbound_mail(f"unsubscribe {signing.dumps(subscriber.pk)}"))

    subscriber.refresh_from_db()
    assert subscriber.status == Subscriber.Status.CONFIRMED


@pytest.mark.django_db
def test_the_inbound_webhook_is_ignored_unless_it_reads_the_mailbox(settings):
    settings.NEWSLETTER_UNSUBSCRIBE_INBOUND = False
    subscriber = confirmed()

    deliver(inbound_mail(f"unsubscribe newsletter {manage_token(subscriber)}"))
    # An "inbound failed" notice carries no message.
    deliver(AnymailInboundEvent(event_type=EventType.INBOUND_FAILED))

    subscriber.refresh_from_db()
    assert subscriber.status == Subscriber.Status.CONFIRMED


@pytest.mark.django_db
def test_a_huge_subject_from_the_inbound_webhook_is_cut_before_it_is_read(monkeypatch):
    seen = []
    monkeypatch.setitem(mail._stoppers, "probe", lambda token: seen.append(token) and False)

    deliver(inbound_mail("unsubscribe probe " + "x" * 1_000_000))

    assert len(seen) == 1
    assert len(seen[0]) <= SUBJECT_CHARS


# --- Settings: whether a mailbox is read, and the poll -------------------------------------------


@pytest.fixture
def read_settings(monkeypatch):
    """Read base.py afresh with these environment variables (and no other unsubscribe ones)."""
    monkeypatch.setenv("SECRET_KEY", "tests-only-secret-key")

    def read(**environment) -> dict:
        for name in (
            "NEWSLETTER_UNSUBSCRIBE_MAILBOX",
            "NEWSLETTER_UNSUBSCRIBE_IMAP_URL",
            "NEWSLETTER_UNSUBSCRIBE_INBOUND",
        ):
            monkeypatch.delenv(name, raising=False)
        for name, value in environment.items():
            monkeypatch.setenv(name, value)
        return runpy.run_path(str(BASE_SETTINGS))

    return read


MAILBOX = {"NEWSLETTER_UNSUBSCRIBE_MAILBOX": "unsubscribe@runtowardbalance.example"}
IMAP = {"NEWSLETTER_UNSUBSCRIBE_IMAP_URL": "imaps://u:p@imap.example.org/INBOX"}
INBOUND = {"NEWSLETTER_UNSUBSCRIBE_INBOUND": "true"}


@pytest.mark.parametrize(
    ("environment", "is_read"),
    [
        ({}, False),
        (MAILBOX, False),  # an address nothing reads is never advertised
        (IMAP, False),
        ({**IMAP, **INBOUND}, False),
        ({**MAILBOX, **IMAP}, True),
        ({**MAILBOX, **INBOUND}, True),
    ],
)
def test_mailto_is_advertised_only_for_a_mailbox_that_something_reads(
    read_settings, environment, is_read
):
    assert read_settings(**environment)["UNSUBSCRIBE_MAILBOX_READ"] is is_read


def test_beat_polls_the_imap_mailbox_every_five_minutes_only_when_one_is_named(read_settings):
    assert "unsubscribe-mailbox" not in read_settings(**MAILBOX)["CELERY_BEAT_SCHEDULE"]

    entry = read_settings(**MAILBOX, **IMAP)["CELERY_BEAT_SCHEDULE"]["unsubscribe-mailbox"]

    assert entry["task"] == tasks.read_unsubscribe_mailbox.name
    assert entry["schedule"] == 300.0


def test_an_unusable_imap_url_refuses_to_start(read_settings):
    with pytest.raises(ImproperlyConfigured, match="loopback"):
        read_settings(NEWSLETTER_UNSUBSCRIBE_IMAP_URL="imap+plain://u:secret@imap.example.org/")
