"""The project's one rate limiter: a sliding window kept in the shared cache.

A fixed window (count hits per calendar minute) lets a client send up to twice the limit
around each boundary (the end of one minute and the start of the next), and its count
restarts at the boundary. The sliding-window counter used here weighs the previous
window's count by the share of it that still lies inside the last `period` seconds:

    estimate = previous × (1 − elapsed share of the current window) + current

so the estimate never exceeds the true count of hits in the last `period` seconds by more
than the rounding of that weight, and a burst that straddles a boundary is counted whole.
Each window's count is a single atomic `incr` on the shared cache (Redis in production,
the process's memory on the embedded default), so the limit holds across workers and app
servers without a lock.
"""

from __future__ import annotations

import time

from django.core.cache import cache


def rate_limit_hit(*, key: str, limit: int, period: int = 60) -> bool:
    """Count one hit for `key`; True if it stays within `limit` hits per `period` seconds.

    Refused hits count too, so a client that keeps hammering stays refused until it pauses.
    Used for every rate limit of the project (check-in, registration, password-reset mails).
    """
    now = time.time()
    window = int(now // period)
    elapsed_share = (now - window * period) / period
    current_key = f"rl:{key}:{window}"
    try:
        cache.add(current_key, 0, timeout=period * 2)
        try:
            current = cache.incr(current_key)
        except ValueError:  # evicted between add and incr
            cache.set(current_key, 1, timeout=period * 2)
            current = 1
        previous = cache.get(f"rl:{key}:{window - 1}", 0)
    except Exception:  # the cache is down: an outage never locks a person out
        return True
    if current is None:  # a cache that swallows its errors (Redis down) answers None
        return True
    return (previous or 0) * (1 - elapsed_share) + current <= limit
