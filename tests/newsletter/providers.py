"""Each provider's webhook posts as the provider sends them: the samples in its documentation
(Mailgun's "Webhooks" event payloads, Postmark's bounce and spam-complaint webhooks, Amazon SES
notification contents inside an SNS envelope, Brevo's transactional webhooks, SendGrid's event
webhook), with our test addresses, signed or authenticated as each provider does it.

`use_provider` (the root conftest) mounts one provider's webhooks with the secrets below;
`webhook(provider, kind, email)` builds a post to its tracking URL.
"""

import hashlib
import hmac
import json
import secrets
import time
import uuid
from base64 import b64encode
from dataclasses import dataclass, field, replace
from datetime import UTC, datetime, timedelta
from functools import cache

from cryptography import x509
from cryptography.hazmat.primitives import hashes, serialization
from cryptography.hazmat.primitives.asymmetric import ec, padding, rsa
from cryptography.x509.oid import NameOID
from django.urls import reverse

PROVIDERS = ["amazon_ses", "brevo", "mailgun", "postmark", "sendgrid"]
WEBHOOK_SECRET = "anymail:a-long-random-webhook-password"
MAILGUN_SIGNING_KEY = "key-test-mailgun-webhook-signing"
SES_REGION = "us-east-1"
SES_TOPIC = f"arn:aws:sns:{SES_REGION}:123456789012:rtb-ses-events"
SNS_CERT_URL = (
    f"https://sns.{SES_REGION}.amazonaws.com/SimpleNotificationService-0123456789abcdef.pem"
)


# --- Keys --------------------------------------------------------------------------------------


@cache
def sendgrid_key() -> ec.EllipticCurvePrivateKey:
    return ec.generate_private_key(ec.SECP256R1())


def sendgrid_public_key(key: ec.EllipticCurvePrivateKey) -> str:
    """As SendGrid shows it: the SubjectPublicKeyInfo in base64, without PEM lines."""
    der = key.public_key().public_bytes(
        serialization.Encoding.DER, serialization.PublicFormat.SubjectPublicKeyInfo
    )
    return b64encode(der).decode()


@cache
def sns_key() -> rsa.RSAPrivateKey:
    return rsa.generate_private_key(public_exponent=65537, key_size=2048)


@cache
def sns_certificate_pem(key: rsa.RSAPrivateKey | None = None) -> bytes:
    """A self-signed stand-in for the certificate SNS publishes at SigningCertURL."""
    key = key or sns_key()
    name = x509.Name([x509.NameAttribute(NameOID.COMMON_NAME, "sns.amazonaws.com")])
    now = datetime.now(UTC)
    certificate = (
        x509.CertificateBuilder()
        .subject_name(name)
        .issuer_name(name)
        .public_key(key.public_key())
        .serial_number(x509.random_serial_number())
        .not_valid_before(now - timedelta(days=1))
        .not_valid_after(now + timedelta(days=30))
        .sign(key, hashes.SHA256())
    )
    return certificate.public_bytes(serialization.Encoding.PEM)


def anymail_settings(provider: str) -> dict:
    """ANYMAIL as runsite/settings/base.py fills it from the provider's variables."""
    return {
        "amazon_ses": {
            "AMAZON_SES_CLIENT_PARAMS": {"region_name": SES_REGION},
            "WEBHOOK_SECRET": WEBHOOK_SECRET,
        },
        "brevo": {"BREVO_API_KEY": "xkeysib-test", "WEBHOOK_SECRET": WEBHOOK_SECRET},
        "mailgun": {
            "MAILGUN_API_KEY": "test-mailgun-api-key",
            "MAILGUN_WEBHOOK_SIGNING_KEY": MAILGUN_SIGNING_KEY,
        },
        "postmark": {
            "POSTMARK_SERVER_TOKEN": "test-server-token",
            "WEBHOOK_SECRET": WEBHOOK_SECRET,
        },
        "sendgrid": {
            "SENDGRID_API_KEY": "SG.test",
            "SENDGRID_TRACKING_WEBHOOK_VERIFICATION_KEY": sendgrid_public_key(sendgrid_key()),
        },
    }[provider]


# --- The providers' sample events --------------------------------------------------------------

KINDS = ["hard_bounce", "soft_bounce", "complaint", "unsubscribe", "deferred", "delivered"]


