"""One rate-limit mechanism for every public write, counted in the cache.

A fixed window per (action, who): the first hit creates the counter with the window as its
timeout, and records when the window ends; later hits increment it. With Redis every web
process shares the count. Every limit on a client (not a member) is keyed by `client_ip()`,
the one notion of the client behind the site's proxies.
"""

import ipaddress
import math
import time

from django.conf import settings
from django.core.cache import cache


class RateLimited(Exception):
    """Raised by services when a member writes faster than the limit allows."""

    def __init__(self, action: str, limit: int, window: int, retry_after: int | None = None):
        self.action, self.limit, self.window = action, limit, window
        # Seconds until the window ends and the limit lets the next one through.
        self.retry_after = window if retry_after is None else max(1, retry_after)
        super().__init__(
            f"You have reached the limit of {limit} in {_minutes(window)}. "
            f"Please try again in {self.wait} — your text is kept below."
        )

    @property
    def wait(self) -> str:
        """When to retry, in words: "3 minutes", "1 minute"."""
        return _minutes(self.retry_after)


def _minutes(seconds: int) -> str:
    minutes = max(1, math.ceil(seconds / 60))
    return "1 minute" if minutes == 1 else f"{minutes} minutes"


def _key(action: str, who: str) -> str:
    return f"ratelimit:{action}:{who}"


def check_rate(action: str, who: str) -> None:
    """Count one `action` by `who`; raise RateLimited when over the configured limit."""
    limit, window = settings.RATE_LIMITS[action]
    if _count(_key(action, who), window) > limit:
        raise RateLimited(action, limit, window, retry_after(action, who))


def check_locked(action: str, who: str) -> None:
    """Raise RateLimited if `who` has used up `action`'s limit, without counting a try: for
    lockouts that count only failures (see `record_failure`)."""
    limit, window = settings.RATE_LIMITS[action]
    if (cache.get(_key(action, who)) or 0) >= limit:
        raise RateLimited(action, limit, window, retry_after(action, who))


def record_failure(action: str, who: str) -> None:
    """Count one failed try of `action` by `who`, for `check_locked`."""
    _count(_key(action, who), settings.RATE_LIMITS[action][1])


def retry_after(action: str, who: str) -> int:
    """Seconds until `who`'s current window for `action` ends."""
    window = settings.RATE_LIMITS[action][1]
    ends_at = cache.get(f"{_key(action, who)}:ends")
    return window if ends_at is None else max(1, math.ceil(ends_at - time.time()))


def _count(key: str, window: int) -> int:
    if cache.add(key, 1, timeout=window):
        cache.set(f"{key}:ends", time.time() + window, timeout=window)
        return 1
    try:
        return cache.incr(key)
    except ValueError:  # expired between add and incr
        return _count(key, window)


def client_ip(request) -> str:
    """The visitor's address, as the site's own proxies saw it.

    Behind `TRUSTED_PROXY_COUNT` proxies that each append to X-Forwarded-For, the client is the
    entry that many places from the end: what a visitor writes into the header themselves stands
    before it and is never read. Without proxies (or when the header is shorter than it must be,
    as for a request that bypassed them) it is the connection's own address."""
    count = settings.TRUSTED_PROXY_COUNT
    remote = request.META.get("REMOTE_ADDR", "")
    forwarded = [hop.strip() for hop in request.headers.get("X-Forwarded-For", "").split(",")]
    if count > 0 and len(forwarded) >= count:
        candidate = forwarded[-count]
        try:
            return str(ipaddress.ip_address(candidate))
        except ValueError:
            return remote
    return remote


def client_network_of(request) -> str:
    """The network of the request's client (see `client_ip` and `client_network`)."""
    return client_network(client_ip(request))


def client_network(ip: str) -> str:
    """The /24 (IPv4) or /64 (IPv6) a client address belongs to: limits per network stop one
    machine from rotating through addresses."""
    try:
        address = ipaddress.ip_address(ip)
    except ValueError:
        return "unknown"
    prefix = 24 if address.version == 4 else 64
    return str(ipaddress.ip_network(f"{address}/{prefix}", strict=False))
