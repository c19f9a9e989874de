"""The API's rate limits with their history in Redis, checked and recorded in one round trip.

DRF's throttles read a client's whole request history from the cache (a pickled list of up to `rate`
timestamps), trim it in Python and write it back: two round trips whose size grows with the rate, and two
workers reading at once may both let a request through. Here the history is a sorted set in Redis and one
Lua script trims it, counts it and records the request only if it is allowed, atomically. The rule is DRF's
exactly: at most `num_requests` requests within any `duration` seconds, a refused request is not recorded, and
Retry-After is computed the same way. Without Redis (a process-memory cache) DRF's own reading is used; with
Redis down the request is let through, as every other use of the cache does (core/cache.py).
"""

import logging
import secrets

from django.core.cache.backends.redis import RedisCacheClient
from redis.commands.core import Script
from rest_framework import throttling

from core.cache import UNAVAILABLE

logger = logging.getLogger(__name__)

# KEYS[1]: the client's history; ARGV: now, duration (s), num_requests, a unique member for this request.
# Returns {allowed (0/1), requests in the window including this one if allowed, the oldest timestamp or false}.
SLIDING_LOG = """
local key = KEYS[1]
local now = tonumber(ARGV[1])
local duration = tonumber(ARGV[2])
local limit = tonumber(ARGV[3])
redis.call('ZREMRANGEBYSCORE', key, '-inf', now - duration)
local count = redis.call('ZCARD', key)
if count < limit then
    redis.call('ZADD', key, now, ARGV[4])
    redis.call('EXPIRE', key, math.ceil(duration))
    return {1, count + 1, false}
end
local oldest = redis.call('ZRANGE', key, 0, 0, 'WITHSCORES')
return {0, count, oldest[2]}
"""

# Sent by its SHA (EVALSHA), loaded into Redis the first time Redis does not know it.
SLIDING_LOG_SCRIPT = Script(None, SLIDING_LOG.encode())


def _redis_client(cache):
    """The Redis client of the cache's primary server (made once per cache connection: Django makes one per call),
    or None when the cache is not Redis. `cache` may be Django's proxy of the default cache."""
    backend = getattr(cache, "_cache", None)
    if not isinstance(backend, RedisCacheClient):
        return None
    client = backend.__dict__.get("_throttle_client")
    if client is None:
        client = backend._throttle_client = backend.get_client(write=True)
    return client


class RedisHistoryMixin:
    """For a SimpleRateThrottle: the same decision as DRF's `allow_request`, taken in Redis."""

    cache_format = "throttle-log_%(scope)s_%(ident)s"  # a sorted set, never DRF's pickled list

    def allow_request(self, request, view):
        if self.rate is None:
            return True
        client = _redis_client(self.cache)
        if client is None:
            return super().allow_request(request, view)
        self.key = self.get_cache_key(request, view)
        if self.key is None:
            return True
        self.now = self.timer()
        key = self.cache.make_and_validate_key(self.key)
        try:
            allowed, count, oldest = SLIDING_LOG_SCRIPT(
                keys=[key],
                args=[repr(self.now), self.duration, self.num_requests, f"{self.now!r}:{secrets.token_hex(6)}"],
                client=client,
            )
        except UNAVAILABLE:
            logger.warning("cache unavailable: throttle %s served without it", self.scope)
            return True
        self.count = int(count)
        self.oldest = None if oldest is None else float(oldest)
        return True if allowed else self.throttle_failure()  # an allowed request is recorded by the script

    def wait(self):
        """DRF's recommendation (`SimpleRateThrottle.wait`) from the count and the oldest request in the window."""
        if not hasattr(self, "count"):
            return super().wait()
        remaining = self.duration if self.oldest is None else self.duration - (self.now - self.oldest)
        available = self.num_requests - self.count + 1
        if available <= 0:
            return None
        return remaining / float(available)


class AnonRateThrottle(RedisHistoryMixin, throttling.AnonRateThrottle):
    pass


class UserRateThrottle(RedisHistoryMixin, throttling.UserRateThrottle):
    pass


class ScopedRateThrottle(RedisHistoryMixin, throttling.ScopedRateThrottle):
    def allow_request(self, request, view):
        # As DRF's: the view's scope names the rate, read per request; a view without a scope is not throttled.
        self.scope = getattr(view, self.scope_attr, None)
        if not self.scope:
            return True
        self.rate = self.get_rate()
        self.num_requests, self.duration = self.parse_rate(self.rate)
        return super().allow_request(request, view)
