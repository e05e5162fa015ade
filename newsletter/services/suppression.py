"""The suppression list, and what bounces and complaints do to an address.

An address on the list is sent nothing by any app: not the newsletter, the series, a welcome,
a reply notice or a goal reminder (community asks `is_suppressed`; it may import newsletter,
which sits below it). A hard bounce, or BOUNCE_LIMIT soft ones (provider soft bounces and SMTP
refusals alike), mark the subscriber bounced and put the address on the list; a spam complaint
takes it off every list and puts it on for good. A bounce is lifted by confirming a new
subscription (the confirmation arrived, so the mailbox works again); a complaint or an editor's
stop only by an editor, in the admin.
"""

from django.db import transaction
from django.db.models import Exists, F, OuterRef, QuerySet
from django.db.models.functions import Lower
from django.utils import timezone

from ..models import Delivery, Subscriber, SuppressedAddress

BOUNCE_LIMIT = 3
# A complaint or an editor's stop outranks a bounce; neither is ever replaced by one.
_BLOCKING = (SuppressedAddress.Reason.COMPLAINED, SuppressedAddress.Reason.MANUAL)


def _normal(email: str) -> str:
    return email.strip().lower()


def suppression_for(email: str) -> SuppressedAddress | None:
    return SuppressedAddress.objects.filter(email=_normal(email)).first() if email else None


def is_suppressed(email: str) -> bool:
    """True if nothing may be sent to this address (any case)."""
    return bool(email) and SuppressedAddress.objects.filter(email=_normal(email)).exists()


def exclude_suppressed(queryset: QuerySet, *, email_field: str = "email") -> QuerySet:
    """`queryset` without the rows whose address (`email_field`, any case) is suppressed."""
    suppressed = SuppressedAddress.objects.filter(email=Lower(OuterRef(email_field)))
    return queryset.filter(~Exists(suppressed))


def blocks_subscribing(email: str) -> bool:
    """A complaint or an editor's stop: no subscription, not even a confirmation email."""
    return SuppressedAddress.objects.filter(email=_normal(email), reason__in=_BLOCKING).exists()


def suppress(*, email: str, reason: str, detail: str = "", provider: str = "") -> SuppressedAddress:
    """Put an address on the list; a complaint or a stop replaces a bounce, never the reverse."""
    email = _normal(email)
    with transaction.atomic():
        entry, created = SuppressedAddress.objects.select_for_update().get_or_create(
            email=email,
            defaults={"reason": reason, "detail": detail[:300], "provider": provider},
        )
        if not created and reason in _BLOCKING and entry.reason not in _BLOCKING:
            entry.reason, entry.detail, entry.provider = reason, detail[:300], provider
            entry.save(update_fields=["reason", "detail", "provider"])
    return entry


def lift(*, suppressions: QuerySet[SuppressedAddress]) -> int:
    """An editor's decision: these addresses may be mailed again once their owners subscribe
    again (double opt-in). Returns how many were lifted."""
    deleted, _ = suppressions.delete()
    return deleted


def clear_bounce(*, email: str) -> bool:
    """The address has just proved it receives mail: a bounce on the list no longer holds."""
    deleted, _ = SuppressedAddress.objects.filter(
        email=_normal(email), reason=SuppressedAddress.Reason.BOUNCED
    ).delete()
    return bool(deleted)


def _skip_queued(subscribers: QuerySet[Subscriber]) -> None:
    Delivery.objects.filter(subscriber__in=subscribers, status=Delivery.Status.QUEUED).update(
        status=Delivery.Status.SKIPPED
    )


def mark_bounced(*, email: str, detail: str, provider: str = "") -> None:
    """A hard bounce: the subscriber (if any, and not gone already) is bounced, and the address
    is suppressed for every kind of mail."""
    with transaction.atomic():
        subscribers = Subscriber.objects.with_email(email)
        subscribers.filter(
            status__in=(Subscriber.Status.PENDING, Subscriber.Status.CONFIRMED)
        ).update(status=Subscriber.Status.BOUNCED)
        _skip_queued(subscribers)
        suppress(
            email=email, reason=SuppressedAddress.Reason.BOUNCED, detail=detail, provider=provider
        )


def count_bounce(*, email: str, detail: str, provider: str = "") -> bool:
    """A soft bounce, or a permanent SMTP refusal: one more on the subscriber's count, and at
    BOUNCE_LIMIT the address is bounced. True if this one marked it bounced. (An address with
    no subscriber, a member's, has no count: only its hard bounces suppress it.)"""
    with transaction.atomic():
        subscribers = Subscriber.objects.with_email(email)
        subscribers.update(bounce_count=F("bounce_count") + 1)
        reached = subscribers.filter(bounce_count__gte=BOUNCE_LIMIT).exists()
        if reached:
            mark_bounced(
                email=email,
                detail=f"{BOUNCE_LIMIT} failed deliveries; the last: {detail}",
                provider=provider,
            )
    return reached


def reset_bounces(*, email: str) -> None:
    """A message got through: soft bounces count only when they come one after another."""
    Subscriber.objects.with_email(email).filter(bounce_count__gt=0).update(bounce_count=0)


def mark_complained(*, email: str, detail: str, provider: str = "") -> None:
    """A spam complaint: off every list at once, and suppressed for every kind of mail."""
    with transaction.atomic():
        subscribers = Subscriber.objects.with_email(email)
        subscribers.exclude(status=Subscriber.Status.UNSUBSCRIBED).update(
            status=Subscriber.Status.UNSUBSCRIBED, unsubscribed_at=timezone.now()
        )
        subscribers.update(wants_newsletter=False, wants_beginner_series=False)
        _skip_queued(subscribers)
        suppress(
            email=email,
            reason=SuppressedAddress.Reason.COMPLAINED,
            detail=detail,
            provider=provider,
        )


def unsubscribe_address(*, email: str) -> None:
    """The provider's own unsubscribe link or list: the same as our one-click unsubscribe."""
    with transaction.atomic():
        subscribers = Subscriber.objects.with_email(email)
        subscribers.exclude(status=Subscriber.Status.UNSUBSCRIBED).update(
            status=Subscriber.Status.UNSUBSCRIBED, unsubscribed_at=timezone.now()
        )
        _skip_queued(subscribers)
