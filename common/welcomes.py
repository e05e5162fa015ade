"""One welcome email per address, ever, whichever way the address arrived.

A member who signs up and subscribes to the newsletter at about the same time confirms two
things; both apps offer a welcome, and the first to claim the address sends it. A claim is taken
before sending and given back if the send fails, so a retry can send it and two workers cannot.
"""

import hashlib
import hmac
from collections.abc import Callable

from django.conf import settings
from django.db import IntegrityError, transaction

from .models import WelcomeSent


def _digest(email: str) -> str:
    key = email.strip().lower().encode()
    return hmac.new(settings.SECRET_KEY.encode(), key, hashlib.sha256).hexdigest()


def has_been_welcomed(email: str) -> bool:
    return WelcomeSent.objects.filter(address_digest=_digest(email)).exists()


def send_once(*, email: str, kind: str, send: Callable[[], object]) -> bool:
    """Call `send` unless the address was welcomed before; True if this call sent it."""
    try:
        with transaction.atomic():
            claim = WelcomeSent.objects.create(address_digest=_digest(email), kind=kind)
    except IntegrityError:
        return False
    try:
        send()
    except Exception:
        claim.delete()  # not sent: the task's retry may try again
        raise
    return True
