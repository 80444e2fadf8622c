"""The sign-in backend: Django's `ModelBackend`, whose signed-in user comes with their role.

Every page of a signed-in person needs the user (the session names its id), the membership
(`MembershipMiddleware`) and what the layout shows of them (the inbox's unread count): read
apart they are three queries per request. Here the membership is read with its user (and
office, the office's region and the partner) and those figures in one query, and rides on
the user to the middleware; someone without a membership costs a second query for the
membership, as before. The person is then kept in the shared cache
(`accounts.member_cache`, which says what forgets a copy), so the next requests read only
the figures: a role changed, a user deactivated or a message read still shows on the next
request.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from django.contrib.auth.backends import ModelBackend
from django.db.models import Expression

from . import member_cache
from .models import Membership, User

# Where the membership read with the user waits for `user_membership` (None: read, none).
PRELOADED_MEMBERSHIP = "_mitra_membership"
# Where the figures read with the user wait (name → value).
PRELOADED_FIGURES = "_mitra_figures"
# Figures of the signed-in person that every page shows, read in the same query: name →
# the expression for it, given the name of the column holding the user's id. Higher apps
# add theirs in `AppConfig.ready` (the notifications app: the inbox's unread count); they
# are kept with the person in the member cache, so the app must forget a person whose
# figure changes (`member_cache.forget`).
USER_FIGURES: dict[str, Callable[[str], Expression]] = {}


def membership_query() -> Any:
    """The membership as every request reads it: office, its region and partner loaded."""
    return Membership.objects.select_related("office", "office__region", "partner").order_by("pk")


def preloaded_figure(user: Any, name: str) -> Any:
    """A figure read with the signed-in user in this request (None if it was not)."""
    figures: dict[str, Any] = getattr(user, PRELOADED_FIGURES, {})
    return figures.get(name)


def _figures(user_column: str) -> dict[str, Expression]:
    return {f"_figure_{name}": make(user_column) for name, make in USER_FIGURES.items()}


class MemberBackend(ModelBackend):
    def get_user(self, user_id: Any) -> User | None:  # type: ignore[override]
        cached, stamp = member_cache.read(user_id)
        if cached is not None:
            user, membership, figures = cached
        else:
            found = self._read(user_id)
            if found is None:
                return None
            user, membership, row = found
            figures = {name: getattr(row, f"_figure_{name}") for name in USER_FIGURES}
            member_cache.store(stamp=stamp, user=user, membership=membership, figures=figures)
        if not self.user_can_authenticate(user):
            return None
        setattr(user, PRELOADED_FIGURES, figures)
        setattr(user, PRELOADED_MEMBERSHIP, membership)
        return user

    @staticmethod
    def _read(user_id: Any) -> tuple[User, Membership | None, Any] | None:
        """The user with their membership and figures from the database (one query; two
        for someone without a membership)."""
        membership = (
            membership_query()
            .select_related("user")
            .annotate(**_figures("user_id"))
            .filter(user_id=user_id)
            .first()
        )
        if membership is not None:
            return membership.user, membership, membership
        user = User.objects.annotate(**_figures("pk")).filter(pk=user_id).first()
        if user is None:
            return None
        return user, None, user
