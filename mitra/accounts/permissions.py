"""Who may do what: the one place where roles turn into rights.

Services call `require(...)`; selectors filter by the membership. Views only pass the
request's membership along.
"""

from __future__ import annotations

from enum import StrEnum

from django.utils.translation import gettext as _

from mitra.core.errors import PermissionDeniedError

from .models import Membership, Role


class Right(StrEnum):
    VIEW_DASHBOARD = "view_dashboard"
    VIEW_ALL_PARTNERS = "view_all_partners"
    MANAGE_PARTNERS = "manage_partners"
    MANAGE_PROGRAMME = "manage_programme"
    MANAGE_USERS = "manage_users"
    REVIEW_ACTIVITIES = "review_activities"
    PROPOSE_ACTIVITIES = "propose_activities"
    MANAGE_CONTENT = "manage_content"
    EXPORT = "export"
    VIEW_PERSONAL_DATA = "view_personal_data"
    SCAN_TICKETS = "scan_tickets"
    # The people's requests about their data (see, correct, export, erase): mitra.privacy.
    HANDLE_DATA_REQUESTS = "handle_data_requests"
    # Individual answers of a specific category (disability; age band under 17): everyone
    # else sees them only inside counts (UU 27/2022 Pasal 4 ayat (2)).
    VIEW_SENSITIVE_DATA = "view_sensitive_data"


_RIGHTS: dict[str, frozenset[Right]] = {
    Role.ADMIN: frozenset(Right),
    Role.STAFF: frozenset(Right) - {Right.MANAGE_USERS, Right.VIEW_SENSITIVE_DATA},
    Role.OBSERVER: frozenset({Right.VIEW_DASHBOARD, Right.VIEW_ALL_PARTNERS, Right.EXPORT}),
    Role.COORDINATOR: frozenset({Right.PROPOSE_ACTIVITIES, Right.SCAN_TICKETS}),
}


def has_right(membership: Membership | None, right: Right) -> bool:
    return membership is not None and right in _RIGHTS.get(membership.role, frozenset())


def require(membership: Membership | None, right: Right) -> Membership:
    """Return the membership if it holds `right`; refuse with a clear message otherwise."""
    if membership is None or not has_right(membership, right):
        raise PermissionDeniedError(
            _("Anda tidak memiliki izin untuk tindakan ini."), code="permission_denied"
        )
    return membership
