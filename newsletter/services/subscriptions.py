"""Subscribing with double opt-in, confirming, preferences and leaving.

Nothing here tells a visitor whether an address is already subscribed: every path answers the
same, and the confirmation email carries nothing the visitor typed except the address itself.
"""

from datetime import timedelta

from django.conf import settings
from django.core import signing
from django.db import transaction
from django.utils import timezone

from common.ratelimit import check_rate, client_network

from ..models import Subscriber
from . import suppression

CONFIRM_SALT = "newsletter.confirm"
MANAGE_SALT = "newsletter.manage"
CONFIRM_MAX_AGE = 60 * 60 * 24 * 7
CONFIRMATION_EMAIL_INTERVAL = timedelta(days=1)
CONSENT_TEXT = (
    "Send me the Run Toward Balance emails I chose. I can change my choice or leave in one "
    "click from any email."
)


def confirm_token(subscriber: Subscriber) -> str:
    return signing.dumps({"id": subscriber.pk, "email": subscriber.email}, salt=CONFIRM_SALT)


def manage_token(subscriber: Subscriber) -> str:
    """The token in every email's unsubscribe and preferences links; it does not expire."""
    return signing.dumps(subscriber.pk, salt=MANAGE_SALT)


def subscriber_from_confirm_token(token: str) -> Subscriber | None:
    try:
        data = signing.loads(token, salt=CONFIRM_SALT, max_age=CONFIRM_MAX_AGE)
    except signing.BadSignature:
        return None
    return Subscriber.objects.filter(pk=data["id"], email=data["email"]).first()


def subscriber_from_manage_token(token: str) -> Subscriber | None:
    try:
        pk = signing.loads(token, salt=MANAGE_SALT)
    except signing.BadSignature:
        return None
    return Subscriber.objects.filter(pk=pk).first()


def subscribe(
    *,
    email: str,
    newsletter: bool,
    beginner_series: bool,
    source: str,
    client_ip: str = "",
    user=None,
    confirmed: bool = False,
) -> Subscriber | None:
    """Record the wish to subscribe and send a confirmation email (at most one a day to an
    address). Returns the subscriber, or None when an address is known and nothing changes.
    `confirmed` is for members whose address allauth has already verified; a bounced address
    confirms by email all the same, to show that it receives mail again. An address stopped
    for a spam complaint or by an editor is not subscribed, and is sent nothing."""
    email = email.strip().lower()
    check_rate("subscribe", f"address:{email}")
    if client_ip:
        check_rate("subscribe-network", client_network(client_ip))
    if suppression.blocks_subscribing(email):
        return None
    if confirmed and suppression.is_suppressed(email):
        confirmed = False
    now = timezone.now()
    with transaction.atomic():
        subscriber = Subscriber.objects.select_for_update().filter(email=email).first()
        if subscriber is None:
            subscriber = Subscriber(email=email)
        elif subscriber.status == Subscriber.Status.CONFIRMED and not confirmed:
            # Already subscribed: the visitor sees the same answer; the owner is not pestered.
            return None
        subscriber.wants_newsletter = newsletter
        subscriber.wants_beginner_series = beginner_series
        subscriber.user = subscriber.user or user
        subscriber.consent_at = now
        subscriber.consent_source = source[:40]
        subscriber.consent_text = CONSENT_TEXT
        if confirmed:
            _mark_confirmed(subscriber, now)
            subscriber.save()
            return subscriber
        subscriber.status = Subscriber.Status.PENDING
        recently_mailed = (
            subscriber.confirmation_sent_at
            and now - subscriber.confirmation_sent_at < CONFIRMATION_EMAIL_INTERVAL
        )
        should_mail = not recently_mailed
        if should_mail:
            subscriber.confirmation_sent_at = now
        subscriber.save()
    if should_mail:
        from ..tasks import send_confirmation

        transaction.on_commit(lambda: send_confirmation.delay(subscriber.pk))
    return subscriber


def confirm(*, subscriber: Subscriber) -> Subscriber:
    """Confirm a pending subscription; confirming twice changes nothing."""
    with transaction.atomic():
        subscriber = Subscriber.objects.select_for_update().get(pk=subscriber.pk)
        if subscriber.status == Subscriber.Status.PENDING:
            _mark_confirmed(subscriber, timezone.now())
            subscriber.save()
    return subscriber


def _mark_confirmed(subscriber: Subscriber, now) -> None:
    """Called inside the caller's transaction, before it saves; the mail goes once it commits."""
    if subscriber.status != Subscriber.Status.CONFIRMED:
        subscriber.confirmed_at = now
        subscriber.bounce_count = 0
        # The confirmation got through: a bounce on the suppression list no longer holds.
        suppression.clear_bounce(email=subscriber.email)
        _after_commit_send_welcome(subscriber)
    subscriber.status = Subscriber.Status.CONFIRMED
    subscriber.unsubscribed_at = None
    if subscriber.wants_beginner_series:
        if subscriber.series_started_on is None:
            subscriber.series_started_on = now.date()
        _after_commit_send_first_step(subscriber)


def _after_commit_send_welcome(subscriber: Subscriber) -> None:
    from ..tasks import send_welcome

    transaction.on_commit(lambda: send_welcome.delay(subscriber.pk))


def _after_commit_send_first_step(subscriber: Subscriber) -> None:
    """Week one now, not at the next morning's run: the welcome page promises it within the
    hour. The task does nothing if week one has gone already."""
    from ..tasks import send_first_series_step

    transaction.on_commit(lambda: send_first_series_step.delay(subscriber.pk))


def unsubscribe(*, subscriber: Subscriber) -> Subscriber:
    """Leave every list at once; a repeat changes nothing. Queued deliveries are skipped."""
    from ..models import Delivery

    with transaction.atomic():
        subscriber = Subscriber.objects.select_for_update().get(pk=subscriber.pk)
        if subscriber.status != Subscriber.Status.UNSUBSCRIBED:
            subscriber.status = Subscriber.Status.UNSUBSCRIBED
            subscriber.unsubscribed_at = timezone.now()
            subscriber.save(update_fields=["status", "unsubscribed_at"])
        Delivery.objects.filter(subscriber=subscriber, status=Delivery.Status.QUEUED).update(
            status=Delivery.Status.SKIPPED
        )
    return subscriber


def update_preferences(*, subscriber: Subscriber, newsletter: bool, beginner_series: bool):
    """Switch lists; choosing none is leaving."""
    if not (newsletter or beginner_series):
        return unsubscribe(subscriber=subscriber)
    subscriber.wants_newsletter = newsletter
    subscriber.wants_beginner_series = beginner_series
    starts_series = (
        beginner_series and subscriber.series_started_on is None and subscriber.is_mailable
    )
    if starts_series:
        subscriber.series_started_on = timezone.localdate()
    with transaction.atomic():
        subscriber.save(
            update_fields=["wants_newsletter", "wants_beginner_series", "series_started_on"]
        )
        if starts_series:
            _after_commit_send_first_step(subscriber)
    return subscriber


def subscription_for_member(user) -> Subscriber | None:
    return Subscriber.objects.filter(email=user.email.strip().lower()).first()


def member_has_verified_email(user) -> bool:
    from allauth.account.models import EmailAddress

    return EmailAddress.objects.filter(user=user, email__iexact=user.email, verified=True).exists()


def absolute(path: str) -> str:
    return settings.SITE_URL + path
