"""Writes of the public site: articles, the view-count buffer and its flush, material downloads.

View counting (see docs/architecture.md, "Exact view counts"):

* Without Redis every counted view is one `UPDATE … SET view_count = view_count + 1
  RETURNING view_count`: exact, atomic, one statement.
* With Redis (settings.REDIS_URL) a view is one Lua call that adds 1 to a buffer hash and
  to the article's running total (initialised once from database + buffer + in flight,
  under the flush lock); the page shows that total, with no database query.
  `view_counts_flush` moves the buffer atomically (Lua: RENAME to an "in flight" hash
  stamped with a fresh token) and applies it in one transaction that also records the
  token in `ViewFlush`; the in-flight hash is deleted only afterwards. A flush that dies
  midway is finished by the next one, and a batch whose token is already recorded is
  never applied twice: no view lost or doubled.
"""

from __future__ import annotations

import secrets
from collections.abc import Iterable
from datetime import datetime, timedelta
from typing import Any

import markdown
import nh3
from django.conf import settings
from django.core.cache import cache
from django.db import IntegrityError, connection, transaction
from django.db.models import Case, F, Value, When
from django.utils import timezone
from django.utils.translation import gettext as _

from mitra.accounts.models import Membership
from mitra.accounts.permissions import Right, require
from mitra.core.errors import DomainError, NotFoundError
from mitra.core.uploads import store_upload

from .models import (
    Article,
    ArticleStatus,
    Material,
    MaterialVersion,
    Tag,
    ViewFlush,
)

# --- Markdown -----------------------------------------------------------------------------

ALLOWED_TAGS = {
    "p", "br", "hr", "h2", "h3", "h4", "h5", "h6", "strong", "em", "b", "i", "u", "s",
    "blockquote", "code", "pre", "ul", "ol", "li", "a", "img", "table", "thead", "tbody",
    "tr", "th", "td", "figure", "figcaption", "abbr", "sup", "sub", "dl", "dt", "dd",
}  # fmt: skip
ALLOWED_ATTRIBUTES = {
    "a": {"href", "title"},
    "img": {"src", "alt", "title", "width", "height"},
    "abbr": {"title"},
    "th": {"align", "scope"},
    "td": {"align"},
}


def markdown_render(*, text: str) -> str:
    """Markdown to HTML that is safe to show: no scripts, handlers or javascript: links.

    Headings start at h2 (the article title is the page's h1).
    """
    html = markdown.markdown(text, extensions=["extra", "sane_lists"], output_format="html")
    html = html.replace("<h1>", "<h2>").replace("</h1>", "</h2>")
    return nh3.clean(
        html,
        tags=ALLOWED_TAGS,
        attributes=ALLOWED_ATTRIBUTES,
        url_schemes={"http", "https", "mailto"},
        link_rel="noopener noreferrer nofollow",
        strip_comments=True,
    )


# --- Articles -----------------------------------------------------------------------------


class ArticleError(DomainError):
    """An article rule refused the change."""


def _free_slug(*, office_id: int, wanted: str, title: str, article_id: int | None) -> str:
    """The given slug (refused when taken), or one made from the title (suffixed when taken)."""
    from django.utils.text import slugify

    others = Article.objects.filter(office_id=office_id)
    if article_id is not None:
        others = others.exclude(pk=article_id)
    if wanted:
        if others.filter(slug=wanted).exists():
            raise ArticleError(_("Alamat (slug) ini sudah dipakai berita lain."), code="slug_taken")
        return wanted
    base = slugify(title)[:110].strip("-") or "berita"
    slug, n = base, 1
    while others.filter(slug=slug).exists():
        n += 1
        slug = f"{base}-{n}"
    return slug


def _status_at(status: str, published_at: datetime) -> str:
    """A "published" article whose time is still to come is "scheduled"."""
    if status == ArticleStatus.PUBLISHED and published_at > timezone.now():
        return ArticleStatus.SCHEDULED
    return status


