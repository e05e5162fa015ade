"""EMAIL_PROVIDER and its variables, as runsite/settings/base.py turns them into the backend
and anymail's settings: by configuration alone, and never half made."""

import runpy

import pytest
from django.core.exceptions import ImproperlyConfigured

from tests.conftest import ROOT
from tests.runsite.manage import PRODUCTION_ENV, manage

BASE_SETTINGS = ROOT / "runsite" / "settings" / "base.py"
PROVIDER_VARIABLES = [
    "EMAIL_PROVIDER",
    "ANYMAIL_WEBHOOK_SECRET",
    "AMAZON_SES_REGION",
    "AMAZON_SES_ACCESS_KEY_ID",
    "AMAZON_SES_SECRET_ACCESS_KEY",
    "AMAZON_SES_CONFIGURATION_SET",
    "BREVO_API_KEY",
    "MAILGUN_API_KEY",
    "MAILGUN_WEBHOOK_SIGNING_KEY",
    "MAILGUN_SENDER_DOMAIN",
    "MAILGUN_API_URL",
    "POSTMARK_SERVER_TOKEN",
    "SENDGRID_API_KEY",
    "SENDGRID_WEBHOOK_VERIFICATION_KEY",
    "NEWSLETTER_UNSUBSCRIBE_INBOUND",
]
SECRET = "anymail:a-long-random-webhook-password"
# What each provider needs, as an operator would set it.
COMPLETE = {
    "amazon_ses": {"AMAZON_SES_REGION": "eu-west-1", "ANYMAIL_WEBHOOK_SECRET": SECRET},
    "brevo": {"BREVO_API_KEY": "xkeysib-1", "ANYMAIL_WEBHOOK_SECRET": SECRET},
    "mailgun": {"MAILGUN_API_KEY": "key-1", "MAILGUN_WEBHOOK_SIGNING_KEY": "signing-1"},
    "postmark": {"POSTMARK_SERVER_TOKEN": "token-1", "ANYMAIL_WEBHOOK_SECRET": SECRET},
    "sendgrid": {"SENDGRID_API_KEY": "SG.1", "SENDGRID_WEBHOOK_VERIFICATION_KEY": "MFkw..."},
}


@pytest.fixture
def read_settings(monkeypatch):
    """Read base.py afresh with these environment variables (and no other provider ones)."""
    monkeypatch.setenv("SECRET_KEY", "tests-only-secret-key")

    def read(**environment) -> dict:
        for name in PROVIDER_VARIABLES:
            monkeypatch.delenv(name, raising=False)
        for name, value in environment.items():
            monkeypatch.setenv(name, value)
        return runpy.run_path(str(BASE_SETTINGS))

    return read


def test_without_a_provider_mail_goes_through_email_url_and_anymail_has_nothing(read_settings):
    configured = read_settings(EMAIL_URL="smtp+tls://user:pw@smtp.example.com:587")

    assert configured["EMAIL_PROVIDER"] == ""
    assert configured["EMAIL_BACKEND"] == "common.mail_backends.SigningEmailBackend"
    assert configured["ANYMAIL"] == {}


@pytest.mark.parametrize("provider", sorted(COMPLETE))
def test_a_provider_with_its_secrets_sends_through_anymails_backend(read_settings, provider):
    configured = read_settings(EMAIL_PROVIDER=provider, **COMPLETE[provider])

    assert configured["EMAIL_BACKEND"] == f"anymail.backends.{provider}.EmailBackend"
    anymail = configured["ANYMAIL"]
    assert anymail.get("WEBHOOK_SECRET", SECRET) == SECRET
    assert {
        "amazon_ses": anymail.get("AMAZON_SES_CLIENT_PARAMS") == {"region_name": "eu-west-1"},
        "brevo": anymail.get("BREVO_API_KEY") == "xkeysib-1",
        "mailgun": anymail.get("MAILGUN_WEBHOOK_SIGNING_KEY") == "signing-1",
        "postmark": anymail.get("POSTMARK_SERVER_TOKEN") == "token-1",
        "sendgrid": anymail.get("SENDGRID_TRACKING_WEBHOOK_VERIFICATION_KEY") == "MFkw...",
    }[provider]


@pytest.mark.parametrize(
    ("provider", "missing"),
    [(provider, name) for provider, needed in sorted(COMPLETE.items()) for name in needed],
)
def test_a_provider_without_a_required_secret_refuses_to_start(read_settings, provider, missing):
    environment = {k: v for k, v in COMPLETE[provider].items() if k != missing}

    with pytest.raises(ImproperlyConfigured, match=f"EMAIL_PROVIDER is {provider} but {missing}"):
        read_settings(EMAIL_PROVIDER=provider, **environment)


@pytest.mark.parametrize(
    ("environment", "message"),
    [
        ({"EMAIL_PROVIDER": "mandrill"}, "EMAIL_PROVIDER must be empty"),
        (
            {**COMPLETE["postmark"], "EMAIL_PROVIDER": "postmark", "ANYMAIL_WEBHOOK_SECRET": "x"},
            "must be user:password",
        ),
        (
            {
                **COMPLETE["amazon_ses"],
                "EMAIL_PROVIDER": "amazon_ses",
                "AMAZON_SES_ACCESS_KEY_ID": "A",
            },
            "or neither",
        ),
        (
            {
                **COMPLETE["sendgrid"],
                "EMAIL_PROVIDER": "sendgrid",
                "NEWSLETTER_UNSUBSCRIBE_INBOUND": "true",
            },
            "with SendGrid needs ANYMAIL_WEBHOOK_SECRET",
        ),
    ],
)
def test_a_half_made_provider_setup_refuses_to_start(read_settings, environment, message):
    with pytest.raises(ImproperlyConfigured, match=message):
        read_settings(**environment)


def test_production_with_a_provider_sends_through_it_and_passes_the_deployment_checklist():
    environment = {**PRODUCTION_ENV, "EMAIL_PROVIDER": "mailgun", **COMPLETE["mailgun"]}

    result = manage("check", "--deploy", "--fail-level", "WARNING", env=environment)
    backend = manage(
        "shell", "-c", "from django.conf import settings; print(settings.EMAIL_BACKEND)",
        env=environment,
    )  # fmt: skip

    assert result.returncode == 0, result.stderr + result.stdout
    assert "System check identified no issues" in result.stdout
    assert backend.stdout.split()[-1] == "anymail.backends.mailgun.EmailBackend", backend.stderr
