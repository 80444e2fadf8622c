"""The signed-in person (user, membership, office, partner) kept in the shared cache.

Every page of a signed-in person starts by reading who they are; `MemberBackend` reads it
here first and asks the database only on a miss. A copy is served only while three things
hold, so what must stop working stops on the next request:

- the user's version token is the one the copy was read under: every save or delete of the
  `User` or a `Membership` of theirs, and a bulk `.update()` of either
  (`UserCacheQuerySet`), replaces it, now and again after the commit; so does every change
  of a figure kept with them (`backends.USER_FIGURES`: the notifications app forgets the
  recipients of every message written, updated or deleted). The token is read
  *before* the database, so a request that read the old rows cannot store them under the
  new token;
- the office's generation tokens (`core.office_cache`) are those read before the rows
  were (`Stamp`): every write to the office or its partners replaces them (a second factor
  required from now on, a partner renamed);
- it is younger than `MEMBER_CACHE_SECONDS` (300 s with Redis; 0 without, which turns this
  off: a per-process memory cache could not forget a revoked role in the other workers).
  This also bounds a copy whose forgetting was lost to a cache outage.

The password hash is never kept: the copy's password is deferred (it loads on access) and
carries only the session hash Django derives from it (an HMAC), which is what a request's
session check compares. Likewise the second-factor device a session was verified with is
kept without its secret key (`second_factor_device`).
"""

from __future__ import annotations

import logging
import uuid
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from typing import Any

from django.apps import apps
from django.conf import settings
from django.core.cache import cache
from django.db import transaction
from django_otp.models import Device

from mitra.core import office_cache

from .models import SESSION_HASH_ATTR, Membership, User

logger = logging.getLogger(__name__)

_PREFIX = "member:v1:"


def seconds() -> int:
    """How long a copy is kept (0: not at all; also when the office tokens are off, since
    they are what forgets a copy when the office changes)."""
    if not office_cache.enabled():
        return 0
    return int(getattr(settings, "MEMBER_CACHE_SECONDS", 0))


def _entry_key(user_id: Any) -> str:
    return f"{_PREFIX}{user_id}"


def _version_key(user_id: Any) -> str:
    return f"{_PREFIX}{user_id}:version"


def _devices_key(user_id: Any) -> str:
    return f"{_PREFIX}{user_id}:devices"


# Where a user read here keeps (version, {persistent id: device fields}) of the second-factor
# devices their sessions were verified with (`second_factor_device`).
DEVICES_ATTR = "_mitra_devices"
# What is kept of a device: never its secret key (it loads on access).
_DEVICE_FIELDS = frozenset({"id", "user_id", "name", "confirmed"})


@dataclass(frozen=True)
class Stamp:
    """What a fresh read from the database must be stored under, read *before* it: the
    user's version token, and the tokens of the office the person belonged to when last
    seen (0: none; noted at sign-in, kept without expiry: it is only a hint). A read that
    finds another office (or no office noted, after a cache restart) stores nothing this
    time, only the office, so no row read before an office's write is kept under its newer
    tokens."""

    version: str
    office_id: int | None
    generations: str | None


def _office_key(user_id: Any) -> str:
    return f"{_PREFIX}{user_id}:office"


def note_office(*, user_id: Any, office_id: int | None) -> None:
    """Note the person's office ahead of their first page (at sign-in), so that page's read
    can already keep its copy (`Stamp`)."""
    if seconds() <= 0:
        return
    try:
        cache.set(_office_key(user_id), office_id or 0, timeout=None)
    except Exception:
        logger.exception("member cache unavailable")


