"""RSS 2.0 and Atom feeds of the latest published articles of the request's site, with
links at the site's own address (core/links.py), whatever host the request came by."""

from __future__ import annotations

import datetime
from dataclasses import dataclass

from django.contrib.syndication.views import Feed
from django.http import HttpRequest
from django.urls import reverse
from django.utils.feedgenerator import Atom1Feed
from django.utils.translation import gettext as _

from mitra.core.links import absolute_url, site_root
from mitra.offices.models import Office
from mitra.offices.selectors import request_public_office

from . import selectors
from .models import Article


@dataclass(frozen=True)
class FeedSite:
    office: Office | None
    root: str  # scheme and host of the site's links
    path: str  # the feed's own path


@dataclass(frozen=True)
class FeedItem:
    article: Article
    link: str


class LatestArticlesFeed(Feed):
    def get_object(self, request: HttpRequest, *args: object, **kwargs: object) -> FeedSite:
        return FeedSite(
            office=request_public_office(request), root=site_root(request), path=request.path
        )

    def title(self, site: FeedSite) -> str:
        return _("Berita %(office)s") % {"office": site.office or "Mitra Pemilu"}

    def link(self, site: FeedSite) -> str:
        return absolute_url(reverse("portal:articles"), root=site.root)

    def feed_url(self, site: FeedSite) -> str:
        return absolute_url(site.path, root=site.root)

    def description(self) -> str:
        return _("Berita terbaru program sosialisasi dan pendidikan pemilih.")

    def items(self, site: FeedSite) -> list[FeedItem]:
        if site.office is None:
            return []
        articles = selectors.public_articles(office=site.office).prefetch_related("tags")
        return [
            FeedItem(article=a, link=absolute_url(a.get_absolute_url(), root=site.root))
            for a in articles[:20]
        ]

    def item_link(self, item: FeedItem) -> str:
        return item.link

    def item_title(self, item: FeedItem) -> str:
        return item.article.title

    def item_description(self, item: FeedItem) -> str:
        return item.article.lead

    def item_pubdate(self, item: FeedItem) -> datetime.datetime:
        return item.article.published_at

    def item_updateddate(self, item: FeedItem) -> datetime.datetime:
        return item.article.updated_at

    def item_author_name(self, item: FeedItem) -> str:
        return item.article.author_name

    def item_categories(self, item: FeedItem) -> list[str]:
        return [tag.name for tag in item.article.tags.all()]


class LatestArticlesAtomFeed(LatestArticlesFeed):
    feed_type = Atom1Feed

    def subtitle(self) -> str:
        return self.description()
