"""The public site's records: news articles (with exact view counts) and the materials library."""

from __future__ import annotations

import datetime

from django.conf import settings
from django.db import models
from django.db.models.functions import Coalesce
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from simple_history.models import HistoricalRecords

from mitra.offices.models import OfficeScoped


def article_cache_key(office_id: int, slug: str, language: str) -> str:
    """Where the rendered article page (per office's site and language) is cached; see
    portal.views.article."""
    return f"portal:page:{office_id}:{slug}:{language}"


class Tag(OfficeScoped):
    slug = models.SlugField(max_length=60)
    name = models.CharField(_("nama"), max_length=60)

    class Meta:
        ordering = ["name"]
        constraints = [
            models.UniqueConstraint(fields=["office", "slug"], name="tag_slug_per_office")
        ]
        verbose_name = _("label")
        verbose_name_plural = _("label")

    def __str__(self) -> str:
        return self.name


class ArticleStatus(models.TextChoices):
    DRAFT = "draft", _("Draf")
    SCHEDULED = "scheduled", _("Terjadwal")
    PUBLISHED = "published", _("Terbit")


class ArticleQuerySet(models.QuerySet["Article"]):
    def visible(self, now: datetime.datetime | None = None) -> ArticleQuerySet:
        """Published articles, and scheduled ones whose publication time has passed."""
        return self.filter(
            status__in=[ArticleStatus.PUBLISHED, ArticleStatus.SCHEDULED],
            published_at__lte=now or timezone.now(),
        )

    def with_view_totals(self) -> ArticleQuerySet:
        """`views_total`: what the article page shows (base count plus the tally shards)."""
        shards = (
            ArticleViewTally.objects.filter(article=models.OuterRef("pk"))
            .values("article")
            .annotate(total=models.Sum("views"))
            .values("total")
        )
        return self.annotate(
            views_total=models.ExpressionWrapper(
                models.F("view_count") + Coalesce(models.Subquery(shards), 0),
                output_field=models.BigIntegerField(),
            )
        )


class Article(OfficeScoped):
    """A news article; its views are `view_count` (counted before the tallies, e.g. an
    import) plus its `ArticleViewTally` rows: see `portal.services.article_view_record`."""

    slug = models.SlugField(max_length=120)
    title = models.CharField(_("judul"), max_length=200)
    lead = models.TextField(
        _("ringkasan"), max_length=400, help_text=_("Satu atau dua kalimat; tampil di pratinjau.")
    )
    body = models.TextField(_("isi (Markdown)"))
    image = models.FileField(_("gambar utama"), blank=True, max_length=200)
    image_alt = models.CharField(_("teks alternatif gambar"), max_length=200, blank=True)
    published_at = models.DateTimeField(_("waktu terbit"), default=timezone.now)
    author = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("penulis"),
    )
    byline = models.CharField(
        _("nama penulis tampil"),
        max_length=120,
        blank=True,
        help_text=_("Kosongkan untuk nama akun."),
    )
    tags = models.ManyToManyField(Tag, blank=True, related_name="articles", verbose_name=_("label"))
    status = models.CharField(
        _("status"), max_length=12, choices=ArticleStatus.choices, default=ArticleStatus.DRAFT
    )
    view_count = models.PositiveBigIntegerField(_("jumlah dilihat"), default=0, editable=False)
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    objects = ArticleQuerySet.as_manager()

    class Meta:
        ordering = ["-published_at", "-pk"]
        constraints = [
            models.UniqueConstraint(fields=["office", "slug"], name="article_slug_per_office")
        ]
        indexes = [models.Index(fields=["office", "status", "-published_at"])]
        verbose_name = _("berita")
        verbose_name_plural = _("berita")

    def __str__(self) -> str:
        return self.title

    def get_absolute_url(self) -> str:
        return reverse("portal:article", kwargs={"slug": self.slug})

    @property
    def author_name(self) -> str:
        if self.byline:
            return self.byline
        return str(self.author) if self.author else ""


class ArticleViewTally(models.Model):
    """Counted views of one article, spread over a few rows ("shards").

    Every browser view adds one to a randomly chosen shard in its own committed PostgreSQL
    transaction, so a view is stored once it is shown, whatever happens to Redis, and
    parallel views of one popular article rarely wait for the same row lock. The total is
    the article's `view_count` plus the sum of its shards.
    """

    article = models.ForeignKey(Article, on_delete=models.CASCADE, related_name="view_tallies")
    shard = models.PositiveSmallIntegerField()
    views = models.PositiveBigIntegerField(default=0)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["article", "shard"], name="article_view_tally_shard")
        ]
        verbose_name = _("hitungan dilihat")
        verbose_name_plural = _("hitungan dilihat")

    def __str__(self) -> str:
        return f"{self.article_id}/{self.shard}: {self.views}"


class MaterialKind(models.TextChoices):
    POSTER = "poster", _("Poster")
    VIDEO = "video", _("Video")
    DECK = "deck", _("Bahan presentasi")
    TALKING_POINTS = "talking_points", _("Pokok pembicaraan")


class Material(OfficeScoped):
    """An outreach material for one theme; its files are kept as numbered versions."""

    theme = models.ForeignKey(
        "elections.Theme",
        on_delete=models.RESTRICT,
        related_name="materials",
        verbose_name=_("tema"),
    )
    kind = models.CharField(_("jenis"), max_length=20, choices=MaterialKind.choices)
    slug = models.SlugField(max_length=120)
    title = models.CharField(_("judul"), max_length=200)
    description = models.TextField(_("deskripsi"), blank=True)
    is_public = models.BooleanField(_("tampil di situs publik"), default=True)
    download_count = models.PositiveBigIntegerField(_("jumlah unduhan"), default=0, editable=False)
    created_at = models.DateTimeField(auto_now_add=True)

    history = HistoricalRecords(excluded_fields=["download_count"])

    class Meta:
        ordering = ["theme__order", "kind", "title"]
        constraints = [
            models.UniqueConstraint(fields=["office", "slug"], name="material_slug_per_office")
        ]
        verbose_name = _("materi")
        verbose_name_plural = _("materi")

    def __str__(self) -> str:
        return self.title


class MaterialVersion(models.Model):
    material = models.ForeignKey(
        Material, on_delete=models.CASCADE, related_name="versions", verbose_name=_("materi")
    )
    number = models.PositiveIntegerField(_("versi"))
    file = models.FileField(_("berkas"), max_length=200)
    original_name = models.CharField(_("nama berkas"), max_length=200, blank=True)
    size = models.PositiveBigIntegerField(_("ukuran (bita)"), default=0)
    notes = models.TextField(_("catatan perubahan"), blank=True)
    uploaded_at = models.DateTimeField(_("diunggah"), default=timezone.now)
    download_count = models.PositiveBigIntegerField(_("jumlah unduhan"), default=0, editable=False)

    history = HistoricalRecords(excluded_fields=["download_count"])

    class Meta:
        ordering = ["material", "-number"]
        constraints = [
            models.UniqueConstraint(fields=["material", "number"], name="material_version_number")
        ]
        verbose_name = _("versi materi")
        verbose_name_plural = _("versi materi")

    def __str__(self) -> str:
        return f"{self.material} v{self.number}"
