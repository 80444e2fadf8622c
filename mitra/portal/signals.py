"""Cached article pages are dropped when the article changes: at once and again after the
commit (as the home page and the dashboard are), so a visitor who renders the page between
the write and the commit cannot keep the old copy."""

from __future__ import annotations

from typing import Any

from django.conf import settings
from django.core.cache import cache
from django.db import transaction
from django.db.models.signals import post_delete, post_save

from .models import Article, article_cache_key


def article_page_drop(office_id: int, slug: str) -> None:
    cache.delete_many(
        [article_cache_key(office_id, slug, code) for code, _name in settings.LANGUAGES]
    )


def article_page_forget(office_id: int, slug: str) -> None:
    """Drop the article's cached page now and again after the commit."""
    article_page_drop(office_id, slug)
    transaction.on_commit(lambda: article_page_drop(office_id, slug))


def _article_changed(sender: Any, instance: Article, **kwargs: Any) -> None:
    if not kwargs.get("raw"):
        article_page_forget(instance.office_id, instance.slug)


def connect() -> None:
    post_save.connect(_article_changed, sender=Article, dispatch_uid="portal-article-page-save")
    post_delete.connect(_article_changed, sender=Article, dispatch_uid="portal-article-page-delete")
