from __future__ import annotations

from django.db import models
from django.utils.translation import gettext_lazy as _
from simple_history.models import HistoricalRecords

from mitra.offices.models import OfficeScoped


class PartnerCategory(OfficeScoped):
    """Kind of organisation (youth, arts, religious …); a list staff can extend."""

    code = models.SlugField(max_length=40)
    name = models.CharField(_("nama"), max_length=120)
    order = models.PositiveSmallIntegerField(default=0)

    class Meta:
        ordering = ["office", "order", "name"]
        constraints = [
            models.UniqueConstraint(fields=["office", "code"], name="category_code_per_office")
        ]
        verbose_name = _("kategori mitra")
        verbose_name_plural = _("kategori mitra")

    def __str__(self) -> str:
        return self.name


class PartnerStatus(models.TextChoices):
    PROSPECT = "prospect", _("Calon")
    ACTIVE = "active", _("Aktif")
    SUSPENDED = "suspended", _("Ditangguhkan")
    ENDED = "ended", _("Berakhir")


class PartnerQuerySet(models.QuerySet["Partner"]):
    def of_office(self, office_id: int) -> PartnerQuerySet:
        return self.filter(office_id=office_id)

    def active(self) -> PartnerQuerySet:
        return self.filter(status=PartnerStatus.ACTIVE)


class Partner(OfficeScoped):
    """A community organisation that carries the programme's messages (mitra)."""

    code = models.CharField(
        _("kode"), max_length=40, help_text=_("Kunci tetap untuk impor ulang, unik per kantor.")
    )
    name = models.CharField(_("nama organisasi"), max_length=200)
    category = models.ForeignKey(
        PartnerCategory,
        on_delete=models.RESTRICT,
        related_name="partners",
        verbose_name=_("kategori"),
    )
    segments = models.ManyToManyField(
        "elections.Segment", blank=True, related_name="partners", verbose_name=_("segmen")
    )
    areas = models.ManyToManyField(
        "regions.Region", blank=True, related_name="partners", verbose_name=_("wilayah jangkauan")
    )
    status = models.CharField(
        _("status"), max_length=20, choices=PartnerStatus.choices, default=PartnerStatus.PROSPECT
    )
    description = models.TextField(_("deskripsi"), blank=True)
    contact_name = models.CharField(_("narahubung"), max_length=160, blank=True)
    whatsapp = models.CharField(
        _("nomor WhatsApp"), max_length=20, blank=True, help_text=_("Disimpan dalam format E.164.")
    )
    email = models.EmailField(_("email"), blank=True)
    instagram = models.CharField(_("Instagram"), max_length=60, blank=True)
    facebook = models.CharField(_("Facebook"), max_length=120, blank=True)
    tiktok = models.CharField(_("TikTok"), max_length=60, blank=True)
    website = models.URLField(_("situs web"), blank=True)
    member_count = models.PositiveIntegerField(
        _("jumlah anggota (dinyatakan)"), null=True, blank=True
    )
    public_contact_opt_in = models.BooleanField(
        _("tampilkan nomor kontak di direktori publik"), default=False
    )
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    history = HistoricalRecords(m2m_fields=[segments, areas])
    objects = PartnerQuerySet.as_manager()

    class Meta:
        ordering = ["name"]
        constraints = [
            models.UniqueConstraint(fields=["office", "code"], name="partner_code_per_office")
        ]
        indexes = [
            models.Index(fields=["office", "name"]),
            models.Index(fields=["office", "status"]),
        ]
        verbose_name = _("mitra")
        verbose_name_plural = _("mitra")

    def __str__(self) -> str:
        return self.name
