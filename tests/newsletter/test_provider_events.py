"""A provider's tracking webhook, end to end: each provider's documented sample payload posted
through the test client to our URL, signed as the provider signs it, and what it does to the
address; forged, replayed and unreadable posts; subscribing again; keeping events."""

import json
from datetime import timedelta

import pytest
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from newsletter.models import Delivery, Issue, ProviderEvent, Subscriber, SuppressedAddress
from newsletter.services import provider_events, subscriptions, suppression
from tests.newsletter import providers
from tests.newsletter.factories import DeliveryFactory, SubscriberFactory
from tests.newsletter.providers import PROVIDERS, webhook

pytestmark = pytest.mark.django_db

EMAIL = "gone@example.com"
WITH_DEFERRALS = [p for p in PROVIDERS if "deferred" in providers.kinds(p)]
WITH_UNSUBSCRIBES = [p for p in PROVIDERS if "unsubscribe" in providers.kinds(p)]


def subscriber(email=EMAIL, **fields) -> Subscriber:
    fields = {"wants_newsletter": True, "wants_beginner_series": True, **fields}
    return SubscriberFactory(email=email, **fields)


def snapshot() -> list:
    return [
        list(Subscriber.objects.order_by("pk").values()),
        list(SuppressedAddress.objects.values()),
        list(ProviderEvent.objects.values()),
        list(Delivery.objects.values("status")),
    ]


@pytest.fixture(params=PROVIDERS)
def provider(request, use_provider):
    use_provider(request.param)
    return request.param


# --- Mounting ----------------------------------------------------------------------------------


@pytest.mark.parametrize("name", PROVIDERS)
def test_a_providers_webhook_exists_only_while_it_is_the_selected_provider(
    client, use_provider, name
):
    path = f"/mail/webhooks/{name.replace('_', '-')}/tracking/"
    hook = webhook(name, "delivered", EMAIL)
    use_provider(name)
    assert hook.post(client, path).status_code == 200

    use_provider("")

    assert hook.post(client, path).status_code == 404
    assert client.post(f"/mail/webhooks/{name.replace('_', '-')}/inbound/").status_code == 404


def test_only_the_selected_providers_webhook_is_mounted(client, use_provider):
    use_provider("postmark")

    assert reverse("webhooks:tracking") == "/mail/webhooks/postmark/tracking/"
    hook = webhook("mailgun", "hard_bounce", EMAIL)
    assert hook.post(client, "/mail/webhooks/mailgun/tracking/").status_code == 404
    assert client.post("/mail/webhooks/postmark/inbound/").status_code == 404


def test_the_inbound_webhook_is_mounted_while_the_mailbox_is_read_through_it(use_provider):
    use_provider("amazon_ses", inbound=True)

    assert reverse("webhooks:inbound") == "/mail/webhooks/amazon-ses/inbound/"


# --- What each kind of event does --------------------------------------------------------------


def test_a_hard_bounce_marks_the_address_bounced_and_suppressed_at_once(provider):
    subscriber()

    response = webhook(provider, "hard_bounce", EMAIL).post(Client())

    assert response.status_code == 200, response.content
    gone = Subscriber.objects.get()
    assert gone.status == Subscriber.Status.BOUNCED
    entry = SuppressedAddress.objects.get()
    assert (entry.email, entry.reason, entry.provider) == (EMAIL, "bounced", provider)
    event = ProviderEvent.objects.get()
    assert (event.provider, event.event_type, event.outcome) == (provider, "bounced", "hard-bounce")
    assert event.recipient == EMAIL
    assert event.description


def test_soft_bounces_are_counted_and_the_limit_marks_the_address_bounced(client, provider):
    subscriber()

    for count in range(1, suppression.BOUNCE_LIMIT):
        assert webhook(provider, "soft_bounce", EMAIL).post(client).status_code == 200
        counted = Subscriber.objects.get()
        assert (counted.bounce_count, counted.status) == (count, Subscriber.Status.CONFIRMED)
    assert not SuppressedAddress.objects.exists()

    webhook(provider, "soft_bounce", EMAIL).post(client)

    gone = Subscriber.objects.get()
    assert gone.status == Subscriber.Status.BOUNCED
    assert SuppressedAddress.objects.get().reason == SuppressedAddress.Reason.BOUNCED
    assert set(ProviderEvent.objects.values_list("outcome", flat=True)) == {"soft-bounce"}


@pytest.mark.parametrize("name", WITH_DEFERRALS)
def test_a_deferral_is_recorded_and_counts_nothing(client, use_provider, name):
    use_provider(name)
    subscriber()

    assert webhook(name, "deferred", EMAIL).post(client).status_code == 200

    assert Subscriber.objects.get().bounce_count == 0
    assert ProviderEvent.objects.get().outcome == ProviderEvent.Outcome.RECORDED