@transaction.atomic
def article_save(
    *,
    membership: Membership,
    title: str,
    lead: str,
    body: str,
    status: str,
    published_at: Any | None = None,
    slug: str = "",
    tags: Iterable[str] = (),
    image: Any | None = None,
    image_alt: str = "",
    article_id: int | None = None,
) -> Article:
    """Create an article of the member's office, or change one of its articles (`article_id`).

    A new image (already content-checked by the form) replaces the old; none keeps it.
    No publication time means now for a new article and unchanged for an existing one.
    """
    require(membership, Right.MANAGE_CONTENT)
    if status not in ArticleStatus.values:
        raise ArticleError(_("Status berita tidak dikenal."), code="status")
    tags = [t.strip()[:60] for t in tags if t.strip()]
    if article_id is None:
        article = Article(office=membership.office, author=membership.user)
    else:
        found = (
            Article.objects.select_for_update()
            .filter(office_id=membership.office_id, pk=article_id)
            .first()
        )
        if found is None:
            raise NotFoundError(_("Berita tidak ditemukan."), code="not_found")
        article = found
    new_slug = _free_slug(
        office_id=membership.office_id,
        wanted=slug or article.slug,
        title=title,
        article_id=article.pk,
    )
    if article.pk is not None and new_slug != article.slug:
        article.drop_cached_page()  # the old address's cached page goes too
    article.slug = new_slug
    published_at = published_at or article.published_at  # a new article's default: now
    article.title, article.lead, article.body = title, lead, body
    article.status, article.published_at = _status_at(status, published_at), published_at
    article.image_alt = image_alt
    if image:
        article.image = store_upload(image, folder="portal/articles")
    article.save()
    article.tags.set(tags_ensure(office_id=membership.office_id, names=tags))
    return article


def tags_ensure(*, office_id: int, names: Iterable[str]) -> list[Tag]:
    from django.utils.text import slugify

    result = []
    for name in names:
        tag, _created = Tag.objects.get_or_create(
            office_id=office_id, slug=slugify(name)[:60], defaults={"name": name[:60]}
        )
        result.append(tag)
    return result


# --- View counting ------------------------------------------------------------------------

FLUSH_INTERVAL_SECONDS = 5
_BUFFER = "portal:views:buffer"
_INFLIGHT = "portal:views:inflight"
_TOKEN_FIELD = "_token"  # noqa: S105 — a hash field name
_FLUSH_LOCK = "portal:views:flush-lock"
_FLUSH_SOON = "portal:views:flush-soon"
_TOTALS = "portal:views:totals"

# Atomically turn the buffer into the in-flight batch, stamped with a token.
_SEAL_BATCH = """
if redis.call('EXISTS', KEYS[2]) == 1 then return 2 end
if redis.call('EXISTS', KEYS[1]) == 0 then return 0 end
redis.call('RENAME', KEYS[1], KEYS[2])
redis.call('HSET', KEYS[2], ARGV[1], ARGV[2])
return 1
"""


def views_buffered() -> bool:
    """Whether views go through the Redis buffer (REDIS_URL set) or straight to the DB."""
    return bool(getattr(settings, "REDIS_URL", "")) and "django_redis" in str(
        settings.CACHES["default"]["BACKEND"]
    )


def _redis() -> Any:
    from django_redis import get_redis_connection

    return get_redis_connection("default")


def _keys() -> tuple[str, str]:
    return cache.make_key(_BUFFER), cache.make_key(_INFLIGHT)


# One view: add to the buffer and, when the article's running total is known, to the
# total too (returned). -1 means the total must first be initialised from the database.
_VIEW = """
if ARGV[2] ~= '0' then redis.call('HINCRBY', KEYS[1], ARGV[1], ARGV[2]) end
if redis.call('HEXISTS', KEYS[3], ARGV[1]) == 1 then
  return redis.call('HINCRBY', KEYS[3], ARGV[1], ARGV[2])
end
return -1
"""
# Initialise the running total = database count (read under the flush lock, so it cannot
# move) + buffered + in flight, atomically with respect to concurrent views.
_INIT_TOTAL = """
local buffered = tonumber(redis.call('HGET', KEYS[1], ARGV[1]) or '0')
local in_flight = tonumber(redis.call('HGET', KEYS[2], ARGV[1]) or '0')
redis.call('HSETNX', KEYS[3], ARGV[1], tonumber(ARGV[2]) + buffered + in_flight)
return tonumber(redis.call('HGET', KEYS[3], ARGV[1]))
"""


