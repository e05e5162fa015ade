"""One rate-limit mechanism for every public write, counted in the cache.

A fixed window per (action, who): the first hit creates the counter with the window as its
timeout, later hits increment it. With Redis every web process shares the count.
"""

import ipaddress

from django.conf import settings
from django.core.cache import cache


class RateLimited(Exception):
    """Raised by services when a member writes faster than the limit allows."""

    def __init__(self, action: str, limit: int, window: int):
        self.action, self.limit, self.window = action, limit, window
        minutes = max(1, round(window / 60))
        super().__init__(
            f"You have reached the limit of {limit} in {minutes} minutes. "
            "Please wait a little and try again — your text is kept below."
        )


def check_rate(action: str, who: str) -> None:
    """Count one `action` by `who`; raise RateLimited when over the configured limit."""
    limit, window = settings.RATE_LIMITS[action]
    key = f"ratelimit:{action}:{who}"
    if cache.add(key, 1, timeout=window):
        return
    try:
        count = cache.incr(key)
    except ValueError:  # expired between add and incr
        cache.add(key, 1, timeout=window)
        return
    if count > limit:
        raise RateLimited(action, limit, window)


def client_network(ip: str) -> str:
    """The /24 (IPv4) or /64 (IPv6) a client address belongs to: limits per network stop one
    machine from rotating through addresses."""
    try:
        address = ipaddress.ip_address(ip)
    except ValueError:
        return "unknown"
    prefix = 24 if address.version == 4 else 64
    return str(ipaddress.ip_network(f"{address}/{prefix}", strict=False))
