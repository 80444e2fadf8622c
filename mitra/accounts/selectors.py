"""Reads of users and their roles."""

from __future__ import annotations

from django.contrib.auth.models import AnonymousUser

from .models import Membership, User


def user_membership(*, user: User | AnonymousUser) -> Membership | None:
    """The user's membership (one office per user today), with office and partner loaded."""
    if not user.is_authenticated:
        return None
    return (
        Membership.objects.select_related("office", "office__region", "partner")
        .filter(user=user)
        .order_by("pk")
        .first()
    )
