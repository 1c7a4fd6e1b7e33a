"""The shared cache (Redis) that degrades rather than fails.

Production's ``CACHES`` use :class:`DegradingRedisCache` when ``REDIS_URL`` is set (README "Run
it in production"). Every gunicorn worker then reads and writes the same page and feed caches
and rate-limit counters. When Redis cannot be reached (stopped, restarting, a network fault), a
read is a miss and a write does nothing, so a request is answered from the database, only
slower; rate limits count nothing meanwhile (``ratelimit.py``). After a failure the worker does
not try Redis again for ``RETRY_SECONDS``, so an unreachable host costs one connect timeout
every few seconds, not one per cache call.

The failures are logged at WARNING, at most once a minute per process (with the number of calls
answered as misses since), not once per request; the return of Redis is logged once.
``/readyz`` reports the cache not ready while it is down (``jour_core/health.py``).

Login lockouts are not here: django-axes counts them in the database (``lockout.py``).
"""

from __future__ import annotations

import logging
import time
from typing import Any

from django.core.cache.backends.base import DEFAULT_TIMEOUT
from django.core.cache.backends.redis import RedisCache
from redis.exceptions import ConnectionError as RedisConnectionError
from redis.exceptions import TimeoutError as RedisTimeoutError

logger = logging.getLogger(__name__)

# Redis cannot be reached: not its answers to a wrong command, which are bugs and raise.
UNAVAILABLE = (RedisConnectionError, RedisTimeoutError, OSError)
RETRY_SECONDS = 2.0
LOG_INTERVAL_SECONDS = 60.0


class _Outage:
    """One process's view of whether Redis is down, and what it has said about it."""

    def __init__(self) -> None:
        self.retry_at = 0.0
        self.logged_at: float | None = None
        self.misses = 0

    def skipping(self) -> bool:
        return self.logged_at is not None and time.monotonic() < self.retry_at

    def failed(self, operation: str, error: Exception) -> None:
        now = time.monotonic()
        self.retry_at = now + RETRY_SECONDS
        self.misses += 1
        if self.logged_at is None or now - self.logged_at >= LOG_INTERVAL_SECONDS:
            logger.warning(
                "cache unavailable (%s on %s: %s); answering as a miss, %d call(s) so far; "
                "logged at most once a minute",
                type(error).__name__,
                operation,
                error,
                self.misses,
            )
            self.logged_at = now

    def succeeded(self) -> None:
        if self.logged_at is not None:
            logger.warning("cache available again after %d call(s) answered as misses", self.misses)
            self.logged_at = None
            self.misses = 0


_outage = _Outage()


class DegradingRedisCache(RedisCache):
    """Django's Redis cache, whose calls answer as a miss (or do nothing) while Redis is down."""

    def _call(self, operation: str, fallback: Any, *args: Any, **kwargs: Any) -> Any:
        if _outage.skipping():
            _outage.misses += 1
            return fallback
        try:
            result = getattr(super(), operation)(*args, **kwargs)
        except UNAVAILABLE as error:
            _outage.failed(operation, error)
            return fallback
        _outage.succeeded()
        return result

    def get(self, key: Any, default: Any = None, version: int | None = None) -> Any:
        return self._call("get", default, key, default, version=version)

    def get_many(self, keys: Any, version: int | None = None) -> dict:
        return self._call("get_many", {}, keys, version=version)

    def has_key(self, key: Any, version: int | None = None) -> bool:
        return self._call("has_key", False, key, version=version)

    def set(self, key: Any, value: Any, timeout: Any = DEFAULT_TIMEOUT, version: int | None = None) -> None:
        self._call("set", None, key, value, timeout, version=version)

    def add(self, key: Any, value: Any, timeout: Any = DEFAULT_TIMEOUT, version: int | None = None) -> bool:
        return self._call("add", False, key, value, timeout, version=version)

    def set_many(self, data: dict, timeout: Any = DEFAULT_TIMEOUT, version: int | None = None) -> list:
        return self._call("set_many", list(data), data, timeout, version=version)

    def touch(self, key: Any, timeout: Any = DEFAULT_TIMEOUT, version: int | None = None) -> bool:
        return self._call("touch", False, key, timeout, version=version)

    def delete(self, key: Any, version: int | None = None) -> bool:
        return self._call("delete", False, key, version=version)

    def delete_many(self, keys: Any, version: int | None = None) -> None:
        self._call("delete_many", None, keys, version=version)

    def clear(self) -> bool:
        return self._call("clear", False)

    def incr(self, key: Any, delta: int = 1, version: int | None = None) -> int:
        # A miss, as Django's caches say it for incr: the key is not there.
        missing = object()
        result = self._call("incr", missing, key, delta, version=version)
        if result is missing:
            raise ValueError(f"Key '{key}' not found (the cache is unavailable)")
        return result