def read(
    user_id: Any,
) -> tuple[tuple[User, Membership | None, dict[str, Any]] | None, Stamp | None]:
    """The cached (user, membership, figures) of `user_id` if still current, and the
    stamp a fresh read must be stored under (None: do not store)."""
    if seconds() <= 0:
        return None, None
    keys = [_entry_key(user_id), _version_key(user_id), _devices_key(user_id)]
    office_key = _office_key(user_id)
    try:
        found = cache.get_many([*keys, office_key])
        entry, version, devices = (found.get(key) for key in keys)
        if version is None:
            cache.add(keys[1], uuid.uuid4().hex, timeout=None)
            version = cache.get(keys[1])
            if version is None:
                return None, None
        office_id = found.get(office_key)
        if office_id is None and entry is not None:
            office_id = entry["office_id"] or 0
        generations = office_cache.generation(office_id) if office_id else None
        stamp = Stamp(version=version, office_id=office_id, generations=generations)
        if (
            entry is None
            or entry["version"] != version
            or (entry["office_id"] or 0) != office_id
            or entry["generations"] != generations
        ):
            return None, stamp
    except Exception:  # without the cache, the database answers
        logger.exception("member cache unavailable")
        return None, None
    user: User = entry["user"]
    setattr(user, SESSION_HASH_ATTR, entry["session_hash"])
    known = devices["devices"] if devices is not None and devices["version"] == version else {}
    setattr(user, DEVICES_ATTR, (version, known))
    membership: Membership | None = entry["membership"]
    if membership is not None:
        membership.user = user
    return (user, membership, entry["figures"]), stamp


def store(
    *, stamp: Stamp | None, user: User, membership: Membership | None, figures: dict[str, Any]
) -> None:
    """Keep what the database answered under the stamp read before it, without the
    password hash (the user loses it here too, so both behave alike)."""
    session_hash = user.get_session_auth_hash()
    user.__dict__.pop("password", None)
    setattr(user, SESSION_HASH_ATTR, session_hash)
    if stamp is None:
        return
    setattr(user, DEVICES_ATTR, (stamp.version, {}))
    office_id = 0 if membership is None else membership.office_id
    try:
        if office_id != stamp.office_id:
            # Its tokens were not read before the rows: note the office, keep nothing yet.
            cache.set(_office_key(user.pk), office_id, timeout=None)
            return
        entry = {
            "version": stamp.version,
            "office_id": office_id,
            "generations": stamp.generations,
            "session_hash": session_hash,
            "user": user,
            "membership": membership,
            "figures": figures,
        }
        cache.set(_entry_key(user.pk), entry, timeout=seconds())
    except Exception:
        logger.exception("member cache unavailable")


def second_factor_device(
    *, user: Any, persistent_id: str, load: Callable[[str], Device | None]
) -> Device | None:
    """The device (`django_otp`) this user's session was verified with: `load(persistent_id)`
    once per version of the user, then from the cache (without its secret key). Every save
    or delete of a device replaces the user's version (`accounts.tokens`), so a device
    removed or unconfirmed stops verifying on the next request."""
    known = getattr(user, DEVICES_ATTR, None)
    if known is None:
        return load(persistent_id)
    version, devices = known
    if persistent_id in devices:
        label, names, values = devices[persistent_id]
        found: Device = apps.get_model(label).from_db("default", names, values)
        return found
    device = load(persistent_id)
    if device is not None:
        names = tuple(
            f.attname for f in device._meta.concrete_fields if f.attname in _DEVICE_FIELDS
        )
        values = tuple(getattr(device, name) for name in names)
        devices = {**devices, persistent_id: (device._meta.label, names, values)}
        setattr(user, DEVICES_ATTR, (version, devices))
        try:
            entry = {"version": version, "devices": devices}
            cache.set(_devices_key(user.pk), entry, timeout=seconds())
        except Exception:
            logger.exception("member cache unavailable")
    return device


def _replace_versions(user_ids: list[Any]) -> None:
    try:
        cache.set_many({_version_key(pk): uuid.uuid4().hex for pk in user_ids}, timeout=None)
    except Exception:  # the copies still end with their timeout
        logger.exception("could not forget the cached members %s", user_ids)


def forget(*, user_ids: Iterable[Any]) -> None:
    """Make these users' cached copies unreachable, now and again after the commit (a
    request that read the old rows in between stored them under the token replaced here)."""
    if seconds() <= 0:
        return
    ids = sorted({pk for pk in user_ids if pk is not None})
    if not ids:
        return
    _replace_versions(ids)
    transaction.on_commit(lambda: _replace_versions(ids))
