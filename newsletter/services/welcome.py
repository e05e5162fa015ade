"""The one welcome a subscriber gets on confirming: what comes next and how to change it."""

from common.welcomes import send_once

from ..models import Subscriber
from .emails import welcome_message


def send_welcome(*, subscriber: Subscriber) -> bool:
    """Welcome a confirmed subscriber, unless this address has had a welcome before (from us
    or as a member), has left since confirming or is suppressed. True if this call sent it."""
    subscriber = Subscriber.objects.mailable().filter(pk=subscriber.pk).first()
    if subscriber is None:
        return False
    return send_once(
        email=subscriber.email,
        kind="newsletter",
        send=lambda: welcome_message(subscriber).send(),
    )