def test_a_delivery_starts_the_soft_bounce_count_again(client, provider):
    subscriber(bounce_count=suppression.BOUNCE_LIMIT - 1)

    webhook(provider, "delivered", EMAIL).post(client)
    webhook(provider, "soft_bounce", EMAIL).post(client)

    assert Subscriber.objects.get().bounce_count == 1
    assert Subscriber.objects.get().status == Subscriber.Status.CONFIRMED


def test_a_complaint_unsubscribes_from_every_list_and_suppresses_the_address(client, provider):
    complainer = subscriber()
    issue = Issue.objects.create(subject="Week 12", intro="Hi", status=Issue.Status.SENDING)
    DeliveryFactory(issue=issue, subscriber=complainer)

    assert webhook(provider, "complaint", EMAIL).post(client).status_code == 200

    complainer.refresh_from_db()
    assert complainer.status == Subscriber.Status.UNSUBSCRIBED
    assert complainer.unsubscribed_at is not None
    assert not complainer.wants_newsletter and not complainer.wants_beginner_series
    assert SuppressedAddress.objects.get().reason == SuppressedAddress.Reason.COMPLAINED
    assert Delivery.objects.get().status == Delivery.Status.SKIPPED
    assert ProviderEvent.objects.get().outcome == ProviderEvent.Outcome.COMPLAINT


def test_a_complaint_outranks_an_earlier_bounce_on_the_list(client, provider):
    subscriber()
    webhook(provider, "hard_bounce", EMAIL).post(client)

    webhook(provider, "complaint", EMAIL).post(client)

    assert SuppressedAddress.objects.get().reason == SuppressedAddress.Reason.COMPLAINED


@pytest.mark.parametrize("name", WITH_UNSUBSCRIBES)
def test_an_unsubscribe_at_the_provider_unsubscribes_the_subscriber(client, use_provider, name):
    use_provider(name)
    leaving = subscriber()

    assert webhook(name, "unsubscribe", EMAIL).post(client).status_code == 200

    leaving.refresh_from_db()
    assert leaving.status == Subscriber.Status.UNSUBSCRIBED
    assert not SuppressedAddress.objects.exists()


def test_an_event_for_an_address_in_another_case_finds_its_subscriber(client, provider):
    subscriber()

    webhook(provider, "hard_bounce", "Gone@Example.COM").post(client)

    assert Subscriber.objects.get().status == Subscriber.Status.BOUNCED
    assert SuppressedAddress.objects.get().email == EMAIL


# --- Forged, replayed and unreadable posts -----------------------------------------------------


def test_a_forged_post_is_refused_and_changes_nothing(client, provider):
    subscriber()
    before = snapshot()

    response = webhook(provider, "complaint", EMAIL, forged=True).post(client)

    assert response.status_code in (400, 403)
    assert snapshot() == before


def test_a_post_without_credentials_is_refused_and_changes_nothing(client, provider):
    subscriber()
    before = snapshot()
    body = json.loads(webhook(provider, "complaint", EMAIL).body)
    if provider == "mailgun":  # Mailgun's signature travels in the body
        del body["signature"]

    response = client.post(reverse("webhooks:tracking"), body, content_type="application/json")

    assert 400 <= response.status_code < 500
    assert snapshot() == before


def test_a_replayed_post_is_handled_once(client, provider):
    subscriber()
    hook = webhook(provider, "soft_bounce", EMAIL)

    first, second = hook.post(client), hook.post(client)

    assert (first.status_code, second.status_code) == (200, 200)
    assert ProviderEvent.objects.count() == 1
    assert Subscriber.objects.get().bounce_count == 1


def test_a_mailgun_signature_reused_with_other_event_data_changes_nothing(client, use_provider):
    """Mailgun signs the timestamp and token, not the event: a token counts once."""
    use_provider("mailgun")
    subscriber()
    delivered = webhook("mailgun", "delivered", EMAIL)
    assert delivered.post(client).status_code == 200
    forged = json.loads(webhook("mailgun", "complaint", EMAIL).body)
    forged["signature"] = json.loads(delivered.body)["signature"]

    response = providers.with_body(delivered, json.dumps(forged).encode()).post(client)

    assert response.status_code == 200
    assert Subscriber.objects.get().status == Subscriber.Status.CONFIRMED
    assert not SuppressedAddress.objects.exists()
    assert ProviderEvent.objects.get().event_type == "delivered"


