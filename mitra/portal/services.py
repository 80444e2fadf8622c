"""Writes of the public site: articles, exact view counts, material downloads.

View counting (see docs/architecture.md): every counted view is one committed PostgreSQL
transaction that adds 1 to one of the article's `ArticleViewTally` shards and reads the
total back. Nothing is buffered outside the database, so no Redis failure, restart or flush
can lose, double or lower a count, and there is nothing to flush. The shards spread the row
lock of a popular article over several rows, so parallel views rarely wait for each other
(docs/performance.md has the measured cost).
"""

from __future__ import annotations

import secrets
from collections.abc import Iterable
from datetime import datetime
from typing import Any

import markdown
import nh3
from django.core.exceptions import ValidationError
from django.db import IntegrityError, connection, transaction
from django.db.models import F
from django.utils import timezone
from django.utils.text import slugify
from django.utils.translation import gettext as _

from mitra.accounts.models import Membership
from mitra.accounts.permissions import Right, require
from mitra.core.errors import DomainError, NotFoundError
from mitra.core.uploads import store_upload
from mitra.elections.models import Theme
from mitra.offices.models import IMAGE_FIELDS, OFFICE_PROFILE_FIELDS, Office

from .models import (
    Article,
    ArticleStatus,
    ArticleViewTally,
    Material,
    MaterialVersion,
    Tag,
)
from .signals import article_page_forget

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
        article_page_forget(article.office_id, article.slug)  # the old address's page goes too
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

VIEW_SHARDS = 8


def _total_sql() -> str:
    article = connection.ops.quote_name(Article._meta.db_table)
    tally = connection.ops.quote_name(ArticleViewTally._meta.db_table)
    return (
        f"SELECT a.view_count + COALESCE((SELECT SUM(t.views) FROM {tally} t "  # noqa: S608
        f"WHERE t.article_id = a.id), 0) FROM {article} a WHERE a.id = %s"
    )


def article_view_total(*, article_id: int) -> int:
    """The exact total without counting a view (crawlers, previews, staff pages)."""
    with connection.cursor() as cursor:
        cursor.execute(_total_sql(), [article_id])
        row = cursor.fetchone()
    return int(row[0]) if row else 0


def article_view_record(*, article_id: int) -> int:
    """Count one view of the article; return its exact total including this view.

    The increment and the read are one transaction: once the page shows a number, that
    view is committed, and any later page (which reads after this commit) shows at least
    as much. A deleted article counts nothing.
    """
    tally = connection.ops.quote_name(ArticleViewTally._meta.db_table)
    shard = secrets.randbelow(VIEW_SHARDS)
    try:
        with transaction.atomic(), connection.cursor() as cursor:
            cursor.execute(
                f"INSERT INTO {tally} (article_id, shard, views) VALUES (%s, %s, 1) "  # noqa: S608
                f"ON CONFLICT (article_id, shard) DO UPDATE SET views = {tally}.views + 1",
                [article_id, shard],
            )
            cursor.execute(_total_sql(), [article_id])
            row = cursor.fetchone()
    except IntegrityError:  # the article was deleted (the foreign key is checked at commit)
        return 0
    return int(row[0]) if row else 0


# --- Materials ----------------------------------------------------------------------------


def material_download_record(*, version: MaterialVersion) -> None:
    """Count one download of a version (and of its material), atomically in the database."""
    with transaction.atomic():
        MaterialVersion.objects.filter(pk=version.pk).update(download_count=F("download_count") + 1)
        Material.objects.filter(pk=version.material_id).update(
            download_count=F("download_count") + 1
        )


# --- The office's public profile and branding ----------------------------------------------

# The public site shows white text on the header colour and links in the link colour on a
# near-white page: both need WCAG's 4.5 : 1 contrast for normal text.
MIN_CONTRAST = 4.5
PAGE_BACKGROUND = "#f7f7f8"


def _luminance(colour: str) -> float:
    """WCAG 2 relative luminance of "#rrggbb"."""
    channels = []
    for start in (1, 3, 5):
        value = int(colour[start : start + 2], 16) / 255
        channels.append(value / 12.92 if value <= 0.04045 else ((value + 0.055) / 1.055) ** 2.4)
    red, green, blue = channels
    return 0.2126 * red + 0.7152 * green + 0.0722 * blue


