"""The one welcome a subscriber gets on confirming: what comes next and how to change it."""

from runsite.mail import build_email, message_id
from runsite.welcomes import send_once

from ..models import Subscriber
from .emails import PREFERENCES_URL, UNSUBSCRIBE_URL, _links, list_headers


def welcome_message(subscriber: Subscriber):
    links = _links(subscriber)
    return build_email(
        "emails/newsletter/welcome",
        {
            "subscriber": subscriber,
            "unsubscribe_url": links[UNSUBSCRIBE_URL],
            "preferences_url": links[PREFERENCES_URL],
        },
        to=[subscriber.email],
        headers=list_headers(links, message_id("welcome", subscriber.pk)),
    )


def send_welcome(*, subscriber: Subscriber) -> bool:
    """Welcome a confirmed subscriber, unless this address has had a welcome before (from us
    or as a member) or has left since confirming. True if this call sent it."""
    subscriber = Subscriber.objects.confirmed().filter(pk=subscriber.pk).first()
    if subscriber is None:
        return False
    return send_once(
        email=subscriber.email,
        kind="newsletter",
        send=lambda: welcome_message(subscriber).send(),
    )
