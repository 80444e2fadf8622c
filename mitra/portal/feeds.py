"""RSS 2.0 and Atom feeds of the latest published articles."""

from __future__ import annotations

import datetime

from django.contrib.syndication.views import Feed
from django.http import HttpRequest
from django.utils.feedgenerator import Atom1Feed
from django.utils.translation import gettext as _

from mitra.offices.selectors import request_public_office

from . import selectors
from .models import Article


class LatestArticlesFeed(Feed):
    def get_object(self, request: HttpRequest, *args: object, **kwargs: object) -> object:
        return request_public_office(request)

    def title(self, office: object) -> str:
        return _("Berita %(office)s") % {"office": office or "Mitra Pemilu"}

    def link(self) -> str:
        return "/berita/"

    def description(self) -> str:
        return _("Berita terbaru program sosialisasi dan pendidikan pemilih.")

    def items(self, office: object) -> list[Article]:
        if office is None:
            return []
        articles = selectors.public_articles(office=office).prefetch_related("tags")  # type: ignore[arg-type]
        return list(articles[:20])

    def item_title(self, item: Article) -> str:
        return item.title

    def item_description(self, item: Article) -> str:
        return item.lead

    def item_pubdate(self, item: Article) -> datetime.datetime:
        return item.published_at

    def item_updateddate(self, item: Article) -> datetime.datetime:
        return item.updated_at

    def item_author_name(self, item: Article) -> str:
        return item.author_name

    def item_categories(self, item: Article) -> list[str]:
        return [tag.name for tag in item.tags.all()]


class LatestArticlesAtomFeed(LatestArticlesFeed):
    feed_type = Atom1Feed

    def subtitle(self) -> str:
        return self.description()
