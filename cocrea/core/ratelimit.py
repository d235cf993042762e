"""A fixed-window rate limit in the cache (local memory by default, Redis in production)."""

from __future__ import annotations

import time

from django.core.cache import cache


def allow(key: str, limit: int, window_seconds: int) -> bool:
    """Count one request against ``key``; False once more than ``limit`` fall in the window."""
    bucket = f"ratelimit:{key}:{int(time.time()) // window_seconds}"
    cache.add(bucket, 0, timeout=window_seconds + 5)
    try:
        count = cache.incr(bucket)
    except ValueError:  # evicted between add and incr
        cache.set(bucket, 1, timeout=window_seconds + 5)
        count = 1
    return count <= limit
