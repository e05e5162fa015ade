"""The Redis client behind the cache, for what the cache API cannot do (pub/sub).

The cache itself is django-redis (CACHES in runsite/settings/base.py): it keeps one redis.Redis
per server, where Django's own Redis backend built one (and its table of some 170 response
callbacks) for every cache call, a third of the time of a page served from the cache.
"""

from django_redis import get_redis_connection


def redis_client(alias: str = "default"):
    """The redis.Redis behind the cache `alias`, or None when that cache is not on Redis (local
    memory in the tests and in development without REDIS_URL)."""
    try:
        return get_redis_connection(alias)
    except NotImplementedError:  # django-redis's answer for any other backend
        return None
