from __future__ import annotations

from typing import Any

from django.http import HttpRequest

from mitra.accounts.permissions import Right, has_right
from mitra.offices.models import OfficeLevel
from mitra.offices.selectors import request_public_office
from mitra.offices.sites import SINGLE, sites_mode


def site(request: HttpRequest) -> dict[str, Any]:
    """Branding for every page: the office the site speaks for, the user's membership and
    its rights (so templates test rights, not roles)."""
    membership = getattr(request, "membership", None)
    office = request_public_office(request)
    return {
        "site_office": office,
        # A national or provincial site lists the offices below it (portal:network).
        "site_has_offices_below": bool(
            office and office.level != OfficeLevel.CITY and sites_mode() != SINGLE
        ),
        "membership": membership,
        "membership_rights": frozenset(r for r in Right if has_right(membership, r)),
    }
