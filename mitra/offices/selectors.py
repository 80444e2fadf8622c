"""Reads of offices."""

from __future__ import annotations

from django.conf import settings
from django.db.models import QuerySet
from django.http import HttpRequest

from mitra.core import office_cache

from .models import Office

# Where `request_public_office` keeps the office for the rest of the request.
_REQUEST_ATTR = "_mitra_public_office"


def _public_office_candidates() -> QuerySet[Office]:
    """The rule for the public office: the first of these rows."""
    offices = Office.objects.order_by("pk")
    if settings.MITRA_PUBLIC_OFFICE:
        return offices.filter(slug=settings.MITRA_PUBLIC_OFFICE)
    return offices


def public_office() -> Office | None:
    """The office the public site speaks for: MITRA_PUBLIC_OFFICE, else the first one."""
    return _public_office_candidates().select_related("region").first()


def public_office_id_query() -> QuerySet[Office, int]:
    """The public office's id as a one-row query, to filter by it without a separate query."""
    return _public_office_candidates().values_list("pk", flat=True)[:1]


def request_public_office(request: HttpRequest) -> Office | None:
    """`public_office()`, read once per request however many views and templates ask.

    Every page's layout shows it (name, logo, contacts), so it is kept in the figure cache
    (`core.office_cache`) until a write to the office or the regions: two cache reads
    instead of a query."""
    if not hasattr(request, _REQUEST_ATTR):
        setattr(request, _REQUEST_ATTR, _cached_public_office())
    office: Office | None = getattr(request, _REQUEST_ATTR)
    return office


class _NoOffice(Exception):
    pass


def _cached_public_office() -> Office | None:
    def locate() -> int:
        found = public_office_id_query().first()
        if found is None:
            raise _NoOffice  # nothing to keep (a first office is coming)
        return found

    try:
        return office_cache.cached_located(
            ("public-office", settings.MITRA_PUBLIC_OFFICE),
            locate,
            lambda: (public_office(), None),
        )
    except _NoOffice:
        return None
