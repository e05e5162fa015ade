"""DKIM on mail the site sends over SMTP itself: signed when configured, verifiable by a receiver
that looks the public key up in DNS, and broken by any change to what it covers."""

import base64
import os
import re
import subprocess
import sys

import dkim
import pytest
from cryptography.hazmat.primitives import serialization
from cryptography.hazmat.primitives.asymmetric import rsa
from django.core import mail
from django.core.mail.message import sanitize_address

from common.mail import one_click_headers
from common.mail_backends import envelope_address
from tests.conftest import ROOT
from tests.integration.smtp_sink import SmtpSink
from tests.runsite.manage import PRODUCTION_ENV

SELECTOR = "rtb2026"
DOMAIN = "runtowardbalance.example"


@pytest.fixture(scope="module")
def key_pair():
    """(private PEM text, the DNS TXT record's value) for a fresh 2048-bit RSA key."""
    key = rsa.generate_private_key(public_exponent=65537, key_size=2048)
    private_pem = key.private_bytes(
        serialization.Encoding.PEM,
        serialization.PrivateFormat.PKCS8,
        serialization.NoEncryption(),
    ).decode()
    public_der = key.public_key().public_bytes(
        serialization.Encoding.DER, serialization.PublicFormat.SubjectPublicKeyInfo
    )
    return private_pem, b"v=DKIM1; k=rsa; p=" + base64.b64encode(public_der)


@pytest.fixture
def sink(settings):
    with SmtpSink() as running:
        settings.EMAIL_BACKEND = "common.mail_backends.SigningEmailBackend"
        settings.EMAIL_HOST, settings.EMAIL_PORT = "127.0.0.1", running.port
        settings.EMAIL_USE_TLS = settings.EMAIL_USE_SSL = False
        settings.EMAIL_HOST_USER = settings.EMAIL_HOST_PASSWORD = ""
        yield running


@pytest.fixture
def dkim_settings(settings, key_pair):
    settings.DKIM_DOMAIN, settings.DKIM_SELECTOR = DOMAIN, SELECTOR
    settings.DKIM_PRIVATE_KEY = key_pair[0]
    return settings


def dns(record: bytes):
    def lookup(name, timeout=5):
        return record if name == f"{SELECTOR}._domainkey.{DOMAIN}.".encode() else None

    return lookup


def send_reminder_like_message():
    message = mail.EmailMultiAlternatives(
        subject="How did March go? Your monthly goal check-in",
        body="Hello Mira,\n\nA line or two is plenty.\n",
        from_email=f"Run Toward Balance <hello@{DOMAIN}>",
        to=["mira@example.com"],
        headers=one_click_headers(
            kind="goal-reminders", token="abc", url=f"https://{DOMAIN}/stop/abc/"
        ),
    )
    message.attach_alternative("<p>Hello Mira,</p><p>A line or two is plenty.</p>", "text/html")
    message.send()


def test_mail_sent_over_smtp_is_signed_and_verifies_against_the_published_key(
    sink, dkim_settings, key_pair
):
    send_reminder_like_message()

    [received] = sink.messages
    signature = received.message["DKIM-Signature"]
    assert dkim.verify(received.data, dnsfunc=dns(key_pair[1]))
    signed = set(re.search(r"\bh=([^;]+)", signature)[1].replace(" ", "").lower().split(":"))
    assert {"from", "subject", "list-unsubscribe", "list-unsubscribe-post"} <= signed
    assert "c=relaxed/relaxed" in signature.replace(" ", "")


def test_a_changed_subject_or_unsubscribe_header_no_longer_verifies(sink, dkim_settings, key_pair):
    send_reminder_like_message()

    data = sink.messages[0].data
    for original, forged in (
        (b"Subject: How did March go?", b"Subject: You won a prize!"),
        (b"List-Unsubscribe: <https://", b"List-Unsubscribe: <http://"),
    ):
        assert original in data
        assert not dkim.verify(data.replace(original, forged, 1), dnsfunc=dns(key_pair[1]))


