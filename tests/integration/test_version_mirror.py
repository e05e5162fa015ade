"""Each web process mirrors the page-cache versions and follows Redis at once: a change made
by another node, its own change, and a lost subscription (then it reads Redis every time)."""

import select
import threading
import time
from types import SimpleNamespace

import pytest
import redis
from django.core.cache import cache

from common import pagecache


def _wait_for(condition, timeout=3.0):
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if condition():
            return True
        time.sleep(0.005)
    return False


@pytest.fixture
def redis_cache(settings, test_redis_url):
    location = test_redis_url
    settings.CACHES = {
        "default": {
            "BACKEND": "django_redis.cache.RedisCache",
            "LOCATION": location,
            "KEY_PREFIX": "m",
        }
    }
    cache.clear()
    pagecache.versions(["newsletter"])  # starts this process's listener
    assert _wait_for(lambda: pagecache.mirror.live), "the mirror never subscribed"
    other_node = redis.Redis.from_url(location)
    yield other_node
    pagecache.mirror.stop()
    other_node.flushdb()


def _key(name):
    return cache.make_key(f"version:{name}")


def test_a_change_made_on_another_node_is_seen_at_once(redis_cache, db):
    before = pagecache.versions(["comments"])
    assert pagecache.versions(["comments"]) == before  # now answered from the mirror

    redis_cache.incr(_key("comments"))  # what another node's bump does...
    redis_cache.publish(pagecache.VersionMirror.CHANNEL, b"")  # ...and announces

    assert _wait_for(lambda: pagecache.versions(["comments"]) == (before[0] + 1,), timeout=1)


def test_a_processs_own_change_is_seen_without_waiting_for_the_message(redis_cache, db):
    before = pagecache.versions(["community"])

    pagecache.bump("community")

    assert pagecache.versions(["community"]) == (before[0] + 1,)


def test_without_its_subscription_the_mirror_reads_redis_every_time(redis_cache, db):
    before = pagecache.versions(["members"])
    redis_cache.client_kill_filter(_type="pubsub")
    assert _wait_for(lambda: not pagecache.mirror.live), "the lost subscription went unnoticed"

    redis_cache.incr(_key("members"))  # no message: only a read from Redis can see it

    assert pagecache.versions(["members"]) == (before[0] + 1,)
    assert _wait_for(lambda: pagecache.mirror.live, timeout=5), "the mirror did not come back"
    assert pagecache.versions(["members"]) == (before[0] + 1,)


def test_a_request_applies_a_message_that_arrived_while_the_listener_was_starved(
    redis_cache, db, monkeypatch
):
    """On a loaded machine the listener thread may get no CPU between another node's save and
    this process's next request; the request must then apply what already reached the process
    itself, or it serves the page of the old versions (tests/integration/test_multinode.py)."""
    before = pagecache.versions(["comments"])
    starved, release = threading.Event(), threading.Event()

    def wait_without_cpu(*args):
        if starved.is_set():
            return select.select(*args)
        starved.set()
        release.wait(5)  # the thread is stuck here, as if the machine gave it no time
        return [], [], []

    monkeypatch.setattr(pagecache, "select", SimpleNamespace(select=wait_without_cpu))
    try:
        assert starved.wait(3), "the listener never waited again"
        assert pagecache.versions(["comments"]) == before  # the mirror holds it from here on
        redis_cache.incr(_key("comments"))  # another node's bump...
        redis_cache.publish(pagecache.VersionMirror.CHANNEL, b"")  # ...and its message
        subscription = pagecache.mirror._pubsub.connection._sock
        assert select.select([subscription], [], [], 2)[0], "the message never arrived"

        assert pagecache.versions(["comments"]) == (before[0] + 1,)
    finally:
        release.set()


def test_a_stop_and_a_restart_in_one_process_leave_one_listener(redis_cache, db):
    """Tests that switch the cache backend stop the mirror, and the next request starts it again
    in the same process: the old listener must leave, or two threads read the subscription and
    a request can miss the message the other one took."""
    pagecache.mirror.stop()
    pagecache.versions(["comments"])  # the next request starts a listener again
    assert _wait_for(lambda: pagecache.mirror.live), "the mirror never subscribed again"

    time.sleep(2.5)  # past the old listener's wait (1 s) and its pause before retrying (1 s)

    listeners = [t for t in threading.enumerate() if t.name == "version-mirror" and t.is_alive()]
    assert len(listeners) == 1
    assert pagecache.mirror.live