def _mailgun(kind: str, email: str) -> dict:
    """Mailgun's event-data (the "Webhooks" guide's samples for each event)."""
    base = {
        "id": uuid.uuid4().hex[:22],
        "timestamp": time.time(),
        "log-level": "info",
        "recipient": email,
        "recipient-domain": email.partition("@")[2],
        "message": {
            "headers": {
                "to": email,
                "message-id": "20261203094658.1.0DF563D0B3597700@mg.runtowardbalance.example",
                "from": "Run Toward Balance <hello@runtowardbalance.example>",
                "subject": "Week 12: easy miles",
            },
            "attachments": [],
            "size": 4112,
        },
        "flags": {"is-authenticated": True, "is-test-mode": False},
        "tags": [],
        "user-variables": {},
    }
    events = {
        "hard_bounce": {
            "event": "failed",
            "severity": "permanent",
            "reason": "bounce",
            "log-level": "error",
            "delivery-status": {
                "attempt-no": 1,
                "code": 550,
                "description": "",
                "message": "5.1.1 The email account that you tried to reach does not exist.",
                "mx-host": "mx.example.com",
                "session-seconds": 1.2,
            },
        },
        "soft_bounce": {
            # Retries ran out: permanent, but not a mailbox that is gone.
            "event": "failed",
            "severity": "permanent",
            "reason": "old",
            "log-level": "error",
            "delivery-status": {
                "attempt-no": 8,
                "code": 452,
                "description": "Too old",
                "message": "4.2.2 The email account that you tried to reach is over quota.",
            },
        },
        "deferred": {
            "event": "failed",
            "severity": "temporary",
            "reason": "greylisted",
            "log-level": "warn",
            "delivery-status": {
                "attempt-no": 1,
                "code": 450,
                "description": "Recipient address rejected: Greylisted",
                "message": "Recipient address rejected: Greylisted",
                "retry-seconds": 300,
            },
        },
        "complaint": {"event": "complained", "log-level": "warn"},
        "unsubscribe": {"event": "unsubscribed"},
        "delivered": {
            "event": "delivered",
            "delivery-status": {"attempt-no": 1, "code": 250, "message": "OK", "tls": True},
        },
    }
    return {"event-data": {**base, **events[kind]}}


def _postmark(kind: str, email: str) -> dict:
    """Postmark's bounce, spam-complaint, subscription-change and delivery webhooks."""
    bounce = {
        "RecordType": "Bounce",
        "MessageStream": "outbound",
        "ID": secrets.randbelow(10**12),
        "Tag": "newsletter",
        "MessageID": str(uuid.uuid4()),
        "Metadata": {},
        "ServerID": 23,
        "Email": email,
        "From": "hello@runtowardbalance.example",
        "BouncedAt": "2026-12-03T09:46:58.9070259Z",
        "DumpAvailable": True,
        "Subject": "Week 12: easy miles",
        "Content": "",
    }
    return {
        "hard_bounce": {
            **bounce,
            "Type": "HardBounce",
            "TypeCode": 1,
            "Name": "Hard bounce",
            "Description": "The server was unable to deliver your message (ex: unknown user, "
            "mailbox not found).",
            "Details": "smtp;550 5.1.1 The email account that you tried to reach does not exist.",
            "Inactive": True,
            "CanActivate": True,
        },
        "soft_bounce": {
            **bounce,
            "Type": "SoftBounce",
            "TypeCode": 4096,
            "Name": "Soft bounce/Undeliverable",
            "Description": "Unable to temporarily deliver this email.",
            "Details": "smtp;452 4.2.2 Mailbox full",
            "Inactive": False,
            "CanActivate": True,
        },
        "deferred": {
            **bounce,
            "Type": "Transient",
            "TypeCode": 2,
            "Name": "Message delayed",
            "Description": "The server could not temporarily deliver your message.",
            "Details": "smtp;421 4.4.2 Connection timed out",
            "Inactive": False,
            "CanActivate": True,
        },
        "complaint": {
            **bounce,
            "RecordType": "SpamComplaint",
            "Type": "SpamComplaint",
            "TypeCode": 512,
            "Name": "Spam complaint",
            "Description": "The subscriber explicitly marked this message as spam.",
            "Details": "Test spam complaint details",
            "Inactive": True,
            "CanActivate": False,
        },
        "unsubscribe": {
            "RecordType": "SubscriptionChange",
            "MessageID": str(uuid.uuid4()),
            "ServerID": 23,
            "MessageStream": "broadcast",
            "ChangedAt": "2026-12-03T09:46:58Z",
            "Recipient": email,
            "Origin": "Recipient",
            "SuppressSending": True,
            "SuppressionReason": "ManualSuppression",
            "Tag": "newsletter",
            "Metadata": {},
        },
        "delivered": {
            "RecordType": "Delivery",
            "ServerID": 23,
            "MessageStream": "outbound",
            "MessageID": str(uuid.uuid4()),
            "Recipient": email,
            "Tag": "newsletter",
            "DeliveredAt": "2026-12-03T09:46:58Z",
            "Details": "Test delivery webhook details",
            "Metadata": {},
        },
    }[kind]


