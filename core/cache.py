"""A Redis cache the web keeps serving without: when Redis is down or slow, reads miss and writes are dropped
(logged), instead of every request that touches the cache (throttles, rate limits, e-mail de-duplication)
failing with a 500."""

import logging

from django.core.cache.backends.redis import RedisCache
from redis.exceptions import ConnectionError as RedisConnectionError
from redis.exceptions import TimeoutError as RedisTimeoutError

logger = logging.getLogger(__name__)

UNAVAILABLE = (RedisConnectionError, RedisTimeoutError, OSError)


class ResilientRedisCache(RedisCache):
    def _degraded(self, operation: str, fallback):
        logger.warning("cache unavailable: %s served without it", operation)
        return fallback

    def get(self, key, default=None, version=None):
        try:
            return super().get(key, default, version)
        except UNAVAILABLE:
            return self._degraded("get", default)

    def get_many(self, keys, version=None):
        try:
            return super().get_many(keys, version)
        except UNAVAILABLE:
            return self._degraded("get_many", {})

    def has_key(self, key, version=None):
        try:
            return super().has_key(key, version)
        except UNAVAILABLE:
            return self._degraded("has_key", False)

    def add(self, key, value, timeout=None, version=None):
        # Callers use add() as a lock; without the cache nobody else holds it either.
        try:
            return super().add(key, value, timeout, version)
        except UNAVAILABLE:
            return self._degraded("add", True)

    def set(self, key, value, timeout=None, version=None):
        try:
            super().set(key, value, timeout, version)
        except UNAVAILABLE:
            self._degraded("set", None)

    def set_many(self, data, timeout=None, version=None):
        try:
            return super().set_many(data, timeout, version)
        except UNAVAILABLE:
            return self._degraded("set_many", [])

    def touch(self, key, timeout=None, version=None):
        try:
            return super().touch(key, timeout, version)
        except UNAVAILABLE:
            return self._degraded("touch", False)

    def delete(self, key, version=None):
        try:
            return super().delete(key, version)
        except UNAVAILABLE:
            return self._degraded("delete", False)

    def delete_many(self, keys, version=None):
        try:
            super().delete_many(keys, version)
        except UNAVAILABLE:
            self._degraded("delete_many", None)

    def incr(self, key, delta=1, version=None):
        try:
            return super().incr(key, delta, version)
        except UNAVAILABLE:
            return self._degraded("incr", delta)

    def clear(self):
        try:
            return super().clear()
        except UNAVAILABLE:
            return self._degraded("clear", False)
