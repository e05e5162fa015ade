"""Reading the unsubscribe mailbox: each message's subject, and nothing else of it, asks to stop
a kind of mail ("unsubscribe <kind> <token>", `common.mail.parse_unsubscribe_subject`).

Two readers share `act_on_subject`: `read_mailbox` polls an IMAP mailbox (beat, every five
minutes: common/tasks.py), and `on_inbound` takes what a provider's inbound webhook delivers
(anymail's `inbound` signal). The signed token in the subject is the only authority, as in the
one-click link: a forged or stale one stops nothing.

IMAP handling, in short: the search is for unseen, undeleted messages, a window of sequence
numbers at a time, so no answer grows with the mailbox; of each, only the Subject field is
fetched, cut at SUBJECT_BYTES by the server. A message is acted on first and flagged after, so
a reader that dies in between only repeats stops (they are idempotent). A message that stopped
something is flagged \\Seen and \\Deleted and expunged at the end of the run: the database
records the unsubscribe, and the mail itself holds nothing else we need. Any other message (not
an unsubscribe, or a token that is not valid) is flagged \\Seen and left where it is for a
person to read: "please unsubscribe me" deserves an answer. One reader at a time holds a lock
in the cache (Redis in production), so two workers never work the same messages at once.
"""

import contextlib
import enum
import imaplib
import ipaddress
import logging
import re
import secrets
import ssl
from collections import Counter
from dataclasses import dataclass, field
from email.errors import HeaderParseError
from email.header import decode_header
from email.parser import HeaderParser
from email.policy import compat32
from urllib.parse import unquote, urlsplit

logger = logging.getLogger(__name__)

# A real unsubscribe subject is under 200 characters; encoded and folded by a mail app, well
# under 1,000. Anything longer is cut before it is decoded, and the decoded text again.
SUBJECT_BYTES = 2048
SUBJECT_CHARS = 500
# Messages searched per window, and looked at per run at most: a flood waits for the next runs
# rather than holding one worker for long.
WINDOW = 200
MAX_PER_RUN = 1000
# Seconds any one IMAP operation (connect, a command) may wait.
TIMEOUT_SECONDS = 30
LOCK_KEY = "unsubscribe-mailbox:reader"
# Longer than a run can take (MAX_PER_RUN messages), so a reader that dies frees it in time.
LOCK_SECONDS = 600
DEFAULT_PORTS = {"imaps": 993, "imap": 143, "imap+plain": 143}


class Outcome(enum.StrEnum):
    STOPPED = "stopped"  # a valid token: that kind of mail is off for its owner
    REFUSED = "refused"  # an unsubscribe, but of an unknown kind or with a token not valid
    IGNORED = "ignored"  # not an unsubscribe at all


# --- One subject ---------------------------------------------------------------------------------


def decode_subject(raw: str) -> str:
    """A Subject field's text with RFC 2047 words decoded, whitespace collapsed, cut to
    SUBJECT_CHARS; it never raises, whatever arrived (broken base64, unknown charsets)."""
    raw = str(raw)[:SUBJECT_BYTES]
    try:
        parts = decode_header(raw)
    except (HeaderParseError, ValueError):
        parts = [(raw, None)]
    text = "".join(_decoded(part, charset) for part, charset in parts)
    return " ".join(text.split())[:SUBJECT_CHARS]


def _decoded(part: bytes | str, charset: str | None) -> str:
    if isinstance(part, str):
        return part
    try:
        return part.decode(charset or "ascii", errors="replace")
    except LookupError:  # a charset Python does not know
        return part.decode("ascii", errors="replace")


def act_on_subject(raw_subject: str) -> Outcome:
    """Stop the kind of mail a mailed unsubscribe's subject names, if its token is valid."""
    from common.mail import parse_unsubscribe_subject, stop

    parsed = parse_unsubscribe_subject(decode_subject(raw_subject))
    if parsed is None:
        return Outcome.IGNORED
    return Outcome.STOPPED if stop(*parsed) else Outcome.REFUSED


# --- The provider's inbound webhook --------------------------------------------------------------