def test_the_newsletter_senders_batched_connection_signs_every_message(
    sink, dkim_settings, key_pair
):
    with mail.get_connection() as connection:
        messages = [
            mail.EmailMessage("Issue 12", "Hello", f"hello@{DOMAIN}", [f"r{n}@example.com"])
            for n in range(3)
        ]
        assert connection.send_messages(messages) == 3

    assert len(sink.messages) == 3
    assert all(dkim.verify(r.data, dnsfunc=dns(key_pair[1])) for r in sink.messages)


def test_the_key_may_be_a_file_path_or_a_one_line_pem(sink, dkim_settings, key_pair, tmp_path):
    key_file = tmp_path / "dkim.pem"
    key_file.write_text(key_pair[0])
    for value in (str(key_file), key_pair[0].replace("\n", "\\n")):
        dkim_settings.DKIM_PRIVATE_KEY = value
        sink.messages.clear()
        send_reminder_like_message()
        assert dkim.verify(sink.messages[0].data, dnsfunc=dns(key_pair[1]))


def test_without_the_dkim_settings_mail_goes_out_unsigned(sink, settings):
    settings.DKIM_DOMAIN = settings.DKIM_SELECTOR = settings.DKIM_PRIVATE_KEY = ""

    send_reminder_like_message()

    assert sink.messages[0].message["DKIM-Signature"] is None


def _production_settings(**env) -> subprocess.CompletedProcess:
    return subprocess.run(
        [sys.executable, "-c", "from django.conf import settings; print(settings.EMAIL_BACKEND)"],
        cwd=ROOT,
        env={**{k: v for k, v in os.environ.items() if k != "DEBUG"}, **PRODUCTION_ENV, **env},
        capture_output=True,
        text=True,
        timeout=60,
    )


def test_an_smtp_email_url_sends_through_the_signing_backend_in_production():
    result = _production_settings(EMAIL_URL="smtp+tls://user:pw@smtp.example.com:587")

    assert result.stdout.strip() == "common.mail_backends.SigningEmailBackend", result.stderr


def test_half_a_dkim_setup_refuses_to_start():
    result = _production_settings(DKIM_DOMAIN=DOMAIN, DKIM_SELECTOR=SELECTOR)

    assert result.returncode != 0
    assert "DKIM_DOMAIN, DKIM_SELECTOR and DKIM_PRIVATE_KEY" in result.stderr


ADDRESSES = [
    "runner0000001@example.com",
    "mira.o'neil+runs@example.co.uk",
    "Run Toward Balance <hello@runtowardbalance.example>",
    "Zoë Läufer <zoe@example.com>",
    "zoë@example.com",
    "runner@läufer.example",
    '"odd address"@example.com',
    ".leading.dot@example.com",
    "two..dots@example.com",
    "local@localhost",
    # What a hostile sign-up might try to smuggle into the envelope or the headers.
    "mira@example.com\nBcc: all@example.com",
    "mira@example.com\r\n",
    "mira@example.com>, all@example.com",
    "a@b\x00.com",
]


def outcome(sanitize, address):
    try:
        return sanitize(address, "utf-8")
    except Exception as error:  # the same refusal is what is compared
        return type(error)


@pytest.mark.parametrize("address", ADDRESSES)
def test_envelope_addresses_are_what_djangos_sanitize_address_makes(address):
    """The shortcut for plain addresses changes nothing: the same address, or the same refusal."""
    assert outcome(envelope_address, address) == outcome(sanitize_address, address)


def test_recipients_with_a_display_name_or_an_international_domain_are_delivered(sink):
    message = mail.EmailMessage(
        "Hello",
        "Body",
        "Run Toward Balance <hello@runtowardbalance.example>",
        ["Zoë Läufer <zoe@example.com>", "runner@läufer.example"],
    )
    message.send()
    (received,) = sink.messages
    assert received.mail_from == "hello@runtowardbalance.example"
    assert received.rcpt_tos == ["zoe@example.com", "runner@xn--lufer-gra.example"]
