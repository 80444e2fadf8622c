"""A small counter per key and period in the shared cache (throttles outside check-in).

Fixed windows are enough for what uses it (password-reset mails); an unreachable cache
counts as "not throttled" so a cache outage never blocks a person.
"""

from __future__ import annotations

import time

from django.core.cache import cache


def throttle_hit(*, key: str, limit: int, period: int) -> bool:
    """Count one hit; True while the key has had at most `limit` hits in this period."""
    cache_key = f"throttle:{key}:{int(time.time() // period)}"
    try:
        cache.add(cache_key, 0, timeout=period * 2)
        hits = cache.incr(cache_key)
    except ValueError:  # evicted between add and incr
        cache.set(cache_key, 1, timeout=period * 2)
        hits = 1
    except Exception:
        return True
    return hits <= limit