def _db_count(article_id: int) -> int:
    return Article.objects.values_list("view_count", flat=True).filter(pk=article_id).first() or 0


def _buffered_total(article_id: int, *, add: int) -> int:
    buffer, inflight = _keys()
    totals = cache.make_key(_TOTALS)
    redis = _redis()
    field = str(article_id)
    total = int(redis.eval(_VIEW, 3, buffer, inflight, totals, field, add))
    if total >= 0:
        return total
    if cache.add(_FLUSH_LOCK, 1, timeout=60):  # no flush can move the database count now
        try:
            db_count = _db_count(article_id)
            return int(redis.eval(_INIT_TOTAL, 3, buffer, inflight, totals, field, db_count))
        finally:
            cache.delete(_FLUSH_LOCK)
    # A flush is running: answer from its parts (exact again once it has finished).
    pipe = redis.pipeline(transaction=False)
    pipe.hget(buffer, field)
    pipe.hget(inflight, field)
    buffered, in_flight = pipe.execute()
    return _db_count(article_id) + int(buffered or 0) + int(in_flight or 0)


def article_view_record(*, article_id: int) -> int:
    """Count one view of the article; return its exact total including this view."""
    if not views_buffered():
        table = connection.ops.quote_name(Article._meta.db_table)
        with connection.cursor() as cursor:
            cursor.execute(
                f"UPDATE {table} SET view_count = view_count + 1 WHERE id = %s "  # noqa: S608
                "RETURNING view_count",
                [article_id],
            )
            row = cursor.fetchone()
        return int(row[0]) if row else 0
    total = _buffered_total(article_id, add=1)
    if cache.add(_FLUSH_SOON, 1, timeout=FLUSH_INTERVAL_SECONDS):
        view_counts_flush()
    return total


def article_view_total(*, article_id: int) -> int:
    """The exact total without counting a view (crawlers, previews)."""
    if not views_buffered():
        return _db_count(article_id)
    return _buffered_total(article_id, add=0)


def _apply_batch(*, token: str, counts: dict[int, int]) -> int:
    """Add a batch to the database once; a token already recorded changes nothing."""
    total = sum(counts.values())
    try:
        with transaction.atomic():
            if ViewFlush.objects.filter(token=token).exists():
                return 0
            ViewFlush.objects.create(token=token, views=total)
            ids = sorted(counts)
            for start in range(0, len(ids), 500):
                chunk = ids[start : start + 500]
                Article.objects.filter(pk__in=chunk).update(
                    view_count=F("view_count")
                    + Case(*[When(pk=pk, then=Value(counts[pk])) for pk in chunk], default=0)
                )
    except IntegrityError:  # another flusher recorded the same token first
        return 0
    return total


def view_counts_flush() -> int:
    """Move buffered views into the database; returns how many views were applied."""
    if not views_buffered():
        return 0
    if not cache.add(_FLUSH_LOCK, 1, timeout=60):
        return 0
    applied = 0
    try:
        redis = _redis()
        buffer, inflight = _keys()
        for _round in range(2):  # first finish a batch left in flight, then seal a new one
            sealed = redis.eval(
                _SEAL_BATCH, 2, buffer, inflight, _TOKEN_FIELD, secrets.token_hex(16)
            )
            if sealed == 0:
                break
            raw = redis.hgetall(inflight)
            token = (raw.pop(_TOKEN_FIELD.encode(), b"") or b"").decode() or secrets.token_hex(16)
            counts = {int(k): int(v) for k, v in raw.items() if int(v)}
            applied += _apply_batch(token=token, counts=counts)
            redis.delete(inflight)
            if sealed == 1:
                break
        ViewFlush.objects.filter(applied_at__lt=timezone.now() - timedelta(days=7)).delete()
    finally:
        cache.delete(_FLUSH_LOCK)
    return applied


# --- Materials ----------------------------------------------------------------------------


def material_download_record(*, version: MaterialVersion) -> None:
    """Count one download of a version (and of its material), atomically in the database."""
    with transaction.atomic():
        MaterialVersion.objects.filter(pk=version.pk).update(download_count=F("download_count") + 1)
        Material.objects.filter(pk=version.material_id).update(
            download_count=F("download_count") + 1
        )
