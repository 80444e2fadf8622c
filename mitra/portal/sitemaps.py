"""sitemap.xml: the public pages and every published article."""

from __future__ import annotations

import datetime

from django.contrib.sitemaps import Sitemap
from django.urls import reverse

from mitra.offices.selectors import public_office

from . import selectors
from .models import Article


class StaticPagesSitemap(Sitemap):
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


class ArticleSitemap(Sitemap):
    changefreq = "weekly"
    priority = 0.8
    limit = 5000

    def items(self) -> list[Article]:
        office = public_office()
        if office is None:
            return []
        return list(
            selectors.public_articles(office=office).select_related(None).only("slug", "updated_at")
        )

    def lastmod(self, item: Article) -> datetime.datetime:
        return item.updated_at


SITEMAPS = {"pages": StaticPagesSitemap, "articles": ArticleSitemap}
