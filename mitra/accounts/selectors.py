"""Reads of users and their roles."""

from __future__ import annotations

from django.contrib.auth.models import AnonymousUser
from django.contrib.sessions.backends.base import SessionBase
from django.db.models import QuerySet
from django.http import HttpRequest
from django.utils.translation import gettext as _

from mitra.core.errors import NotFoundError, PermissionDeniedError
from mitra.offices.hierarchy import office_descendants, offices_visible_to
from mitra.offices.models import Office

from .backends import PRELOADED_MEMBERSHIP, membership_query
from .models import Membership, Role, User
from .permissions import Right, require

# The session key holding the office below one's own that a person is looking at.
VIEWING_SESSION_KEY = "mitra_viewing_office"
# Who may look at the offices below their own: the commission's people and observers
# (a partner's coordinator has no business in another office).
HIERARCHY_ROLES = frozenset({Role.ADMIN, Role.STAFF, Role.OBSERVER})


def user_membership(
    *, user: User | AnonymousUser, viewing_office_id: int | None = None
) -> Membership | None:
    """The user's membership (one office per user today), with office and partner loaded:
    the one the sign-in backend read with the user in this request, else from a query;
    with `viewing_office_id`, the read-only view of that office when it lies below theirs."""
    if not user.is_authenticated:
        return None
    membership: Membership | None
    if hasattr(user, PRELOADED_MEMBERSHIP):
        membership = getattr(user, PRELOADED_MEMBERSHIP)
    else:
        membership = membership_query().filter(user=user).first()
    if membership is not None and viewing_office_id is not None:
        return membership_viewing(home=membership, office_id=viewing_office_id) or membership
    return membership


def membership_viewing(*, home: Membership, office_id: int) -> Membership | None:
    """How a member of a higher office reads an office below it: as an observer there
    (dashboard, partners, activities, exports; no write right at all), never stored.

    None when the office is not below `home`'s office (a sibling, another province's
    city, the office itself, one above) or `home`'s role does not reach down."""
    if home.home is not None or home.role not in HIERARCHY_ROLES:
        return None
    office = (
        Office.objects.select_related("region")
        .filter(pk=office_id, pk__in=office_descendants(office=home.office))
        .first()
    )
    if office is None:
        return None
    viewing = Membership(user=home.user, office=office, role=Role.OBSERVER)
    viewing.home = home
    return viewing


def session_viewing_office_id(session: SessionBase | None) -> int | None:
    """The office id a person chose to look at (`accounts.views.office_view_start`)."""
    value = session.get(VIEWING_SESSION_KEY) if session is not None else None
    return value if isinstance(value, int) else None


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


def readable_offices(*, membership: Membership | None, right: Right) -> QuerySet[Office]:
    """The offices whose records the member may read with `right`: their own office and,
    for the commission's people and observers, every office below it. Reading only: write
    services keep comparing a record's office with the membership's own office."""
    membership = require(membership, right)
    if membership.role not in HIERARCHY_ROLES:
        return Office.objects.filter(pk=membership.office_id)
    return offices_visible_to(office=membership.office)


def readable_office(*, membership: Membership | None, right: Right, office_id: int) -> Office:
    """One of `readable_offices`; any other office answers 404."""
    office = readable_offices(membership=membership, right=right).filter(pk=office_id).first()
    if office is None:
        raise NotFoundError(_("Kantor tidak ditemukan di bawah kantor Anda."), code="not_found")
    return office


def readable_office_ids(
    *, membership: Membership | None, right: Right, office_id: int | None = None
) -> list[int]:
    """The ids of `readable_offices`, or of the one chosen among them (404 otherwise): a
    list, because PostgreSQL checked the offices' subquery (an OR over two joins) row by
    row over a million activities."""
    if office_id:
        return [readable_office(membership=membership, right=right, office_id=office_id).pk]
    return list(readable_offices(membership=membership, right=right).values_list("pk", flat=True))
