"""The selected mail provider's webhooks, mounted under /mail/webhooks/<provider>/ (urls.py).

Only EMAIL_PROVIDER's are mounted; with none there are no webhook URLs. `tracking/` takes the
provider's delivery events (bounces, complaints, unsubscribes…), which anymail turns into its
`tracking` signal (the newsletter app records and acts on them); `inbound/`, mounted while
NEWSLETTER_UNSUBSCRIBE_INBOUND is on, takes mail to the unsubscribe mailbox as the `inbound`
signal. Views are anymail's, which check each provider's signature or the basic-auth
WEBHOOK_SECRET, with what anymail leaves out added here:

- Amazon SES: anymail does not verify the SNS message signature; `verify_sns_message` does,
  with the certificate fetched only from the topic's own `sns.<region>.amazonaws.com`.
- Mailgun signs only a timestamp and a token, not the event: a token is accepted once (the
  newsletter app stores every event under it), and a timestamp older than Mailgun's retries
  go on for is refused, so a signature cannot be replayed once the stored tokens are pruned.
- A body the provider's parser cannot read is answered 400, not 500.

These views are exempt from CSRF by nature (providers post without cookies); the signature or
the secret stands in for the token.
"""

import functools
import json
import re
import time
from base64 import b64decode
from typing import Any, NoReturn
from urllib.parse import urlsplit

import requests
from anymail.exceptions import AnymailWebhookValidationFailure
from anymail.webhooks import amazon_ses, brevo, mailgun, postmark, sendgrid
from anymail.webhooks.base import AnymailBasicAuthMixin
from cryptography import x509
from cryptography.exceptions import InvalidSignature
from cryptography.hazmat.primitives import hashes
from cryptography.hazmat.primitives.asymmetric import padding, rsa
from django.conf import settings
from django.urls import path
from django.utils import timezone

# Mailgun retries a failed post for 8 hours, with the signature it first sent.
MAILGUN_MAX_AGE_SECONDS = 9 * 60 * 60
# How far ahead of our clock a provider's may run.
CLOCK_SKEW_SECONDS = 5 * 60
SNS_CERTIFICATE_MAX_BYTES = 16 * 1024
# A region is letters, digits and dashes only: a dot would let a bucket on
# <name>.s3.amazonaws.com pass for sns.<region>.amazonaws.com.
_AWS_REGION = re.compile(r"^[a-z]{2}(?:-[a-z]+)+-\d{1,2}$")
# The fields SNS signs, in the order it signs them (Subject only when present).
_SNS_SIGNED_FIELDS = {
    "Notification": ("Message", "MessageId", "Subject", "Timestamp", "TopicArn", "Type"),
    "SubscriptionConfirmation": (
        "Message",
        "MessageId",
        "SubscribeURL",
        "Timestamp",
        "Token",
        "TopicArn",
        "Type",
    ),
}
_SNS_SIGNED_FIELDS["UnsubscribeConfirmation"] = _SNS_SIGNED_FIELDS["SubscriptionConfirmation"]


def _refuse(reason: str) -> NoReturn:
    raise AnymailWebhookValidationFailure(reason)


# --- Amazon SNS message signatures -------------------------------------------------------------


def sns_string_to_sign(message: dict) -> bytes:
    fields = _SNS_SIGNED_FIELDS.get(str(message.get("Type", "")))
    if fields is None:
        _refuse("Unknown SNS message type")
    optional = {"Subject"}
    parts = []
    for name in fields:
        if name not in message and name in optional:
            continue
        if not isinstance(message.get(name), str):
            _refuse(f"SNS message without {name}")
        parts.append(f"{name}\n{message[name]}\n")
    return "".join(parts).encode()


def sns_certificate_url_is_amazons(url: str, topic_arn: str) -> bool:
    """https://sns.<the topic's region>.amazonaws.com/….pem, and nothing else."""
    arn = topic_arn.split(":") if isinstance(topic_arn, str) else []
    if len(arn) < 6 or arn[:3] != ["arn", "aws", "sns"] or not _AWS_REGION.match(arn[3]):
        return False
    parts = urlsplit(url) if isinstance(url, str) else None
    return bool(
        parts
        and parts.scheme == "https"
        and parts.hostname == f"sns.{arn[3]}.amazonaws.com"
        and parts.port is None
        and not (parts.username or parts.password or parts.query or parts.fragment)
        and parts.path.endswith(".pem")
    )


def download_certificate(url: str) -> bytes:
    """The PEM at an SNS certificate URL (TLS verified; no redirects followed)."""
    response = requests.get(url, timeout=10, allow_redirects=False)
    if response.status_code != 200:
        raise requests.HTTPError(f"{url} answered {response.status_code}", response=response)
    if len(response.content) > SNS_CERTIFICATE_MAX_BYTES:
        raise ValueError(f"{url} is too large for a certificate")
    return response.content


@functools.lru_cache(maxsize=16)
def signing_certificate(url: str) -> x509.Certificate:
    """SNS signs with few certificates, each at its own URL: one download per process each."""
    return x509.load_pem_x509_certificate(download_certificate(url))