def on_inbound(sender, event, esp_name: str = "", **kwargs) -> None:
    """anymail's `inbound` signal, while NEWSLETTER_UNSUBSCRIBE_INBOUND is on: one message the
    provider received for the mailbox. An error (the database is down) goes back to the webhook
    as a 500, and the provider delivers the message again later."""
    from django.conf import settings

    message = getattr(event, "message", None)
    if not settings.NEWSLETTER_UNSUBSCRIBE_INBOUND or message is None:
        return
    # The field as it arrived (raw_items skips the email package's own parsing), so it is cut
    # before anything decodes it.
    subject = next((value for name, value in message.raw_items() if name.lower() == "subject"), "")
    outcome = act_on_subject(subject)
    logger.info(
        "Unsubscribe mailbox: one message from %s's inbound webhook, %s.", esp_name, outcome
    )


# --- The IMAP mailbox ----------------------------------------------------------------------------


@dataclass(frozen=True)
class ImapAccount:
    scheme: str
    host: str
    port: int
    user: str
    password: str = field(repr=False)
    mailbox: str


def parse_imap_url(url: str) -> ImapAccount:
    """NEWSLETTER_UNSUBSCRIBE_IMAP_URL's parts: `imaps://` (TLS from the start), `imap://`
    (STARTTLS, required), or `imap+plain://` (no TLS, only to a loopback address: tests, or a
    local tunnel). User and password are percent-decoded; the path names the mailbox (INBOX)."""
    parts = urlsplit(url)
    if parts.scheme not in DEFAULT_PORTS:
        raise ValueError("the scheme must be imaps://, imap:// (STARTTLS) or imap+plain://")
    if not (parts.hostname and parts.username and parts.password):
        raise ValueError("it must name a user, a password and a host")
    if parts.scheme == "imap+plain" and not _is_loopback(parts.hostname):
        raise ValueError("imap+plain:// sends the password unencrypted: loopback addresses only")
    return ImapAccount(
        scheme=parts.scheme,
        host=parts.hostname,
        port=parts.port or DEFAULT_PORTS[parts.scheme],
        user=unquote(parts.username),
        password=unquote(parts.password),
        mailbox=unquote(parts.path.lstrip("/")) or "INBOX",
    )


def _is_loopback(host: str) -> bool:
    if host == "localhost":
        return True
    try:
        return ipaddress.ip_address(host).is_loopback
    except ValueError:
        return False


def read_mailbox(url: str) -> Counter | None:
    """Act on the unsubscribes waiting in the IMAP mailbox at `url`; their counts by Outcome
    (and "failed"), or None when the mailbox could not be read this time (logged; the next run
    tries again) or another reader is at it."""
    from django.core.cache import cache

    try:
        account = parse_imap_url(url)
    except ValueError as error:
        logger.error("NEWSLETTER_UNSUBSCRIBE_IMAP_URL is not usable: %s.", error)
        return None
    holder = secrets.token_hex(8)
    if not cache.add(LOCK_KEY, holder, LOCK_SECONDS):
        logger.info("Unsubscribe mailbox: another reader is at it; this run leaves it alone.")
        return None
    counts: Counter[str] = Counter()
    try:
        _read(account, counts)
    except (OSError, imaplib.IMAP4.error) as error:
        logger.warning(
            "Unsubscribe mailbox %s on %s not read, trying again next run (so far %s): %s",
            account.mailbox,
            account.host,
            _summary(counts),
            error,
        )
        return None
    finally:
        if cache.get(LOCK_KEY) == holder:
            cache.delete(LOCK_KEY)
    if counts.total():
        logger.info("Unsubscribe mailbox read: %s.", _summary(counts))
    return counts


def _summary(counts: Counter) -> str:
    return ", ".join(f"{counts[name]} {name}" for name in [*Outcome, "failed"])


def _connect(account: ImapAccount) -> imaplib.IMAP4:
    if account.scheme == "imaps":
        return imaplib.IMAP4_SSL(
            account.host,
            account.port,
            ssl_context=ssl.create_default_context(),
            timeout=TIMEOUT_SECONDS,
        )
    return imaplib.IMAP4(account.host, account.port, timeout=TIMEOUT_SECONDS)


