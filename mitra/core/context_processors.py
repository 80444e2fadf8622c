from __future__ import annotations

from typing import Any

from django.http import HttpRequest

from mitra.offices.selectors import public_office


def site(request: HttpRequest) -> dict[str, Any]:
    """Branding for every page: the office the site speaks for and the user's membership."""
    office = getattr(request, "_mitra_public_office", None)
    if office is None:
        office = public_office()
        request._mitra_public_office = office  # type: ignore[attr-defined]
    return {
        "site_office": office,
        "membership": getattr(request, "membership", None),
    }