def _ses(kind: str, email: str) -> dict:
    """Amazon SES notification contents (notificationType Bounce, Complaint, Delivery)."""
    mail = {
        "timestamp": "2026-12-03T09:46:58.237Z",
        "source": "hello@runtowardbalance.example",
        "sourceArn": f"arn:aws:ses:{SES_REGION}:123456789012:identity/runtowardbalance.example",
        "sendingAccountId": "123456789012",
        "messageId": f"0100018{secrets.token_hex(6)}-{uuid.uuid4()}-000000",
        "destination": [email],
        "headersTruncated": False,
        "headers": [{"name": "Subject", "value": "Week 12: easy miles"}],
    }

    def bounce(bounce_type, sub_type, status, code):
        return {
            "notificationType": "Bounce",
            "bounce": {
                "bounceType": bounce_type,
                "bounceSubType": sub_type,
                "bouncedRecipients": [
                    {
                        "emailAddress": email,
                        "action": "failed",
                        "status": status,
                        "diagnosticCode": code,
                    }
                ],
                "timestamp": "2026-12-03T09:46:59.000Z",
                "feedbackId": f"0100018{secrets.token_hex(6)}-000000",
                "reportingMTA": "dns; b224-13.smtp-out.amazonses.com",
            },
            "mail": mail,
        }

    return {
        "hard_bounce": bounce(
            "Permanent", "General", "5.1.1", "smtp; 550 5.1.1 <recipient>... User unknown"
        ),
        "soft_bounce": bounce("Transient", "MailboxFull", "4.2.2", "smtp; 452 4.2.2 Mailbox full"),
        "complaint": {
            "notificationType": "Complaint",
            "complaint": {
                "userAgent": "ExampleCorp Feedback Loop (V0.01)",
                "complainedRecipients": [{"emailAddress": email}],
                "complaintFeedbackType": "abuse",
                "arrivalDate": "2026-12-03T09:47:00.000Z",
                "timestamp": "2026-12-03T09:47:01.000Z",
                "feedbackId": f"0100018{secrets.token_hex(6)}-000000",
            },
            "mail": mail,
        },
        "delivered": {
            "notificationType": "Delivery",
            "delivery": {
                "timestamp": "2026-12-03T09:46:59.000Z",
                "processingTimeMillis": 546,
                "recipients": [email],
                "smtpResponse": "250 ok:  Message 64111812 accepted",
                "reportingMTA": "a8-70.smtp-out.amazonses.com",
            },
            "mail": mail,
        },
    }[kind]


def _brevo(kind: str, email: str) -> dict:
    """Brevo's transactional webhook events."""
    event = {
        "hard_bounce": ("hard_bounce", "550 5.1.1 user unknown"),
        "soft_bounce": ("soft_bounce", "452 4.2.2 mailbox full"),
        "deferred": ("deferred", "421 4.7.0 try again later"),
        "complaint": ("spam", None),
        "unsubscribe": ("unsubscribe", None),
        "delivered": ("delivered", None),
    }[kind]
    now = time.time()
    payload = {
        "event": event[0],
        "email": email,
        "id": 26224,
        "date": "2026-12-03 10:46:58",
        "ts": int(now),
        "message-id": f"<{uuid.uuid4().hex}@smtp-relay.mailin.fr>",
        "ts_event": int(now),
        "subject": "Week 12: easy miles",
        "tag": "newsletter",
        "sending_ip": "185.41.28.109",
        "ts_epoch": int(now * 1000),
        "tags": ["newsletter"],
    }
    if event[1]:
        payload["reason"] = event[1]
    return payload


def _sendgrid(kind: str, email: str) -> list:
    """SendGrid's event webhook: a list of events (here one)."""
    base = {
        "email": email,
        "timestamp": int(time.time()),
        "smtp-id": f"<{uuid.uuid4().hex}@ismtpd0001p1lon1.sendgrid.net>",
        "sg_event_id": b64encode(uuid.uuid4().bytes).decode(),
        "sg_message_id": f"{uuid.uuid4().hex}.filter0001.16648.5515E0B88.0",
        "category": ["newsletter"],
    }
    event = {
        "hard_bounce": {
            "event": "bounce",
            "type": "bounce",
            "reason": "550 5.1.1 The email account that you tried to reach does not exist.",
            "status": "5.1.1",
            "bounce_classification": "Invalid Address",
        },
        "soft_bounce": {
            "event": "bounce",
            "type": "blocked",
            "reason": "452 4.2.2 The email account that you tried to reach is over quota.",
            "status": "4.2.2",
            "bounce_classification": "Mailbox Unavailable",
        },
        "deferred": {"event": "deferred", "response": "400 try again later", "attempt": "5"},
        "complaint": {"event": "spamreport"},
        "unsubscribe": {"event": "unsubscribe"},
        "delivered": {"event": "delivered", "response": "250 OK"},
    }[kind]
    return [{**base, **event}]