def _read(account: ImapAccount, counts: Counter) -> None:
    imap = _connect(account)
    try:
        _read_mailbox(imap, account, counts)
    except BaseException:
        # Closed without a LOGOUT (as IMAP4's own `with` would send): on a broken or silent
        # connection that would raise in place of the error, or wait out another timeout.
        with contextlib.suppress(OSError):
            imap.shutdown()
        raise
    # The work is done; a server that goes away before saying goodbye changes nothing.
    with contextlib.suppress(OSError, imaplib.IMAP4.error):
        imap.logout()


def _read_mailbox(imap: imaplib.IMAP4, account: ImapAccount, counts: Counter) -> None:
    """Log in, then act on the mailbox's unseen messages a window at a time."""
    if account.scheme == "imap":
        if "STARTTLS" not in imap.capabilities:
            raise imaplib.IMAP4.error("the server offers no STARTTLS, so no password is sent")
        imap.starttls(ssl_context=ssl.create_default_context())
    imap.login(account.user, account.password)
    (exists,) = _ok(imap.select(_quoted(account.mailbox)))
    deleted = False
    for start in range(1, int(exists) + 1, WINDOW):
        room = MAX_PER_RUN - counts.total()
        if room <= 0:
            break
        end = min(start + WINDOW - 1, int(exists))
        # imaplib takes None for "no CHARSET"; its stubs say only str.
        (found,) = _ok(imap.uid("SEARCH", None, f"{start}:{end}", "UNSEEN", "UNDELETED"))  # type: ignore[arg-type]
        uids = found.split()[:room]
        if uids:
            deleted |= _act_on_window(imap, uids, counts)
    if deleted:
        _ok(imap.expunge())


def _act_on_window(imap: imaplib.IMAP4, uids: list[bytes], counts: Counter) -> bool:
    """Act on these messages, then flag them; True if any is to be expunged."""
    fetched = _ok(
        imap.uid(
            "FETCH",
            b",".join(uids).decode(),
            f"(BODY.PEEK[HEADER.FIELDS (SUBJECT)]<0.{SUBJECT_BYTES}>)",
        )
    )
    done: list[bytes] = []
    seen: list[bytes] = []
    for uid, header in _headers_by_uid(fetched).items():
        subject = HeaderParser(policy=compat32).parsestr(
            header[:SUBJECT_BYTES].decode("utf-8", errors="replace")
        )["Subject"]
        try:
            outcome = act_on_subject(subject or "")
        except Exception:
            # Left unseen, so the next run tries it again; the others go on.
            logger.exception("Unsubscribe mailbox: a message could not be acted on.")
            counts["failed"] += 1
            continue
        counts[outcome] += 1
        (done if outcome == Outcome.STOPPED else seen).append(uid)
    if seen:
        _ok(imap.uid("STORE", b",".join(seen).decode(), "+FLAGS.SILENT", r"(\Seen)"))
    if done:
        _ok(imap.uid("STORE", b",".join(done).decode(), "+FLAGS.SILENT", r"(\Seen \Deleted)"))
    return bool(done)


_UID = re.compile(rb"\bUID (\d+)")


def _headers_by_uid(fetched: list) -> dict[bytes, bytes]:
    """{uid: header bytes} from a FETCH answer, whether the server puts UID before the header
    literal (in the tuple's first part) or after it (in the bytes item that follows)."""
    found = {}
    for index, item in enumerate(fetched):
        if not isinstance(item, tuple):
            continue
        meta, literal = item
        after = fetched[index + 1] if index + 1 < len(fetched) else b""
        match = _UID.search(meta) or (isinstance(after, bytes) and _UID.search(after))
        if match:
            found[match.group(1)] = literal
    return found


def _ok(answer: tuple[str, list]) -> list:
    status, data = answer
    if status != "OK":
        raise imaplib.IMAP4.error(f"{status} {data!r}")
    return data


def _quoted(mailbox: str) -> str:
    return '"' + mailbox.replace("\\", "\\\\").replace('"', '\\"') + '"'
