"""Reads of users and their roles."""

from __future__ import annotations

from django.contrib.auth.models import AnonymousUser
from django.http import HttpRequest
from django.utils.translation import gettext as _

from mitra.core.errors import PermissionDeniedError

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


def request_membership_or_none(request: HttpRequest) -> Membership | None:
    """The signed-in person's role, or None (pages that answer people without one too)."""
    membership: Membership | None = getattr(request, "membership", None)
    return membership


def request_membership(request: HttpRequest) -> Membership:
    """The signed-in person's role (set by MembershipMiddleware or token auth).

    People without a role in any office are refused (403) with a clear message.
    """
    membership: Membership | None = getattr(request, "membership", None)
    if membership is None:
        raise PermissionDeniedError(
            _("Akun Anda belum terhubung ke kantor mana pun. Hubungi admin KPU."),
            code="no_membership",
        )
    return membership
