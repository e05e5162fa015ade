"""The id that ties one request's log lines, and those of the tasks it enqueued, together.

RequestIdMiddleware (common/middleware.py) sets it for a request; the Celery signals in
runsite/celery.py carry it in task message headers and set it again while the task runs;
RequestIdFilter puts it on every log record. A context variable, so threads and eager tasks
each see their own.
"""

import logging
import re
import secrets
from contextvars import ContextVar, Token

# What we accept from a client or a proxy: short and harmless in a log line or a header.
_SANE = re.compile(r"[A-Za-z0-9._-]{1,64}")

_current: ContextVar[str | None] = ContextVar("request_id", default=None)


def is_valid(value: object) -> bool:
    return isinstance(value, str) and _SANE.fullmatch(value) is not None


def new() -> str:
    """32 random hex digits, as a UUID4's hex (without building the UUID: a third the time)."""
    return secrets.token_hex(16)


def get() -> str | None:
    return _current.get()


def bind(value: str | None) -> Token:
    """Make `value` the current id until reset(token)."""
    return _current.set(value)


def reset(token: Token) -> None:
    _current.reset(token)


class RequestIdFilter(logging.Filter):
    """Adds `request_id` to every record (`default` when there is none) and lets it through."""

    def __init__(self, name: str = "", default: str | None = None):
        super().__init__(name)
        self.default = default

    def filter(self, record: logging.LogRecord) -> bool:
        if getattr(record, "request_id", None) is None:
            record.request_id = _current.get() or self.default
        return True
