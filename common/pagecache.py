"""Whole pages cached for readers who are not signed in, and the versions that invalidate them.

A burst of readers (a newsletter just went out) must cost one render per page, not one per
reader. Pages are kept in Django's cache (Redis in production, shared by every web node; local
memory otherwise) under a key that holds the current *version* of every part of the site the
page shows. Saving or deleting anything a page shows bumps its part's version, so every page
that shows it is rendered afresh on its next visit; the stale entries simply age out.

Parts:
  publication  articles, themes, sections, topics, authors, images
  comments     comments on articles, shares and partner posts
  community    shares, cheers, partner posts, cities, clubs, routes, goals
  newsletter   the public archive of sent issues
  members      members' shown names and pictures
A member's profile and account changes bump every part. Below the page cache nothing is
cached: pages render fast enough on their own (see README, Benchmarks), and members' pages,
which are never cached, are rendered per request like any other.

A piece scheduled for later appears on its own at its time with no write to announce it, so the
publication version also records when the next scheduled piece goes live; the first request
after that moment bumps it.

Only requests that cannot be personal are served from or stored in the cache: GET or HEAD,
no session cookie (nobody signed in, nothing mid-flow), no pending message, a cookie choice that
is either absent (the page shows the banner) or current (it does not), and no query string
beyond `page`. Everything else is rendered as usual and marked private.
"""

import hashlib
import logging
import os
import select
import threading
import time
from collections import OrderedDict
from functools import partial, wraps
from typing import Any

from django.conf import settings
from django.core.cache import cache
from django.db import transaction
from django.db.models.signals import m2m_changed, post_delete, post_save
from django.http import HttpResponse
from django.utils.cache import patch_cache_control, patch_vary_headers

from . import consent
from .cache import redis_client
from .cookies import CONSENT_COOKIE
from .middleware import site_host

logger = logging.getLogger(__name__)

PARTS = ("publication", "comments", "community", "newsletter", "members")
SCHEDULE_KEY = "version:publication:until"


def _version_key(name: str) -> str:
    return f"version:{name}"


def _fresh_version() -> int:
    # Never reused, even when the cache forgets a version (eviction, a Redis restart), so a
    # page stored under an old version can never be mistaken for a current one.
    return time.time_ns() // 1000


# When the next scheduled piece goes live (None: none is waiting). The articles app, which knows
# what a scheduled piece is, says so from its ready() (schedule_with); this module knows no app.
_next_scheduled = None


def schedule_with(next_moment) -> None:
    """`next_moment()` gives the time the next scheduled piece goes live, or None: the
    publication version is bumped then, with no write to announce it."""
    global _next_scheduled
    _next_scheduled = next_moment


def _next_scheduled_timestamp() -> float:
    """When the next scheduled piece goes live (0: none is waiting)."""
    moment = _next_scheduled() if _next_scheduled else None
    return moment.timestamp() if moment else 0


