from __future__ import annotations

from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.utils.translation import gettext_lazy as _
from simple_history.models import HistoricalRecords

from mitra.core.naming import EnglishNamed, english_active, english_name_field
from mitra.offices.models import OfficeScoped


class ElectionKind(models.TextChoices):
    PRESIDENT = "presiden", _("Pemilihan Presiden")
    LEGISLATIVE = "legislatif", _("Pemilihan Legislatif")
    GOVERNOR = "gubernur", _("Pemilihan Gubernur")
    MAYOR = "walikota", _("Pemilihan Wali Kota")
    REGENT = "bupati", _("Pemilihan Bupati")


class Programme(OfficeScoped):
    """An office's outreach programme serving one or more elections on one voting day."""

    name = models.CharField(_("nama"), max_length=160)
    slug = models.SlugField()
    voting_day = models.DateField(_("hari pemungutan suara"))
    description = models.TextField(_("deskripsi"), blank=True)
    is_current = models.BooleanField(_("program berjalan"), default=True)

    history = HistoricalRecords()

    class Meta:
        ordering = ["-voting_day"]
        constraints = [
            models.UniqueConstraint(fields=["office", "slug"], name="programme_slug_per_office")
        ]
        verbose_name = _("program")
        verbose_name_plural = _("program")

    def __str__(self) -> str:
        return self.name


class Election(EnglishNamed, OfficeScoped):
    programme = models.ForeignKey(
        Programme, on_delete=models.RESTRICT, related_name="elections", verbose_name=_("program")
    )
    name = models.CharField(_("nama"), max_length=160)
    short_name = models.CharField(_("nama singkat"), max_length=60)
    name_en = english_name_field(160)
    short_name_en = models.CharField(_("nama singkat (bahasa Inggris)"), max_length=60, blank=True)
    kind = models.CharField(_("jenis"), max_length=20, choices=ElectionKind.choices)
    region = models.ForeignKey(
        "regions.Region", on_delete=models.PROTECT, related_name="+", verbose_name=_("wilayah")
    )
    voting_day = models.DateField(_("hari pemungutan suara"))

    history = HistoricalRecords()

    class Meta:
        ordering = ["voting_day", "name"]
        verbose_name = _("pemilihan")
        verbose_name_plural = _("pemilihan")

    def __str__(self) -> str:
        return self.short_name or self.name

    @property
    def display_short_name(self) -> str:
        english = self.short_name_en if english_active() else ""
        return english or self.short_name or self.display_name


class Stage(EnglishNamed, models.Model):
    """A stage (tahapan) of an election, with its dates: data edited by staff."""

    election = models.ForeignKey(
        Election, on_delete=models.CASCADE, related_name="stages", verbose_name=_("pemilihan")
    )
    name = models.CharField(_("nama tahapan"), max_length=160)
    name_en = english_name_field(160)
    starts_on = models.DateField(_("mulai"))
    ends_on = models.DateField(_("selesai"))
    order = models.PositiveSmallIntegerField(_("urutan"), default=0)

    history = HistoricalRecords()

    class Meta:
        ordering = ["election", "order", "starts_on"]
        verbose_name = _("tahapan")
        verbose_name_plural = _("tahapan")
        constraints = [
            models.CheckConstraint(
                condition=models.Q(ends_on__gte=models.F("starts_on")),
                name="stage_ends_after_start",
                violation_error_message=_(
                    "Tanggal selesai tahapan tidak boleh sebelum tanggal mulai."
                ),
            )
        ]

    def __str__(self) -> str:
        return self.name


class Theme(EnglishNamed, models.Model):
    """A message the programme carries (fokus sosialisasi)."""

    programme = models.ForeignKey(Programme, on_delete=models.CASCADE, related_name="themes")
    code = models.SlugField(max_length=40)
    name = models.CharField(_("nama"), max_length=160)
    name_en = english_name_field(160)
    description = models.TextField(_("deskripsi"), blank=True)
    order = models.PositiveSmallIntegerField(_("urutan"), default=0)

    history = HistoricalRecords()

    class Meta:
        ordering = ["programme", "order"]
        constraints = [
            models.UniqueConstraint(fields=["programme", "code"], name="theme_code_per_programme")
        ]
        verbose_name = _("tema")
        verbose_name_plural = _("tema")

    def __str__(self) -> str:
        return self.name


class Segment(EnglishNamed, OfficeScoped):
    """A voter segment (basis pemilih); age limits are data because sources differ."""

    code = models.SlugField(max_length=40)
    name = models.CharField(_("nama"), max_length=120)
    name_en = english_name_field(120)
    min_age = models.PositiveSmallIntegerField(_("usia minimal"), null=True, blank=True)
    max_age = models.PositiveSmallIntegerField(_("usia maksimal"), null=True, blank=True)
    order = models.PositiveSmallIntegerField(_("urutan"), default=0)
    # The segment's share of all voters, for gap scoring where the voter list does not
    # count the segment itself (it does for first-time voters and women); empty: the
    # default of mitra.analytics.scoring.DEFAULT_SHARES.
    voter_share = models.DecimalField(
        _("perkiraan bagian dari pemilih (%)"),
        max_digits=5,
        decimal_places=2,
        null=True,
        blank=True,
        validators=[MinValueValidator(0), MaxValueValidator(100)],
    )
    voter_share_source = models.CharField(_("sumber perkiraan"), max_length=200, blank=True)

    history = HistoricalRecords()

    class Meta:
        ordering = ["office", "order"]
        constraints = [
            models.UniqueConstraint(fields=["office", "code"], name="segment_code_per_office")
        ]
        verbose_name = _("segmen pemilih")
        verbose_name_plural = _("segmen pemilih")

    def __str__(self) -> str:
        return self.name


class ThemeSegmentTarget(models.Model):
    """Base for targets that may be narrowed to one theme and/or one segment
    (programme targets, agreement deliverables)."""

    theme = models.ForeignKey(
        Theme,
        on_delete=models.RESTRICT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("tema"),
    )
    segment = models.ForeignKey(
        Segment,
        on_delete=models.RESTRICT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("segmen"),
    )

    class Meta:
        abstract = True
