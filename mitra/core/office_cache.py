"""An office's values kept in the shared cache until one of its records changes.

The reading side of the figure cache (`mitra.analytics.figure_cache` replaces the
generation tokens on every write and documents what counts as one): a value is stored
under the global and the office's current tokens, so a write makes every earlier copy
unreachable at once. Here so that apps below analytics (the staff lists' drop-down
options) can read through it without importing analytics.
"""

from __future__ import annotations

import contextlib
import contextvars
import datetime
import hashlib
import logging
import uuid
from collections.abc import Callable, Iterator
from typing import Any, TypeVar

from django.conf import settings
from django.core.cache import cache
from django.utils import timezone

logger = logging.getLogger(__name__)

GLOBAL = "all"
_T = TypeVar("_T")


def enabled() -> bool:
    return cache_seconds() > 0


def cache_seconds() -> int:
    return int(getattr(settings, "ANALYTICS_CACHE_SECONDS", 0))


def generation_key(scope: int | str) -> str:
    return f"analytics:generation:{scope}"


# The tokens already read in this request (office id → tokens), or None outside a request.
# A page reads its office's tokens several times (the signed-in person, the site's office,
# the page itself): once is enough, the request being one moment of the data. A write in
# the request empties it (`forget_read_tokens`).
_read_tokens: contextvars.ContextVar[dict[int, str] | None] = contextvars.ContextVar(
    "office_cache_read_tokens", default=None
)


@contextlib.contextmanager
def request_scope() -> Iterator[None]:
    """Read each office's tokens at most once inside this block (one request)."""
    reset = _read_tokens.set({})
    try:
        yield
    finally:
        _read_tokens.reset(reset)


def forget_read_tokens() -> None:
    """A write replaced tokens: this request reads them afresh."""
    found = _read_tokens.get()
    if found:
        found.clear()


def _generations(office_id: int) -> str:
    """The global and the office's tokens, created on first use (a lost token is replaced
    by a new one, never by an old value: no earlier copy becomes reachable again)."""
    memo = _read_tokens.get()
    if memo is not None and office_id in memo:
        return memo[office_id]
    keys = [generation_key(GLOBAL), generation_key(office_id)]
    found = cache.get_many(keys)
    for key in keys:
        if key not in found:
            cache.add(key, uuid.uuid4().hex, timeout=None)
            found[key] = cache.get(key)
    tokens = "-".join(str(found[key]) for key in keys)
    if memo is not None:
        memo[office_id] = tokens
    return tokens


def generation(office_id: int) -> str:
    """The office's current token ("" when the cache is off): what reports built from the
    same records use to tell one version of the data from the next."""
    return _generations(office_id) if enabled() else ""


def cached(office_id: int, parts: tuple[Any, ...], compute: Callable[[], str]) -> str:
    """`compute()`'s text for these parts, from the cache while nothing changed."""
    return str(cached_value(office_id, parts, compute))


def cached_value(office_id: int, parts: tuple[Any, ...], compute: Callable[[], _T]) -> _T:
    """`compute()`'s value (anything the cache can pickle: a page's text, a list of
    drop-down options) for these parts, from the cache while nothing of the office changed."""
    if not enabled():
        return compute()
    digest = hashlib.sha256(repr(parts).encode()).hexdigest()[:32]
    try:
        key = f"analytics:page:{office_id}:{_generations(office_id)}:{digest}"
        value = cache.get(key)
    except Exception:  # without the cache the value is computed, as when it is off
        logger.exception("figure cache unavailable")
        return compute()
    if value is None:
        value = compute()
        try:
            cache.set(key, value, timeout=cache_seconds())
        except Exception:
            logger.exception("figure cache unavailable")
    return value  # type: ignore[no-any-return]


def cached_located(
    parts: tuple[Any, ...],
    locate: Callable[[], int],
    compute: Callable[[], tuple[_T, datetime.datetime | None]],
) -> _T:
    """A value served without looking up whose it is (a public page found by its own id):
    on a miss `locate()` names the office whose records it shows and `compute()` returns the
    value and until when it holds by itself (None: until a write). The copy keeps the
    office's tokens of before the computation and is served only while they are current
    and its time has not passed: a visit costs two cache reads and no query."""
    if not enabled():
        return compute()[0]
    key = "analytics:located:" + hashlib.sha256(repr(parts).encode()).hexdigest()[:32]
    try:
        entry = cache.get(key)
        current = None if entry is None else _generations(entry["office"])
    except Exception:  # without the cache the value is computed, as when it is off
        logger.exception("figure cache unavailable")
        return compute()[0]
    if (
        entry is not None
        and current == entry["generations"]
        and (entry["until"] is None or timezone.now() < entry["until"])
    ):
        return entry["value"]  # type: ignore[no-any-return]
    office_id = locate()
    try:
        generations = _generations(office_id)  # before computing: a write meanwhile wins
    except Exception:
        logger.exception("figure cache unavailable")
        return compute()[0]
    value, until = compute()
    timeout = cache_seconds()
    if until is not None:
        timeout = min(timeout, int((until - timezone.now()).total_seconds()))
    if timeout > 0:
        entry = {"office": office_id, "generations": generations, "value": value, "until": until}
        try:
            cache.set(key, entry, timeout=timeout)
        except Exception:
            logger.exception("figure cache unavailable")
    return value