class VersionMirror:
    """This process's copy of the versions, kept current through Redis pub/sub.

    Reading the versions from Redis on every request was the largest cost of a page served
    from the cache: a round trip is about 0.25 ms on our machines, a whole cached page 0.6 ms.
    Every bump publishes on CHANNEL, and a thread in each process listens and forgets its copy,
    so the next read fetches the versions again: a change made on one web node is seen by the
    others as soon as the message arrives (well under a millisecond on a local network).

    The copy is trusted only while the subscription is confirmed and up. Before that, and from
    any error until the subscription is back, every read goes to Redis, so a lost message can
    never leave a page stale. A read that raced a message is not kept (the epoch moved).

    The thread only waits for messages; reading them is done under a lock by whoever comes
    first, the thread or a request (`lookup`). On a loaded machine the thread can still be
    waiting for the CPU when the next request arrives, and that request served the page of the
    old versions although the message was already in this process's socket (seen on a loaded
    2-core machine: one request in a few hundred right after another node's save).
    """

    CHANNEL = "runsite:versions"

    def __init__(self):
        self._values = {}
        self._lock = threading.Lock()
        self._read_lock = threading.Lock()
        self._epoch = 0
        self._live = False
        self._pid = None
        # The listener thread now wanted: a thread that finds another here (after a stop and a
        # restart in the same process) leaves, and touches nothing on its way out.
        self._listener: object | None = None
        self._pubsub = None

    def lookup(self, keys) -> tuple[dict, int]:
        """The versions this process holds for `keys`, and the epoch to remember reads under."""
        self._ensure_listening()
        self._catch_up()
        with self._lock:
            if not self._live:
                return {}, -1
            return {key: self._values[key] for key in keys if key in self._values}, self._epoch

    def remember(self, values: dict, epoch: int) -> None:
        with self._lock:
            if self._live and epoch == self._epoch:
                self._values.update(values)

    def forget(self) -> None:
        with self._lock:
            self._values.clear()
            self._epoch += 1

    def publish(self) -> None:
        """Tell every process (this one at once) that versions changed."""
        self.forget()
        client = redis_client()
        if client is not None:
            client.publish(self.CHANNEL, b"")

    @property
    def live(self) -> bool:
        return self._live

    def stop(self) -> None:
        """Stop listening and forget everything (tests that switch the cache backend)."""
        self._pid = None
        self._listener = None
        with self._lock:
            self._live = False
        self.forget()
        if self._pubsub is not None:
            # Not while the listener reads it: closing returns the connection to the pool, which
            # is the process's one for this server (django-redis), and a read that raced the
            # close would reconnect it under the next user of the pool.
            with self._read_lock:
                self._pubsub.close()

    def _ensure_listening(self) -> None:
        if self._pid == os.getpid() or redis_client() is None:
            return
        # First use in this process (or in a child forked from it, such as a gunicorn worker).
        self._pid = os.getpid()
        self._listener = listener = object()
        self._live = False
        self.forget()
        threading.Thread(
            target=self._listen, args=(listener,), name="version-mirror", daemon=True
        ).start()

    def _catch_up(self) -> None:
        """Apply the messages that reached this process before the request did."""
        pubsub = self._pubsub
        if pubsub is None or not self._live:
            return
        try:
            # Most requests find nothing waiting, and asking the socket is one system call where
            # redis-py's get_message cost 25 µs a request. Checked in this order: what the
            # socket held is only ever taken under the read lock, so a message is either still
            # in the socket or being applied by whoever holds the lock, which _read waits for.
            if select.select([pubsub.connection._sock], [], [], 0)[0] or self._read_lock.locked():
                self._read(pubsub)
        except Exception:
            with self._lock:  # the thread reconnects; until then every read goes to Redis
                self._live = False
                self._values.clear()
                self._epoch += 1

    def _read(self, pubsub) -> None:
        with self._read_lock:
            while (message := pubsub.get_message(timeout=0)) is not None:
                with self._lock:
                    self._values.clear()
                    self._epoch += 1
                    if message["type"] == "subscribe" and pubsub is self._pubsub:
                        self._live = True

    def _listen(self, listener: object) -> None:
        pubsub = None
        while self._listener is listener:
            try:
                pubsub = redis_client().pubsub()
                if self._listener is not listener:
                    break
                self._pubsub = pubsub
                pubsub.subscribe(self.CHANNEL)
                while self._listener is listener:
                    # Wait without reading, so that what arrives stays readable by a request.
                    select.select([pubsub.connection._sock], [], [], 1.0)
                    self._read(pubsub)
            except Exception:
                if self._listener is listener:
                    logger.warning("Version mirror lost its Redis subscription", exc_info=True)
            if self._listener is not listener:
                break
            with self._lock:
                self._live = False
                self._values.clear()
                self._epoch += 1
            time.sleep(1)
        if pubsub is not None and pubsub is not self._pubsub:
            with self._read_lock:  # a subscription stop() did not see: this thread's own
                pubsub.close()


mirror = VersionMirror()


def versions(names) -> tuple[int, ...]:
    """The current version of each part, in order: from this process's mirror,
    or in one cache round trip."""
    keys = [_version_key(name) for name in names]
    watch_schedule = "publication" in names
    wanted = [*keys, SCHEDULE_KEY] if watch_schedule else keys
    found, epoch = mirror.lookup(wanted)
    missing = [key for key in wanted if key not in found]
    if missing:
        fetched = cache.get_many(missing)
        mirror.remember(fetched, epoch)
        found.update(fetched)
    if watch_schedule:
        until = found.get(SCHEDULE_KEY)
        if until is None:
            cache.set(SCHEDULE_KEY, _next_scheduled_timestamp(), None)
            mirror.publish()
        elif until and time.time() >= until:
            bump("publication")
            found.update(cache.get_many(keys))
    result = []
    for key in keys:
        value = found.get(key)
        if value is None:
            if cache.add(key, _fresh_version(), None):
                mirror.publish()
            value = cache.get(key)
        result.append(value)
    return tuple(result)


