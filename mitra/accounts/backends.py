"""The sign-in backend: Django's `ModelBackend`, whose signed-in user comes with their role.

Every page of a signed-in person needs the user (the session names its id), the membership
(`MembershipMiddleware`) and what the layout shows of them (the inbox's unread count): read
apart they are three queries per request. Here the membership is read with its user (and
office, the office's region and the partner) and those figures in one query, and rides on
the user to the middleware; someone without a membership costs a second query for the
membership, as before. Nothing is kept between requests: a role changed, a user
deactivated or a message read shows on the next request, as it did.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from django.contrib.auth.backends import ModelBackend
from django.db.models import Expression

from .models import Membership, User

# Where the membership read with the user waits for `user_membership` (None: read, none).
PRELOADED_MEMBERSHIP = "_mitra_membership"
# Where the figures read with the user wait (name → value).
PRELOADED_FIGURES = "_mitra_figures"
# Figures of the signed-in person that every page shows, read in the same query: name →
# the expression for it, given the name of the column holding the user's id. Higher apps
# add theirs in `AppConfig.ready` (the notifications app: the inbox's unread count).
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


def _keep_figures(user: User, row: Any) -> None:
    setattr(
        user, PRELOADED_FIGURES, {name: getattr(row, f"_figure_{name}") for name in USER_FIGURES}
    )


class MemberBackend(ModelBackend):
    def get_user(self, user_id: Any) -> User | None:  # type: ignore[override]
        membership = (
            membership_query()
            .select_related("user")
            .annotate(**_figures("user_id"))
            .filter(user_id=user_id)
            .first()
        )
        if membership is not None:
            user = membership.user
            _keep_figures(user, membership)
        else:
            membership = None
            found = User.objects.annotate(**_figures("pk")).filter(pk=user_id).first()
            if found is None:
                return None
            user = found
            _keep_figures(user, user)
        if not self.user_can_authenticate(user):
            return None
        setattr(user, PRELOADED_MEMBERSHIP, membership)
        return user
