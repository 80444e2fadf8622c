"""Sessions read from the shared cache, written to the database: Django's `cached_db`
store, with every cached copy kept at most `MEMBER_CACHE_SECONDS`.

Every signed-in request reads its session; from Redis that is one cache read instead of a
query. The database stays the record (a session survives a cache restart). Django keeps the
cached copy as long as the session lives; here it is kept no longer than the signed-in
person's copy (`accounts.member_cache`), so a sign-out whose cache delete was lost to an
outage ends within that time, not at the session's expiry. Used only with Redis
(`config.settings`): a per-process memory cache could not forget a closed session in the
other workers.
"""

from __future__ import annotations

import logging
from typing import Any

from django.conf import settings
from django.contrib.sessions.backends.cached_db import SessionStore as CachedDBStore
from django.core.cache import caches

logger = logging.getLogger(__name__)


class _Capped:
    """The cache as the session store uses it: every copy's lifetime capped, and a cache
    that fails is a cache that misses (the database answers; nothing else is lost)."""

    def __init__(self, cache: Any, seconds: int) -> None:
        self._cache = cache
        self._seconds = seconds

    def get(self, key: str, default: Any = None) -> Any:
        try:
            return self._cache.get(key, default)
        except Exception:
            logger.exception("session cache unavailable")
            return default

    def set(self, key: str, value: Any, timeout: int | None = None) -> None:
        capped = self._seconds if timeout is None else min(timeout, self._seconds)
        try:
            self._cache.set(key, value, capped)
        except Exception:
            logger.exception("session cache unavailable")

    def delete(self, key: str) -> None:
        try:
            self._cache.delete(key)
        except Exception:  # the copy ends with its capped lifetime
            logger.exception("session cache unavailable")

    def __contains__(self, key: str) -> bool:
        return self.get(key) is not None


class SessionStore(CachedDBStore):
    def __init__(self, session_key: str | None = None) -> None:
        super().__init__(session_key)
        shared = caches[settings.SESSION_CACHE_ALIAS]
        self._cache = _Capped(shared, max(int(settings.MEMBER_CACHE_SECONDS), 1))