def bump(*parts: str) -> None:
    """A change to these parts is saved: what shows them is rendered afresh.

    Bumped at once (tests, and a request reading its own write) and again after the
    transaction commits, so a page rendered from the old rows in between is never kept.
    """
    parts = parts or PARTS
    _bump_now(parts)
    transaction.on_commit(partial(_bump_now, parts))


def _bump_now(parts) -> None:
    for part in parts:
        key = _version_key(part)
        try:
            cache.incr(key)
        except ValueError:  # forgotten or never set
            cache.set(key, _fresh_version(), None)
    if "publication" in parts:
        cache.set(SCHEDULE_KEY, _next_scheduled_timestamp(), None)
    mirror.publish()


def is_deferred_bump(callback) -> bool:
    """Whether an on-commit callback is bump()'s (tests count the tasks a write queues)."""
    return getattr(callback, "func", None) is _bump_now


def watch(model, *parts: str) -> None:
    """Bump `parts` whenever a row of `model` is saved or deleted (or its many-to-many links)."""

    def changed(sender, instance=None, **kwargs):
        if kwargs.get("raw"):
            return
        bump(*parts)

    uid = f"pagecache:{model._meta.label}"
    post_save.connect(changed, sender=model, weak=False, dispatch_uid=f"{uid}:save")
    post_delete.connect(changed, sender=model, weak=False, dispatch_uid=f"{uid}:delete")
    for field in model._meta.local_many_to_many:
        m2m_changed.connect(
            changed, sender=field.remote_field.through, weak=False, dispatch_uid=f"{uid}:{field}"
        )


# --- Serving -----------------------------------------------------------------------------------


class LocalPages:
    """The pages this process served last, by their versioned key, up to `max_bytes`.

    A key names one rendering of one page for ever (it holds the versions), so a copy kept here
    can never be stale: Redis still decides the current versions on every request, and only
    the page itself, tens of kilobytes, is not fetched again.
    """

    def __init__(self, max_bytes: int):
        self.max_bytes = max_bytes
        self._pages: OrderedDict[str, tuple[float, Any]] = OrderedDict()
        self._size = 0
        self._lock = threading.Lock()

    def get(self, key):
        with self._lock:
            entry = self._pages.get(key)
            if entry is None:
                return None
            expires, stored = entry
            if expires < time.monotonic():
                self._drop(key)
                return None
            self._pages.move_to_end(key)
            return stored

    def put(self, key, stored, timeout: float) -> None:
        size = len(stored[0])
        if size > self.max_bytes:
            return
        with self._lock:
            if key in self._pages:
                self._drop(key)
            self._pages[key] = (time.monotonic() + timeout, stored)
            self._size += size
            while self._size > self.max_bytes:
                self._drop(next(iter(self._pages)))

    def clear(self) -> None:
        with self._lock:
            self._pages.clear()
            self._size = 0

    def _drop(self, key) -> None:
        _, stored = self._pages.pop(key)
        self._size -= len(stored[0])


local_pages = LocalPages(settings.PAGE_CACHE_LOCAL_BYTES)


def variant(request, query=("page",)) -> str | None:
    """Which shared copy of a page this request may see, or None if it must be rendered."""
    if request.method not in ("GET", "HEAD") or settings.PAGE_CACHE_SECONDS <= 0:
        return None
    cookies = request.COOKIES
    if settings.SESSION_COOKIE_NAME in cookies or "messages" in cookies:
        return None
    if request.META.get("QUERY_STRING") and not set(request.GET).issubset(query):
        return None
    if CONSENT_COOKIE not in cookies:
        return "banner"
    if consent.read(request) is not None:
        return "chosen"
    return None  # an outdated or damaged choice: the banner asks again, for this visitor only


def _page_key(request, kind: str, parts) -> str:
    # The site's own host, as SiteHostMiddleware pins every request to: never the request's.
    location = f"{site_host(settings.SITE_URL)}{request.get_full_path()}".encode()
    digest = hashlib.md5(location, usedforsecurity=False).hexdigest()
    return f"page:{kind}:{'.'.join(map(str, versions(parts)))}:{digest}"


def _mark_shared(response) -> None:
    patch_cache_control(
        response, public=True, max_age=0, s_maxage=settings.PAGE_CACHE_SHARED_SECONDS
    )
    patch_vary_headers(response, ["Cookie"])


def _mark_private(response) -> None:
    patch_cache_control(response, private=True, max_age=0)
    patch_vary_headers(response, ["Cookie"])


