from __future__ import annotations

from typing import Any

from django.http import HttpRequest

from mitra.accounts.permissions import Right, has_right
from mitra.offices.selectors import request_public_office


def site(request: HttpRequest) -> dict[str, Any]:
    """Branding for every page: the office the site speaks for, the user's membership and
    its rights (so templates test rights, not roles)."""
    membership = getattr(request, "membership", None)
    return {
        "site_office": request_public_office(request),
        "membership": membership,
        "membership_rights": frozenset(r for r in Right if has_right(membership, r)),
    }
