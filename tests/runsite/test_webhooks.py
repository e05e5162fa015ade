"""What runsite/webhooks.py adds to anymail's webhook views: Amazon SNS signatures, checked
with a certificate from Amazon's own host, and Mailgun's timestamps."""

import json
import time
from datetime import UTC, datetime, timedelta

import pytest
import requests
from cryptography import x509
from cryptography.hazmat.primitives import hashes, serialization
from cryptography.hazmat.primitives.asymmetric import rsa
from cryptography.x509.oid import NameOID
from django.conf import settings
from django.test import Client
from django.urls import reverse

from newsletter.models import MailProvider, ProviderEvent
from runsite import webhooks
from tests.newsletter import providers
from tests.newsletter.providers import SES_TOPIC, SNS_CERT_URL, sns_envelope


def test_the_settings_providers_are_the_models_and_the_webhooks():
    assert set(settings.EMAIL_PROVIDERS) == set(MailProvider.values) == set(webhooks.VIEWS)
    assert set(settings.EMAIL_PROVIDERS) == set(providers.PROVIDERS)


# --- Amazon SNS signatures ---------------------------------------------------------------------


@pytest.mark.parametrize(
    ("url", "topic", "amazons"),
    [
        (SNS_CERT_URL, SES_TOPIC, True),
        (SNS_CERT_URL.replace("https:", "http:"), SES_TOPIC, False),
        (SNS_CERT_URL, SES_TOPIC.replace("us-east-1", "eu-west-1"), False),
        ("https://sns.us-east-1.amazonaws.com.evil.example/cert.pem", SES_TOPIC, False),
        ("https://sns.us-east-1.amazonaws.com:8443/cert.pem", SES_TOPIC, False),
        ("https://user@sns.us-east-1.amazonaws.com/cert.pem", SES_TOPIC, False),
        ("https://sns.us-east-1.amazonaws.com/cert.pem?x=1", SES_TOPIC, False),
        ("https://sns.us-east-1.amazonaws.com/cert.txt", SES_TOPIC, False),
        # A bucket named "sns.x" lives at sns.x.s3.amazonaws.com: a region has no dots.
        (
            "https://sns.x.s3.amazonaws.com/cert.pem",
            "arn:aws:sns:x.s3:123456789012:topic",
            False,
        ),
        (SNS_CERT_URL, "arn:aws:s3:us-east-1:123456789012:topic", False),
        (SNS_CERT_URL, "not an arn", False),
    ],
)
def test_only_the_topic_regions_sns_host_may_serve_the_certificate(url, topic, amazons):
    assert webhooks.sns_certificate_url_is_amazons(url, topic) is amazons


@pytest.fixture
def sns_certificate(monkeypatch):
    """Our stand-in certificate at SNS_CERT_URL; `fetched` counts the downloads."""
    fetched = []

    def download(url):
        fetched.append(url)
        return providers.sns_certificate_pem()

    monkeypatch.setattr(webhooks, "download_certificate", download)
    webhooks.signing_certificate.cache_clear()
    yield fetched
    webhooks.signing_certificate.cache_clear()


@pytest.mark.parametrize("version", ["1", "2"])
def test_a_message_sns_signed_is_accepted_and_the_certificate_fetched_once(
    sns_certificate, version
):
    for subject in ({}, {"Subject": "Amazon SES Email Event Notification"}):
        webhooks.verify_sns_message(
            sns_envelope('{"notificationType": "Bounce"}', version=version, **subject)
        )

    assert sns_certificate == [SNS_CERT_URL]


def test_subscription_confirmations_are_checked_over_their_own_fields(sns_certificate):
    confirmation = sns_envelope(
        "You have chosen to subscribe to the topic.",
        Type="SubscriptionConfirmation",
        Token="2336412f37fb687f5d51e6e2425dacbba8a0a8e5cea2b2c1",
        SubscribeURL="https://sns.us-east-1.amazonaws.com/?Action=ConfirmSubscription",
    )
    webhooks.verify_sns_message(confirmation)

    with pytest.raises(webhooks.AnymailWebhookValidationFailure):
        webhooks.verify_sns_message({**confirmation, "SubscribeURL": "https://evil.example/"})