def _storable(response) -> bool:
    return (
        response.status_code == 200
        and not response.streaming
        and not response.cookies
        and "private" not in response.get("Cache-Control", "")
        and "no-store" not in response.get("Cache-Control", "")
    )


def _stored_page(request, kind: str, parts) -> tuple[str, Any]:
    """The page's key, and its stored copy (from this process, else from the cache) or None."""
    key = _page_key(request, kind, parts)
    stored = local_pages.get(key)
    if stored is None:
        stored = cache.get(key)
        if stored is not None:
            local_pages.put(key, stored, settings.PAGE_CACHE_SECONDS)
    return key, stored


def _hit(stored) -> HttpResponse:
    content, headers = stored
    response = HttpResponse(content, headers=headers)
    response["X-Page-Cache"] = "hit"
    # What CommonMiddleware gives every other response; an early hit never reaches it.
    response["Content-Length"] = str(len(content))
    return response


# The paths of cached views whose pages this process stored or served, with what their keys
# need, so that CachedPageMiddleware can serve the stored copies without resolving the URL.
# Learnt from the view itself, never from the request alone; forgotten all at once when it
# grows too big.
_routes: dict[str, tuple[tuple[str, ...], tuple[str, ...]]] = {}
MAX_ROUTES = 10_000


def forget_routes() -> None:
    """Forget the paths learnt (tests that change the URLs or the settings between requests)."""
    _routes.clear()


def _learn(request, parts: tuple[str, ...], query: tuple[str, ...]) -> None:
    """Remember a path whose page was just stored or served: a path that only ever answers
    404 or a private page (made-up slugs, say) is never learnt."""
    path = request.path_info
    if request.method == "GET" and path not in _routes:
        if len(_routes) >= MAX_ROUTES:
            _routes.clear()
        _routes[path] = (parts, query)


def cache_public_page(*parts: str, query=("page",)):
    """Serve the view from the page cache for anonymous readers. `parts` are what the page
    shows; `query` the query parameters that select a page (any other one is rendered).

    A hit is served by CachedPageMiddleware before the view is even resolved, so a decorator
    outside this one never runs for it: one that changes a response (headers, policies) goes
    inside, where the stored page is made."""
    unknown = set(parts) - set(PARTS)
    if unknown:
        raise ValueError(f"unknown page parts: {', '.join(sorted(unknown))}")
    query = tuple(query)

    def decorator(view):
        @wraps(view)
        def wrapped(request, *args, **kwargs):
            kind = variant(request, query)
            if kind is None:
                response = view(request, *args, **kwargs)
                _mark_private(response)
                return response
            key, stored = _stored_page(request, kind, parts)
            if stored is not None:
                _learn(request, parts, query)
                return _hit(stored)
            response = view(request, *args, **kwargs)
            if hasattr(response, "render") and not response.is_rendered:
                response.render()
            if not _storable(response):
                _mark_private(response)
                return response
            _mark_shared(response)
            if not response.has_header("ETag"):
                digest = hashlib.md5(response.content, usedforsecurity=False).hexdigest()
                response["ETag"] = f'"{digest}"'
            headers = {
                name: response[name]
                for name in ("Content-Type", "Content-Language", "Cache-Control", "Vary", "ETag")
                if response.has_header(name)
            }
            cache.set(key, (response.content, headers), settings.PAGE_CACHE_SECONDS)
            local_pages.put(key, (response.content, headers), settings.PAGE_CACHE_SECONDS)
            _learn(request, parts, query)
            response["X-Page-Cache"] = "miss"
            return response

        return wrapped

    return decorator


class CachedPageMiddleware:
    """Serves a stored page before the middleware below it and the URL resolver run.

    Only for a GET that the cached view itself would answer from the cache (`variant`: no
    session, no pending message, a current cookie choice or none, no unknown query), on a path
    that view has served in this process. For such a request sessions, CSRF, authentication,
    messages and allauth have nothing to do, and skipping them and the resolver was about a
    third of a hit's time. Everything above it (request id and log line, security headers,
    CSP, the Host and input checks, static files, ETags and 304s) runs as for any response.
    Anything else, a miss included, goes down the stack as usual."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        route = _routes.get(request.path_info) if request.method == "GET" else None
        if route is not None:
            parts, query = route
            kind = variant(request, query)
            if kind is not None:
                _, stored = _stored_page(request, kind, parts)
                if stored is not None:
                    return _hit(stored)
        return self.get_response(request)
