"""A short-lived cache of API-token lookups (token → active user and membership).

Scanner devices send a token with every request; looking it up is the largest single cost
of a ticket scan. The lookup is kept in the Django cache (Redis in production) for at most
`API_TOKEN_CACHE_SECONDS` (60 s with Redis; 0, the default without Redis, turns it off:
a per-process memory cache could not forget a token in the other workers), keyed by the
token's hash.

What must stop working stops at once: every save or delete of an `ApiToken`, `Membership` or
`User` forgets the cached lookups of that user's tokens (signals, connected in
`AccountsConfig.ready`), and so does a bulk `.update()` through their managers
(`UserCacheQuerySet`) — both immediately and again after the transaction commits, so a
request that read the old row meanwhile cannot keep it cached. A request that read the old
row before the commit and writes the cache after it is the only leftover; the TTL bounds it.
Only positive lookups are cached (an unknown or revoked token always asks the database);
the password hash is never cached (the user's password loads on access).
"""

from __future__ import annotations

import datetime
from collections.abc import Iterable
from typing import Any

from django.conf import settings
from django.core.cache import cache
from django.db import transaction
from django.db.models import Model

from . import member_cache
from .models import ApiToken, Membership, User


def _in_model_order(model: type[Model], names: set[str]) -> tuple[str, ...]:
    # `Model.from_db` takes a subset of the fields in the model's own order.
    return tuple(f.attname for f in model._meta.concrete_fields if f.attname in names)


# Everything but the password hash (which loads on access).
USER_FIELDS = _in_model_order(
    User,
    {
        "id",
        "email",
        "full_name",
        "preferred_language",
        "first_name",
        "last_name",
        "is_active",
        "is_staff",
        "is_superuser",
        "date_joined",
        "last_login",
    },
)
MEMBERSHIP_FIELDS = _in_model_order(
    Membership, {"id", "user_id", "office_id", "role", "partner_id", "created_at"}
)
_PREFIX = "apitoken:v2:"


def ttl() -> int:
    return int(getattr(settings, "API_TOKEN_CACHE_SECONDS", 0))


def _key(key_hash: str) -> str:
    return _PREFIX + key_hash


def cached(key_hash: str) -> dict[str, Any] | None:
    if ttl() <= 0:
        return None
    found: dict[str, Any] | None = cache.get(_key(key_hash))
    return found


def remember(
    key_hash: str,
    *,
    token_id: int,
    used_at: datetime.datetime | None,
    user: User,
    membership: Membership | None,
) -> None:
    if ttl() <= 0:
        return
    value = {
        "token_id": token_id,
        "used_at": used_at,
        "user": tuple(getattr(user, f) for f in USER_FIELDS),
        "membership": None
        if membership is None
        else tuple(getattr(membership, f) for f in MEMBERSHIP_FIELDS),
    }
    cache.set(_key(key_hash), value, ttl())


def instances(value: dict[str, Any]) -> tuple[User, Membership | None]:
    """The cached user and membership as model instances loaded from the database would be
    (fields not cached are deferred and load on access; the office and partner too)."""
    user = User.from_db("default", USER_FIELDS, value["user"])
    row = value["membership"]
    membership = None if row is None else Membership.from_db("default", MEMBERSHIP_FIELDS, row)
    if membership is not None:
        membership.user = user
    return user, membership


def _forget_keys(keys: list[str]) -> None:
    if not keys:
        return
    cache.delete_many(keys)
    # Again after the commit: a request that read the old rows in between may have cached them.
    transaction.on_commit(lambda: cache.delete_many(keys))


def token_cache_forget(
    *, user_ids: Iterable[int | None] = (), key_hashes: Iterable[str] = ()
) -> None:
    """Forget the cached lookups of these users' tokens (and of these token hashes)."""
    ids = [pk for pk in user_ids if pk is not None]
    hashes = set(key_hashes)
    if ids:
        hashes.update(ApiToken.objects.filter(user_id__in=ids).values_list("key_hash", flat=True))
    _forget_keys([_key(h) for h in sorted(hashes)])


def users_changed(*, user_ids: Iterable[int | None]) -> None:
    """A user or a membership of theirs changed: forget their token lookups and their
    signed-in copy (`accounts.member_cache`)."""
    ids = list(user_ids)
    token_cache_forget(user_ids=ids)
    member_cache.forget(user_ids=ids)


def _user_changed(sender: type[Model], instance: User, **kwargs: Any) -> None:
    update_fields = kwargs.get("update_fields")
    if update_fields is not None and set(update_fields) <= {"last_login"}:
        return
    users_changed(user_ids=[instance.pk])


def _membership_changed(sender: type[Model], instance: Membership, **kwargs: Any) -> None:
    users_changed(user_ids=[instance.user_id])


def _token_changed(sender: type[Model], instance: ApiToken, **kwargs: Any) -> None:
    update_fields = kwargs.get("update_fields")
    if update_fields is not None and set(update_fields) <= {"last_used_at"}:
        return
    # By its own hash: when the token is deleted (with its user) the rows are gone already.
    token_cache_forget(key_hashes=[instance.key_hash])


def _device_changed(sender: type[Model], instance: Any, **kwargs: Any) -> None:
    member_cache.forget(user_ids=[instance.user_id])


def _signed_in(sender: Any, user: User, **kwargs: Any) -> None:
    office_id = (
        Membership.objects.filter(user_id=user.pk)
        .order_by("pk")  # the membership the sign-in backend reads
        .values_list("office_id", flat=True)
        .first()
    )
    member_cache.note_office(user_id=user.pk, office_id=office_id)


def connect() -> None:
    from django.apps import apps
    from django.contrib.auth.signals import user_logged_in
    from django.db.models.signals import post_delete, post_save
    from django_otp.models import Device

    user_logged_in.connect(_signed_in, dispatch_uid="member-cache-signed-in")

    # A second-factor device added, confirmed, used or removed (`member_cache` keeps the
    # one a session was verified with).
    for model in apps.get_models():
        if issubclass(model, Device):
            for name, signal in (("save", post_save), ("delete", post_delete)):
                signal.connect(
                    _device_changed,
                    sender=model,
                    dispatch_uid=f"member-cache-device-{model._meta.label}-{name}",
                )

    for name, signal in (("save", post_save), ("delete", post_delete)):
        signal.connect(_user_changed, sender=User, dispatch_uid=f"token-cache-user-{name}")
        signal.connect(
            _membership_changed, sender=Membership, dispatch_uid=f"token-cache-member-{name}"
        )
        signal.connect(_token_changed, sender=ApiToken, dispatch_uid=f"token-cache-token-{name}")
