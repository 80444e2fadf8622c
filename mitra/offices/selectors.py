"""Reads of offices."""

from __future__ import annotations

from django.db.models import QuerySet
from django.http import HttpRequest

from . import sites
from .models import Office

# Where `request_public_office` keeps the office for the rest of the request.
_REQUEST_ATTR = "_mitra_public_office"


def public_office() -> Office | None:
    """The root office's site (SITE_URL): MITRA_PUBLIC_OFFICE, else the first one; with a
    single public site (the default), the office the public site speaks for."""
    return sites.root_office_candidates().select_related("region").first()


def public_office_id_query() -> QuerySet[Office, int]:
    """The root office's id as a one-row query, to filter by it without a separate query."""
    return sites.root_office_candidates().values_list("pk", flat=True)[:1]


def _site(request: HttpRequest) -> sites.PublicSite:
    """The request's site as the middleware found it (the root one where it did not run)."""
    site: sites.PublicSite = getattr(request, sites.SITE_ATTR, sites.ROOT_SITE)
    return site


def request_public_office(request: HttpRequest) -> Office | None:
    """The office whose public site the request is for (its host or path prefix, or the
    root office), read once per request however many views and templates ask."""
    if not hasattr(request, _REQUEST_ATTR):
        site = _site(request)
        if site.root:
            office = public_office()
        elif site.office_id is None:
            office = None
        else:
            office = Office.objects.select_related("region").filter(pk=site.office_id).first()
        setattr(request, _REQUEST_ATTR, office)
    found: Office | None = getattr(request, _REQUEST_ATTR)
    return found


def request_public_office_id(request: HttpRequest) -> int | None:
    """`request_public_office(request).pk` without loading the office where it is not
    loaded yet (the cached article page needs its id only: a cache read, no query)."""
    if hasattr(request, _REQUEST_ATTR):
        office = request_public_office(request)
        return office.pk if office else None
    site = _site(request)
    return sites.root_office_id() if site.root else site.office_id


def site_offices() -> QuerySet[Office]:
    """Every office with a public site of its own (path and host modes), by name."""
    return Office.objects.only("pk", "slug", "name").order_by("name")
