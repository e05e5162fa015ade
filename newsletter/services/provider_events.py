"""What a provider's tracking webhook tells us: recorded once, then acted on.

The webhook (runsite/webhooks.py) verifies the post and anymail turns it into normalized
events on its `tracking` signal, whose receiver (connected in NewsletterConfig.ready) hands
each to `record_event`.
Each event is stored under its provider's id in the same transaction as its effect, so a
redelivered or replayed post is handled once, and a failure leaves nothing half done for the
provider's retry. anymail's "bounced" covers soft bounces for some providers, so whether a
bounce is permanent is read from the provider's own fields. A deferral (greylisting, a full
queue the provider retries) is no failure and is only recorded.
"""

import hashlib
import json
import logging
from datetime import timedelta

from anymail.signals import AnymailTrackingEvent, EventType, RejectReason
from django.conf import settings
from django.db import IntegrityError, transaction
from django.utils import timezone

from ..models import MailProvider, ProviderEvent
from . import suppression

logger = logging.getLogger(__name__)

Outcome = ProviderEvent.Outcome
_PROVIDERS_BY_ESP_NAME = {provider.label: provider.value for provider in MailProvider}
# A provider that refused to send (its own suppression list) says why; we follow it.
_REJECTED = {
    RejectReason.BOUNCED: Outcome.HARD_BOUNCE,
    RejectReason.INVALID: Outcome.HARD_BOUNCE,
    RejectReason.SPAM: Outcome.COMPLAINT,
    RejectReason.UNSUBSCRIBED: Outcome.UNSUBSCRIBE,
}


def provider_for(esp_name: str) -> str:
    return _PROVIDERS_BY_ESP_NAME.get(esp_name, esp_name.lower().replace(" ", "_"))


def _is_soft_bounce(provider: str, event: AnymailTrackingEvent) -> bool:
    """Whether a "bounced" event is temporary, in each provider's own terms."""
    raw = event.esp_event if isinstance(event.esp_event, dict) else {}
    if provider == MailProvider.AMAZON_SES:
        # Transient (mailbox full, message too large) or Undetermined: only Permanent is hard.
        return raw.get("bounce", {}).get("bounceType") != "Permanent"
    if provider == MailProvider.POSTMARK:
        return raw.get("Type") in {"SoftBounce", "VirusNotification"}
    if provider == MailProvider.BREVO:
        return raw.get("event") == "soft_bounce"
    if provider == MailProvider.SENDGRID:
        return raw.get("type") == "blocked"
    # Mailgun: a permanent failure is a hard bounce when it says the mailbox bounced
    # ("bounce", "suppress-bounce"); "old" (retries ran out) or "espblock" only count.
    return event.reject_reason != RejectReason.BOUNCED


# What a refusal meant, when anymail leaves it at "other": Mailgun's failure reasons for its
# own suppression lists, and SendGrid's "dropped" reasons.
_PROVIDER_REASONS = {
    "suppress-complaint": Outcome.COMPLAINT,
    "suppress-unsubscribe": Outcome.UNSUBSCRIBE,
    "spam reporting address": Outcome.COMPLAINT,
    "unsubscribed address": Outcome.UNSUBSCRIBE,
}


def _provider_reason(provider: str, event: AnymailTrackingEvent) -> str | None:
    raw = event.esp_event if isinstance(event.esp_event, dict) else {}
    if provider == MailProvider.MAILGUN:
        reason = raw.get("event-data", {}).get("reason", "")
    elif provider == MailProvider.SENDGRID:
        reason = raw.get("reason", "")
    else:
        return None
    return _PROVIDER_REASONS.get(str(reason).lower())


def outcome_for(provider: str, event: AnymailTrackingEvent) -> str:
    if event.event_type in (EventType.BOUNCED, EventType.REJECTED) and (
        outcome := _provider_reason(provider, event)
    ):
        return outcome
    if event.event_type == EventType.BOUNCED:
        if event.reject_reason == RejectReason.INVALID:
            return Outcome.HARD_BOUNCE
        return Outcome.SOFT_BOUNCE if _is_soft_bounce(provider, event) else Outcome.HARD_BOUNCE
    if event.event_type == EventType.COMPLAINED:
        return Outcome.COMPLAINT
    if event.event_type == EventType.UNSUBSCRIBED:
        return Outcome.UNSUBSCRIBE
    if event.event_type == EventType.REJECTED:
        return _REJECTED.get(event.reject_reason, Outcome.RECORDED)
    return Outcome.RECORDED


def event_key(provider: str, event: AnymailTrackingEvent) -> str:
    """The id a redelivery of this event carries too."""
    if event.event_id and provider == MailProvider.AMAZON_SES:
        # One SNS notification reports every recipient of a message: one row each.
        return f"{event.event_id}:{(event.recipient or '').lower()}"[:200]
    if event.event_id:
        return str(event.event_id)[:200]
    # Postmark (all but bounces), Brevo: no id, so the event's own content names it.
    raw = event.esp_event
    if hasattr(raw, "lists"):  # a QueryDict (Mailgun's legacy form posts)
        raw = dict(raw.lists())
    content = json.dumps(raw, sort_keys=True, default=str).encode()
    return "sha256:" + hashlib.sha256(content).hexdigest()


def _text(value, limit: int) -> str:
    return " ".join(str(value).split())[:limit] if value else ""


def record_event(*, provider: str, event: AnymailTrackingEvent) -> ProviderEvent | None:
    """Record one tracking event and act on it; None if it was handled before."""
    recipient = (event.recipient or "").strip().lower()
    outcome = outcome_for(provider, event) if recipient else Outcome.RECORDED
    description = _text(event.description or event.mta_response, 300)
    with transaction.atomic():
        try:
            with transaction.atomic():
                row = ProviderEvent.objects.create(
                    provider=provider,
                    event_id=event_key(provider, event),
                    event_type=_text(event.event_type, 20),
                    outcome=outcome,
                    recipient=recipient[:254],
                    description=description,
                    mta_response=_text(event.mta_response, 1000),
                    message_id=_text(event.message_id, 200),
                    occurred_at=event.timestamp,
                )
        except IntegrityError:
            logger.info("%s event %s was handled before", provider, event.event_id)
            return None
        detail = f"{row.get_provider_display()}: {description or event.event_type}"
        if outcome == Outcome.HARD_BOUNCE:
            suppression.mark_bounced(email=recipient, detail=detail, provider=provider)
        elif outcome == Outcome.SOFT_BOUNCE:
            suppression.count_bounce(email=recipient, detail=detail, provider=provider)
        elif outcome == Outcome.COMPLAINT:
            suppression.mark_complained(email=recipient, detail=detail, provider=provider)
        elif outcome == Outcome.UNSUBSCRIBE:
            suppression.unsubscribe_address(email=recipient)
        elif event.event_type == EventType.DELIVERED and recipient:
            suppression.reset_bounces(email=recipient)
    return row


def handle_tracking_signal(sender, event: AnymailTrackingEvent, esp_name: str, **kwargs) -> None:
    """anymail's `tracking` signal, sent once per event of a verified webhook post."""
    record_event(provider=provider_for(esp_name), event=event)


def prune_provider_events(*, now=None) -> int:
    """Delete events older than PROVIDER_EVENT_DAYS (beat, daily); returns how many went."""
    cutoff = (now or timezone.now()) - timedelta(days=settings.PROVIDER_EVENT_DAYS)
    deleted, _ = ProviderEvent.objects.filter(created_at__lt=cutoff).delete()
    return deleted