def verify_sns_message(message: dict) -> None:
    """Raise AnymailWebhookValidationFailure unless Amazon SNS signed this message.

    SignatureVersion 1 is SHA1withRSA, 2 SHA256withRSA, over the message's signed fields. A
    certificate that cannot be fetched raises another error (answered 500), so SNS retries."""
    version = message.get("SignatureVersion")
    if version not in ("1", "2"):
        _refuse("SNS message with an unknown SignatureVersion")
    url = message.get("SigningCertURL", "")
    if not sns_certificate_url_is_amazons(url, message.get("TopicArn", "")):
        _refuse("SNS SigningCertURL is not an Amazon SNS certificate of the topic's region")
    try:
        signature = b64decode(message.get("Signature") or "", validate=True)
    except ValueError:
        _refuse("SNS signature is not base64")
    string_to_sign = sns_string_to_sign(message)
    certificate = signing_certificate(url)
    now = timezone.now()
    if not certificate.not_valid_before_utc <= now <= certificate.not_valid_after_utc:
        _refuse("SNS signing certificate is not valid now")
    public_key = certificate.public_key()
    if not isinstance(public_key, rsa.RSAPublicKey):
        _refuse("SNS signing certificate is not RSA")
    # Version 1's SHA-1 is what SNS signs with unless the topic asks for version 2.
    algorithm = hashes.SHA1() if version == "1" else hashes.SHA256()  # noqa: S303
    try:
        public_key.verify(signature, string_to_sign, padding.PKCS1v15(), algorithm)
    except InvalidSignature:
        _refuse("SNS message signature does not match")


class _SNSSigned:
    """The SES views: basic auth, then Amazon's signature, before anymail looks further (and
    before it confirms a subscription)."""

    def validate_request(self, request):
        AnymailBasicAuthMixin.validate_request(self, request)
        try:
            message = json.loads(request.body)
        except (ValueError, UnicodeDecodeError):
            _refuse("Malformed SNS message body")
        if not isinstance(message, dict):
            _refuse("Malformed SNS message body")
        verify_sns_message(message)


# --- Mailgun's timestamp -----------------------------------------------------------------------


class _MailgunFresh:
    def validate_request(self, request):
        if request.content_type == "application/json":
            try:
                timestamp = json.loads(request.body)["signature"]["timestamp"]
            except (ValueError, KeyError, TypeError, UnicodeDecodeError):
                _refuse("Mailgun webhook without a signature block")
        else:
            timestamp = request.POST.get("timestamp")
        try:
            age = time.time() - float(timestamp)
        except (TypeError, ValueError):
            _refuse("Mailgun webhook without a readable timestamp")
        if not -CLOCK_SKEW_SECONDS <= age <= MAILGUN_MAX_AGE_SECONDS:
            _refuse("Mailgun webhook timestamp is too old or in the future")


# --- Bodies the provider's parser cannot read --------------------------------------------------


class _ReadableBody:
    def parse_events(self, request):
        try:
            return super().parse_events(request)
        except (ValueError, KeyError, TypeError, AttributeError, IndexError) as error:
            raise AnymailWebhookValidationFailure(
                f"Malformed {self.esp_name} webhook body"
            ) from error


class AmazonSESTracking(_SNSSigned, _ReadableBody, amazon_ses.AmazonSESTrackingWebhookView):
    pass


class AmazonSESInbound(_SNSSigned, _ReadableBody, amazon_ses.AmazonSESInboundWebhookView):
    pass


class BrevoTracking(_ReadableBody, brevo.BrevoTrackingWebhookView):
    pass


class BrevoInbound(_ReadableBody, brevo.BrevoInboundWebhookView):
    pass


class MailgunTracking(_MailgunFresh, _ReadableBody, mailgun.MailgunTrackingWebhookView):
    pass


class MailgunInbound(_MailgunFresh, _ReadableBody, mailgun.MailgunInboundWebhookView):
    pass


class PostmarkTracking(_ReadableBody, postmark.PostmarkTrackingWebhookView):
    pass


class PostmarkInbound(_ReadableBody, postmark.PostmarkInboundWebhookView):
    pass


class SendGridTracking(_ReadableBody, sendgrid.SendGridTrackingWebhookView):
    pass


class SendGridInbound(_ReadableBody, sendgrid.SendGridInboundWebhookView):
    pass


# Each EMAIL_PROVIDER's (tracking, inbound) views.
VIEWS: dict[str, tuple[Any, Any]] = {
    "amazon_ses": (AmazonSESTracking, AmazonSESInbound),
    "brevo": (BrevoTracking, BrevoInbound),
    "mailgun": (MailgunTracking, MailgunInbound),
    "postmark": (PostmarkTracking, PostmarkInbound),
    "sendgrid": (SendGridTracking, SendGridInbound),
}


def urlpatterns_for(provider: str, *, inbound: bool) -> list:
    if not provider:
        return []
    tracking_view, inbound_view = VIEWS[provider]
    prefix = provider.replace("_", "-")
    patterns = [path(f"{prefix}/tracking/", tracking_view.as_view(), name="tracking")]
    if inbound:
        patterns.append(path(f"{prefix}/inbound/", inbound_view.as_view(), name="inbound"))
    return patterns


app_name = "webhooks"
urlpatterns = urlpatterns_for(
    settings.EMAIL_PROVIDER, inbound=settings.NEWSLETTER_UNSUBSCRIBE_INBOUND
)