def contrast_ratio(first: str, second: str) -> float:
    lighter, darker = sorted((_luminance(first), _luminance(second)), reverse=True)
    return (lighter + 0.05) / (darker + 0.05)


@transaction.atomic
def office_profile_update(
    *,
    membership: Membership,
    logo: Any | None = None,
    share_image: Any | None = None,
    **fields: str,
) -> Office:
    """Change the member's office's public profile and branding (recorded in its history).

    Images are already content-checked by the form; a new one replaces the old, none keeps
    it. A colour that white text (header) or the page (links) would not read on is refused.
    """
    require(membership, Right.MANAGE_CONTENT)
    unknown = set(fields) - set(OFFICE_PROFILE_FIELDS)
    if unknown:
        raise TypeError(f"unknown office profile fields: {sorted(unknown)}")
    for name, against in (("colour_primary", "#ffffff"), ("colour_dark", PAGE_BACKGROUND)):
        colour = fields.get(name) or ""
        if colour and contrast_ratio(colour, against) < MIN_CONTRAST:
            raise DomainError(
                _(
                    "Warna %(colour)s terlalu terang: kontrasnya %(ratio).1f : 1, "
                    "sedikitnya %(minimum)s : 1 agar teks tetap terbaca. Pilih warna lebih gelap."
                )
                % {
                    "colour": colour,
                    "ratio": contrast_ratio(colour, against),
                    "minimum": MIN_CONTRAST,
                },
                code=f"contrast_{name}",
            )
    office = Office.objects.select_for_update().get(pk=membership.office_id)
    for name, value in fields.items():
        setattr(office, name, value)
    for name, upload in (("logo", logo), ("share_image", share_image)):
        if upload:
            setattr(office, name, store_upload(upload, folder=IMAGE_FIELDS[name]))
    try:
        office.full_clean(exclude=["region", "slug", "logo", "share_image"])
    except ValidationError as exc:
        raise DomainError(" ".join(exc.messages), code="invalid") from exc
    office.save()
    return office


# --- Materials (staff) --------------------------------------------------------------------


class MaterialError(DomainError):
    pass


def _material_slug(*, office_id: int, title: str) -> str:
    base = slugify(title)[:100] or "materi"
    slug, n = base, 1
    while Material.objects.filter(office_id=office_id, slug=slug).exists():
        n += 1
        slug = f"{base}-{n}"
    return slug


def _version_add(*, material: Material, file: Any, notes: str) -> MaterialVersion:
    latest = (
        MaterialVersion.objects.select_for_update()
        .filter(material=material)
        .order_by("-number")
        .first()
    )
    return MaterialVersion.objects.create(
        material=material,
        number=(latest.number + 1) if latest else 1,
        file=store_upload(file, folder="portal/materials"),
        original_name=(getattr(file, "name", "") or "")[:200],
        size=getattr(file, "size", 0) or 0,
        notes=notes,
    )


@transaction.atomic
def material_create(
    *,
    membership: Membership,
    theme: Theme,
    kind: str,
    title: str,
    file: Any,
    description: str = "",
    is_public: bool = True,
) -> Material:
    """A new material of one of the programme's themes, with its first file as version 1.
    The file must come checked (`CheckedFileField`); images lose their metadata."""
    require(membership, Right.MANAGE_CONTENT)
    if theme.programme.office_id != membership.office_id:
        raise NotFoundError(_("Tema tidak ditemukan."), code="not_found")
    material = Material.objects.create(
        office_id=membership.office_id,
        theme=theme,
        kind=kind,
        slug=_material_slug(office_id=membership.office_id, title=title),
        title=title,
        description=description,
        is_public=is_public,
    )
    _version_add(material=material, file=file, notes="")
    return material


@transaction.atomic
def material_version_add(
    *, membership: Membership, material_id: int, file: Any, notes: str = ""
) -> MaterialVersion:
    """A new numbered version of a material; earlier versions stay and keep their counts."""
    require(membership, Right.MANAGE_CONTENT)
    material = (
        Material.objects.select_for_update()
        .filter(pk=material_id, office_id=membership.office_id)
        .first()
    )
    if material is None:
        raise NotFoundError(_("Materi tidak ditemukan."), code="not_found")
    return _version_add(material=material, file=file, notes=notes)