def test_a_tampered_sns_message_is_refused(client, use_provider):
    use_provider("amazon_ses")
    subscriber()
    hook = webhook("amazon_ses", "delivered", EMAIL)
    envelope = json.loads(hook.body)
    complaint = json.loads(json.loads(webhook("amazon_ses", "complaint", EMAIL).body)["Message"])
    envelope["Message"] = json.dumps(complaint)

    response = providers.with_body(hook, json.dumps(envelope).encode()).post(client)

    assert response.status_code == 400
    assert not ProviderEvent.objects.exists()
    assert Subscriber.objects.get().status == Subscriber.Status.CONFIRMED


def test_an_unreadable_body_is_answered_400(client, provider):
    hook = webhook(provider, "hard_bounce", EMAIL)
    if provider == "sendgrid":  # the signature covers the body: sign the broken one
        response = _signed_sendgrid(b'[{"event": "bounce"').post(client)
    elif provider == "amazon_ses":
        response = providers.with_body(hook, b'{"Type": "Notification",').post(client)
    else:
        response = providers.with_body(hook, b'{"event-data": ').post(client)

    assert response.status_code == 400
    assert not ProviderEvent.objects.exists()


def _signed_sendgrid(body: bytes) -> providers.Webhook:
    import time
    from base64 import b64encode

    from cryptography.hazmat.primitives import hashes
    from cryptography.hazmat.primitives.asymmetric import ec

    timestamp = str(int(time.time()))
    signature = providers.sendgrid_key().sign(timestamp.encode() + body, ec.ECDSA(hashes.SHA256()))
    return providers.Webhook(
        body,
        headers={
            "HTTP_X_TWILIO_EMAIL_EVENT_WEBHOOK_SIGNATURE": b64encode(signature).decode(),
            "HTTP_X_TWILIO_EMAIL_EVENT_WEBHOOK_TIMESTAMP": timestamp,
        },
    )


def test_amazon_sns_is_asked_for_basic_auth_before_it_sends_any(client, use_provider):
    use_provider("amazon_ses")
    hook = webhook("amazon_ses", "complaint", EMAIL)
    headers = {k: v for k, v in hook.headers.items() if k != "HTTP_AUTHORIZATION"}

    response = client.post(
        reverse("webhooks:tracking"), hook.body, content_type="text/plain", **headers
    )

    assert response.status_code == 401
    assert response["WWW-Authenticate"].startswith("Basic")
    assert not ProviderEvent.objects.exists()


# --- Subscribing again -------------------------------------------------------------------------


def _subscribe(email=EMAIL):
    return subscriptions.subscribe(
        email=email, newsletter=True, beginner_series=False, source="home"
    )


def test_a_bounced_address_subscribing_again_confirms_by_email_and_that_lifts_the_bounce(
    client, use_provider, mailoutbox, django_capture_on_commit_callbacks
):
    use_provider("postmark")
    subscriber()
    webhook("postmark", "hard_bounce", EMAIL).post(client)

    with django_capture_on_commit_callbacks(execute=True):
        pending = _subscribe()

    assert pending.status == Subscriber.Status.PENDING
    assert [mail.to for mail in mailoutbox] == [[EMAIL]]
    assert suppression.is_suppressed(EMAIL)  # until the link is followed

    with django_capture_on_commit_callbacks(execute=True):
        subscriptions.confirm(subscriber=pending)

    assert Subscriber.objects.get().status == Subscriber.Status.CONFIRMED
    assert Subscriber.objects.get().bounce_count == 0
    assert not suppression.is_suppressed(EMAIL)


def test_an_address_that_complained_is_not_subscribed_again_nor_mailed(
    client, use_provider, mailoutbox, django_capture_on_commit_callbacks
):
    use_provider("mailgun")
    subscriber()
    webhook("mailgun", "complaint", EMAIL).post(client)

    with django_capture_on_commit_callbacks(execute=True):
        assert _subscribe() is None

    assert Subscriber.objects.get().status == Subscriber.Status.UNSUBSCRIBED
    assert mailoutbox == []
    assert SuppressedAddress.objects.get().reason == SuppressedAddress.Reason.COMPLAINED


# --- Keeping events ----------------------------------------------------------------------------


def test_events_older_than_the_retention_are_pruned_and_suppressions_stay(
    client, use_provider, settings
):
    use_provider("postmark")
    subscriber()
    webhook("postmark", "hard_bounce", EMAIL).post(client)
    webhook("postmark", "delivered", "ben@example.com").post(client)
    old = ProviderEvent.objects.get(recipient=EMAIL)
    ProviderEvent.objects.filter(pk=old.pk).update(
        created_at=timezone.now() - timedelta(days=settings.PROVIDER_EVENT_DAYS + 1)
    )

    assert provider_events.prune_provider_events() == 1

    assert list(ProviderEvent.objects.values_list("recipient", flat=True)) == ["ben@example.com"]
    assert suppression.is_suppressed(EMAIL)
