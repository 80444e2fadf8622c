"""Reads of users and their roles."""

from __future__ import annotations

from django.contrib.auth.models import AnonymousUser
from django.http import HttpRequest
from django.utils.translation import gettext as _

from mitra.core.errors import PermissionDeniedError

from .backends import PRELOADED_MEMBERSHIP, membership_query
from .models import Membership, User


def user_membership(*, user: User | AnonymousUser) -> Membership | None:
    """The user's membership (one office per user today), with office and partner loaded:
    the one the sign-in backend read with the user in this request, else from a query."""
    if not user.is_authenticated:
        return None
    if hasattr(user, PRELOADED_MEMBERSHIP):
        preloaded: Membership | None = getattr(user, PRELOADED_MEMBERSHIP)
        return preloaded
    return membership_query().filter(user=user).first()


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