def test_a_certificate_url_answering_other_than_200_is_not_a_certificate(monkeypatch):
    class Redirect:
        status_code, content = 301, b""

    monkeypatch.setattr(webhooks.requests, "get", lambda url, **kwargs: Redirect())

    with pytest.raises(requests.HTTPError, match="answered 301"):
        webhooks.download_certificate(SNS_CERT_URL)


@pytest.mark.parametrize(
    "change",
    [
        {"Message": '{"notificationType": "Complaint"}'},
        {"TopicArn": SES_TOPIC.replace("rtb-ses-events", "someone-elses")},
        {"Timestamp": "2030-01-01T00:00:00.000Z"},
        {"SignatureVersion": "3"},
        {"Signature": "not base64!"},
        {"Type": "Surprise"},
    ],
)
def test_a_changed_or_strange_sns_message_is_refused(sns_certificate, change):
    envelope = {**sns_envelope('{"notificationType": "Bounce"}'), **change}

    with pytest.raises(webhooks.AnymailWebhookValidationFailure):
        webhooks.verify_sns_message(envelope)


def test_a_message_signed_with_another_key_is_refused(sns_certificate):
    other = rsa.generate_private_key(public_exponent=65537, key_size=2048)

    with pytest.raises(webhooks.AnymailWebhookValidationFailure, match="does not match"):
        webhooks.verify_sns_message(sns_envelope("{}", key=other))


def test_an_expired_certificate_is_refused(monkeypatch):
    key = providers.sns_key()
    name = x509.Name([x509.NameAttribute(NameOID.COMMON_NAME, "sns.amazonaws.com")])
    long_ago = datetime.now(UTC) - timedelta(days=400)
    expired = (
        x509.CertificateBuilder()
        .subject_name(name)
        .issuer_name(name)
        .public_key(key.public_key())
        .serial_number(1)
        .not_valid_before(long_ago)
        .not_valid_after(long_ago + timedelta(days=30))
        .sign(key, hashes.SHA256())
        .public_bytes(serialization.Encoding.PEM)
    )
    monkeypatch.setattr(webhooks, "download_certificate", lambda url: expired)
    webhooks.signing_certificate.cache_clear()

    with pytest.raises(webhooks.AnymailWebhookValidationFailure, match="not valid now"):
        webhooks.verify_sns_message(sns_envelope("{}"))
    webhooks.signing_certificate.cache_clear()


@pytest.mark.django_db
def test_a_certificate_that_cannot_be_fetched_is_answered_500_so_sns_retries(use_provider):
    use_provider("amazon_ses")

    def unreachable(url):
        raise requests.ConnectionError("sns.us-east-1.amazonaws.com is unreachable")

    webhooks.download_certificate = unreachable  # use_provider reloads the module afterwards
    hook = providers.webhook("amazon_ses", "hard_bounce", "gone@example.com")

    response = hook.post(Client(raise_request_exception=False))

    assert response.status_code == 500
    assert not ProviderEvent.objects.exists()


# --- Mailgun's timestamps ----------------------------------------------------------------------


def _mailgun_post(client, *, age: float):
    payload = json.loads(providers.webhook("mailgun", "delivered", "ana@example.com").body)
    timestamp = str(int(time.time() - age))
    payload["signature"]["timestamp"] = timestamp
    payload["signature"]["signature"] = providers.mailgun_signature(
        timestamp, payload["signature"]["token"]
    )
    return client.post(reverse("webhooks:tracking"), payload, content_type="application/json")


@pytest.mark.django_db
@pytest.mark.parametrize(
    ("age", "status"),
    [
        (0, 200),
        (8 * 3600, 200),  # a retry Mailgun sends hours later, with its first signature
        (webhooks.MAILGUN_MAX_AGE_SECONDS + 60, 400),
        (-webhooks.CLOCK_SKEW_SECONDS - 60, 400),
    ],
)
def test_a_mailgun_signature_counts_only_while_mailgun_may_still_retry(
    client, use_provider, age, status
):
    use_provider("mailgun")

    assert _mailgun_post(client, age=age).status_code == status
    assert ProviderEvent.objects.exists() is (status == 200)