_SAMPLES = {
    "amazon_ses": _ses,
    "brevo": _brevo,
    "mailgun": _mailgun,
    "postmark": _postmark,
    "sendgrid": _sendgrid,
}


def kinds(provider: str) -> list[str]:
    """SES reports no deferrals or unsubscribes to its tracking topic."""
    if provider == "amazon_ses":
        return ["hard_bounce", "soft_bounce", "complaint", "delivered"]
    return KINDS


# --- Signed posts ------------------------------------------------------------------------------


@dataclass(frozen=True)
class Webhook:
    body: bytes
    content_type: str = "application/json"
    headers: dict = field(default_factory=dict)

    def post(self, client, path: str | None = None):
        return client.post(
            path or reverse("webhooks:tracking"),
            data=self.body,
            content_type=self.content_type,
            **self.headers,
        )


def _basic_auth(secret: str) -> dict:
    return {"HTTP_AUTHORIZATION": "Basic " + b64encode(secret.encode()).decode()}


def mailgun_signature(timestamp: str, token: str, key: str = MAILGUN_SIGNING_KEY) -> str:
    return hmac.new(key.encode(), f"{timestamp}{token}".encode(), hashlib.sha256).hexdigest()


def sns_envelope(message: str, *, version: str = "1", key=None, **fields) -> dict:
    """An SNS Notification carrying `message`, signed as SNS signs (SignatureVersion 1 or 2)."""
    from runsite.webhooks import sns_string_to_sign

    envelope = {
        "Type": "Notification",
        "MessageId": str(uuid.uuid4()),
        "TopicArn": SES_TOPIC,
        "Message": message,
        "Timestamp": datetime.now(UTC).strftime("%Y-%m-%dT%H:%M:%S.000Z"),
        "SignatureVersion": version,
        "SigningCertURL": SNS_CERT_URL,
        "UnsubscribeURL": f"https://sns.{SES_REGION}.amazonaws.com/?Action=Unsubscribe",
        **fields,
    }
    algorithm = hashes.SHA1() if version == "1" else hashes.SHA256()
    signature = (key or sns_key()).sign(sns_string_to_sign(envelope), padding.PKCS1v15(), algorithm)
    envelope["Signature"] = b64encode(signature).decode()
    return envelope


def sns_headers(envelope: dict) -> dict:
    return {
        "HTTP_X_AMZ_SNS_MESSAGE_TYPE": envelope["Type"],
        "HTTP_X_AMZ_SNS_MESSAGE_ID": envelope["MessageId"],
        "HTTP_X_AMZ_SNS_TOPIC_ARN": envelope["TopicArn"],
    }


def webhook(provider: str, kind: str, email: str, *, forged: bool = False) -> Webhook:
    """The provider's post for one event, signed or authenticated as it does it; `forged`
    signs with the wrong key (or sends the wrong password)."""
    payload = _SAMPLES[provider](kind, email)
    if provider == "mailgun":
        timestamp, token = str(int(time.time())), secrets.token_hex(25)
        key = "key-somebody-elses" if forged else MAILGUN_SIGNING_KEY
        payload["signature"] = {
            "timestamp": timestamp,
            "token": token,
            "signature": mailgun_signature(timestamp, token, key),
        }
        return Webhook(json.dumps(payload).encode())
    if provider in ("postmark", "brevo"):
        secret = "anymail:a-guessed-password" if forged else WEBHOOK_SECRET
        return Webhook(json.dumps(payload).encode(), headers=_basic_auth(secret))
    if provider == "sendgrid":
        body = json.dumps(payload).encode()
        timestamp = str(int(time.time()))
        key = ec.generate_private_key(ec.SECP256R1()) if forged else sendgrid_key()
        signature = key.sign(timestamp.encode() + body, ec.ECDSA(hashes.SHA256()))
        return Webhook(
            body,
            headers={
                "HTTP_X_TWILIO_EMAIL_EVENT_WEBHOOK_SIGNATURE": b64encode(signature).decode(),
                "HTTP_X_TWILIO_EMAIL_EVENT_WEBHOOK_TIMESTAMP": timestamp,
            },
        )
    key = rsa.generate_private_key(public_exponent=65537, key_size=2048) if forged else None
    envelope = sns_envelope(json.dumps(payload), key=key)
    return Webhook(
        json.dumps(envelope).encode(),
        headers={**_basic_auth(WEBHOOK_SECRET), **sns_headers(envelope)},
    )


def with_body(hook: Webhook, body: bytes) -> Webhook:
    return replace(hook, body=body)
