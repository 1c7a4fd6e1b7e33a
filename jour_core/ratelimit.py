"""Counting requests per fixed window in Django's cache, for rate limits on public pages.

The window is part of the key, so the count does not depend on how a cache keeps expiry times
(Django's database and file caches reset them on ``incr``). A cache that is down counts
nothing: the page works, unlimited, and the failure is logged (a cache degrades, never breaks
the site). Keys are keyed hashes of what is counted (a client address, an account), never the
value. Used by the password reset (``passwordreset.py``) and the certificate check.
"""

from __future__ import annotations

import logging
import time

from django.core.cache import cache
from django.utils.crypto import salted_hmac

logger = logging.getLogger(__name__)


def count_request(scope: str, value: str, window: int) -> int:
    """Add one to the count of ``value`` (e.g. a client address) under ``scope`` in the current
    window of ``window`` seconds; the count so far, this one included (0: not counted)."""
    digest = salted_hmac("jour_core.ratelimit", f"{scope}:{value}").hexdigest()
    key = f"ratelimit:{scope}:{digest}:{int(time.time()) // window}"
    try:
        cache.add(key, 0, timeout=window)
        try:
            return cache.incr(key)
        except ValueError:  # it expired between add and incr
            cache.set(key, 1, timeout=window)
            return 1
    except Exception:  # the cache's own errors differ by backend
        logger.exception("rate limit %s not counted: the cache failed", scope)
        return 0
