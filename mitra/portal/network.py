"""The page of the offices below a national or provincial site (`/wilayah/`): each office
with its progress, linked to its own site, and the latest news and next events of them
all, each linked where it lives. Only where every office has a site (host or path mode).
Cached like the home page; a write in any office drops it (`home.connect`)."""

from __future__ import annotations

from typing import Any

from django.http import Http404, HttpRequest, HttpResponse
from django.urls import reverse
from django.views.decorators.http import require_GET

from mitra.core.links import absolute_url
from mitra.offices.hierarchy import office_ancestors
from mitra.offices.models import Office
from mitra.offices.selectors import request_public_office
from mitra.offices.sites import SINGLE, office_url, sites_mode

from . import selectors
from .home import cached_office_page


@require_GET
def network(request: HttpRequest) -> HttpResponse:
    if sites_mode() == SINGLE:
        raise Http404
    return cached_office_page(
        request,
        name="network",
        template="portal/network.html",
        context=lambda: _context(request),
        lists_offices_below=True,
    )


def _context(request: HttpRequest) -> dict[str, Any]:
    office = request_public_office(request)
    if office is None:
        raise Http404

    def link(to: Office, viewname: str, **kwargs: Any) -> str:
        return office_url(office=to, viewname=viewname, kwargs=kwargs or None, request=request)

    found = selectors.office_network(office=office)
    return {
        "office": office,
        "ancestors": [
            (above, link(above, "portal:network"))
            for above in reversed(office_ancestors(office=office))
        ],
        "offices": [
            (row, link(row.office, "portal:home"), link(row.office, "portal:network"))
            for row in found.offices
        ],
        "articles": [
            (item, link(item.office, "portal:article", slug=item.slug))
            for item in found.latest_articles
        ],
        "activities": [
            (item, link(item.office, "portal:activity", pk=item.pk))
            for item in found.upcoming_activities
        ],
        "canonical": absolute_url(reverse("portal:network"), request=request),
    }
