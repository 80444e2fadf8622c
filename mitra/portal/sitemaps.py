"""sitemap.xml of the request's site: its public pages and every published article of its
office, at the site's own address (core/links.py: SITE_URL, the office's host name, or
its path prefix through `reverse`)."""

from __future__ import annotations

import datetime
from typing import TYPE_CHECKING, Any

from django.contrib.sitemaps import Sitemap
from django.contrib.sitemaps.views import sitemap
from django.http import HttpRequest, HttpResponse
from django.urls import reverse
from django.views.decorators.http import require_safe

from mitra.core.links import site_root
from mitra.offices.models import Office
from mitra.offices.selectors import request_public_office

from . import selectors
from .models import Article

if TYPE_CHECKING:
    from django.contrib.sites.models import Site
    from django.contrib.sites.requests import RequestSite


class _SiteSitemap(Sitemap):
    """Locations under `root` (scheme and host), whatever host the request came by."""

    def __init__(self, *, root: str) -> None:
        self.protocol, _sep, self.domain = root.partition("://")

    def get_domain(self, site: Site | RequestSite | None = None) -> str:
        return self.domain


class StaticPagesSitemap(_SiteSitemap):
    changefreq = "daily"
    priority = 0.6

    def items(self) -> list[str]:
        return [
            "portal:home",
            "portal:articles",
            "portal:timeline",
            "portal:how_to_vote",
            "portal:partners",
            "portal:calendar",
            "portal:materials",
        ]

    def location(self, item: str) -> str:
        return reverse(item)


class ArticleSitemap(_SiteSitemap):
    changefreq = "weekly"
    priority = 0.8
    limit = 5000

    def __init__(self, *, root: str, office: Office | None) -> None:
        super().__init__(root=root)
        self.office = office

    def items(self) -> list[Article]:
        if self.office is None:
            return []
        articles = selectors.public_articles(office=self.office)
        return list(articles.select_related(None).only("slug", "updated_at"))

    def lastmod(self, item: Article) -> datetime.datetime:
        return item.updated_at


@require_safe
def sitemap_xml(request: HttpRequest) -> HttpResponse:
    root = site_root(request)
    sections: dict[str, type[Sitemap[Any]] | Sitemap[Any]] = {
        "pages": StaticPagesSitemap(root=root),
        "articles": ArticleSitemap(root=root, office=request_public_office(request)),
    }
    response: HttpResponse = sitemap(request, sitemaps=sections)
    return response
