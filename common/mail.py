"""What every email the site sends has in common: its domain, its Message-ID, its house-style
template trio, and the way a recurring kind of mail is stopped in one click or by mail.

Apps build their messages with `build_email` and stop a recurring kind through the stop
registry: an app registers a handler for its kind (`register_stop("replies", handler)`), the
one-click POST views and the unsubscribe mailbox call `stop(kind, token)`, and this module knows
no app. Tokens are the app's own signed values; the handler checks them.
"""

import hashlib
import hmac
from collections.abc import Callable
from email.utils import make_msgid
from urllib.parse import quote, urlsplit

from django.conf import settings
from django.core.mail import EmailMultiAlternatives
from django.template.loader import render_to_string


def site_domain() -> str:
    """The domain of SITE_URL: Message-IDs and List-Ids live on it, never on the machine's name."""
    return urlsplit(settings.SITE_URL).hostname or "localhost"


def message_id(kind: str, *ids: int) -> str:
    """A stable Message-ID for (kind, ids): the same inputs always give the same header, so a
    resend after a crash is recognisable as the same message."""
    key = f"{kind}:{':'.join(map(str, ids))}"
    digest = hmac.new(settings.SECRET_KEY.encode(), key.encode(), hashlib.sha256).hexdigest()[:16]
    return f"<{kind}.{'.'.join(map(str, ids))}.{digest}@{site_domain()}>"


def new_message_id(kind: str) -> str:
    """A fresh Message-ID on the site's domain, for mail that is never resent as the same."""
    return make_msgid(idstring=kind, domain=site_domain())


# --- Stopping a recurring kind of mail ----------------------------------------------------------

_stoppers: dict[str, Callable[[str], bool]] = {}


def register_stop(kind: str, handler: Callable[[str], bool]) -> None:
    """`handler(token)` stops `kind` of mail for whoever the token names; True if it did."""
    _stoppers[kind] = handler


def stop(kind: str, token: str) -> bool:
    """Stop `kind` for the token's owner; False for an unknown kind or a token that is not valid."""
    handler = _stoppers.get(kind)
    return bool(handler and handler(token))


def unsubscribe_mailbox() -> str:
    """The address whose mail is read for unsubscribes; empty when nothing reads one, and then
    no message advertises mailto (a promise nobody keeps is worse than none)."""
    return settings.NEWSLETTER_UNSUBSCRIBE_MAILBOX if settings.UNSUBSCRIBE_MAILBOX_READ else ""


def unsubscribe_subject(kind: str, token: str) -> str:
    return f"unsubscribe {kind} {token}"


def parse_unsubscribe_subject(subject: str) -> tuple[str, str] | None:
    """(kind, token) from a mailed unsubscribe's subject, whatever a mail app added before it
    ("Re:", "Fwd:"). A lone token is the newsletter's: issues sent before kinds said only that."""
    words = subject.split()
    lowered = [word.lower() for word in words]
    if "unsubscribe" not in lowered:
        return None
    rest = words[lowered.index("unsubscribe") + 1 :][:2]
    if len(rest) == 2:
        return rest[0].lower(), rest[1]
    if len(rest) == 1:
        return "newsletter", rest[0]
    return None


def list_id(kind: str) -> str:
    """RFC 2919 List-Id of a recurring kind of mail, e.g. `<replies.runtowardbalance.example>`."""
    return f"{settings.SITE_NAME} {kind.replace('-', ' ')} <{kind}.{site_domain()}>"


def one_click_headers(*, kind: str, token: str, url: str) -> dict[str, str]:
    """RFC 2369 and RFC 8058 headers: the https one-click URL and, when a mailbox is read, a
    mailto whose subject names the kind and token; and the List-Id that says which list it
    stops (filters count List-Unsubscribe without List-Id as a spammer's half-copied header)."""
    targets = [f"<{url}>"]
    if mailbox := unsubscribe_mailbox():
        targets.append(f"<mailto:{mailbox}?subject={quote(unsubscribe_subject(kind, token))}>")
    return {
        "List-Id": list_id(kind),
        "List-Unsubscribe": ", ".join(targets),
        "List-Unsubscribe-Post": "List-Unsubscribe=One-Click",
    }


# --- Building a message from its template trio ---------------------------------------------------


def build_email(
    template: str,
    context: dict,
    *,
    to: list[str],
    headers: dict[str, str] | None = None,
    connection=None,
) -> EmailMultiAlternatives:
    """A multipart message from `<template>_subject.txt`, `<template>.txt` and `<template>.html`
    (e.g. "emails/community/reply"), with SITE_NAME and SITE_URL in the context and a
    Message-ID on the site's domain unless `headers` gives one."""
    context = {"SITE_NAME": settings.SITE_NAME, "SITE_URL": settings.SITE_URL, **context}
    subject = " ".join(render_to_string(f"{template}_subject.txt", context).split())
    headers = {"Message-ID": new_message_id(template.rpartition("/")[2]), **(headers or {})}
    message = EmailMultiAlternatives(
        subject=subject,
        body=render_to_string(f"{template}.txt", context),
        to=to,
        headers=headers,
        connection=connection,
    )
    message.attach_alternative(render_to_string(f"{template}.html", context), "text/html")
    return message
