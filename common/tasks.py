"""Site-wide tasks: they call a service and are safe to run twice."""

from celery import shared_task
from django.conf import settings

from . import unsubscribe_mailbox


# Named as it was before the module moved from runsite, for tasks already queued and beat.
@shared_task(name="runsite.tasks.read_unsubscribe_mailbox")
def read_unsubscribe_mailbox() -> dict[str, int] | None:
    """Act on the mailed unsubscribes waiting in the IMAP mailbox (beat, every five minutes).
    A mailbox that cannot be read logs a WARNING and waits for the next run: no retry here, as
    beat is the retry."""
    if not settings.NEWSLETTER_UNSUBSCRIBE_IMAP_URL:
        return None
    counts = unsubscribe_mailbox.read_mailbox(settings.NEWSLETTER_UNSUBSCRIBE_IMAP_URL)
    return None if counts is None else {str(name): count for name, count in counts.items()}
