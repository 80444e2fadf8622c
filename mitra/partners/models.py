from __future__ import annotations

import datetime

from django.conf import settings
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from simple_history.models import HistoricalRecords

from mitra.core.imports import ImportBase
from mitra.elections.models import ThemeSegmentTarget
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
        ordering = ["name", "id"]
        constraints = [
            models.UniqueConstraint(fields=["office", "code"], name="partner_code_per_office")
        ]
        indexes = [
            models.Index(fields=["office", "name", "id"]),
            models.Index(fields=["office", "status"]),
            models.Index(fields=["office", "category"]),
        ]
        verbose_name = _("mitra")
        verbose_name_plural = _("mitra")

    def __str__(self) -> str:
        return self.name


# --- Agreements (PKS / MoU) -------------------------------------------------------------

EXPIRING_DAYS = 30


class AgreementStatus(models.TextChoices):
    """Derived from the dates, never stored."""

    DRAFT = "draft", _("Draf")
    ACTIVE = "active", _("Berlaku")
    EXPIRING = "expiring", _("Segera berakhir")
    EXPIRED = "expired", _("Berakhir")
    NONE = "none", _("Tanpa perjanjian")


def agreement_status_on(
    *,
    signed_on: datetime.date | None,
    valid_from: datetime.date,
    valid_until: datetime.date,
    today: datetime.date,
) -> AgreementStatus:
    """Draft until signed and in force; expiring in the last 30 days; expired after."""
    if valid_until < today:
        return AgreementStatus.EXPIRED
    if signed_on is None or valid_from > today:
        return AgreementStatus.DRAFT
    if (valid_until - today).days <= EXPIRING_DAYS:
        return AgreementStatus.EXPIRING
    return AgreementStatus.ACTIVE


class Agreement(OfficeScoped):
    """A cooperation agreement (PKS/MoU). Successive agreements are kept side by side."""

    partner = models.ForeignKey(
        Partner, on_delete=models.RESTRICT, related_name="agreements", verbose_name=_("mitra")
    )
    number = models.CharField(_("nomor perjanjian"), max_length=120)
    signed_on = models.DateField(
        _("tanggal penandatanganan"),
        null=True,
        blank=True,
        help_text=_("Kosongkan selama perjanjian masih draf."),
    )
    valid_from = models.DateField(_("berlaku mulai"))
    valid_until = models.DateField(_("berlaku sampai"))
    signatories = models.TextField(
        _("penanda tangan"), blank=True, help_text=_("Satu nama dan jabatan per baris.")
    )
    notes = models.TextField(_("catatan"), blank=True)
    # Stored under a random name by mitra.core.uploads.store_upload; served by a view only.
    document = models.FileField(_("dokumen bertanda tangan (PDF)"), max_length=200, blank=True)
    document_name = models.CharField(max_length=200, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)

    history = HistoricalRecords()

    class Meta:
        ordering = ["-valid_from", "-pk"]
        indexes = [models.Index(fields=["partner", "valid_until"])]
        constraints = [
            models.CheckConstraint(
                condition=models.Q(valid_until__gte=models.F("valid_from")),
                name="agreement_ends_after_start",
            )
        ]
        verbose_name = _("perjanjian kerja sama")
        verbose_name_plural = _("perjanjian kerja sama")

    def __str__(self) -> str:
        return self.number

    def status_on(self, today: datetime.date | None = None) -> AgreementStatus:
        return agreement_status_on(
            signed_on=self.signed_on,
            valid_from=self.valid_from,
            valid_until=self.valid_until,
            today=today or timezone.localdate(),
        )

    @property
    def status(self) -> AgreementStatus:
        return self.status_on()


class DeliverableMetric(models.TextChoices):
    ACTIVITIES = "activities_count", _("Jumlah kegiatan")
    REACH = "reach", _("Jangkauan (orang)")
    POSTS = "online_posts", _("Unggahan media sosial")


class Deliverable(ThemeSegmentTarget):
    """One agreed target: e.g. at least 3 activities on a theme, or 500 people of a segment."""

    agreement = models.ForeignKey(Agreement, on_delete=models.CASCADE, related_name="deliverables")
    metric = models.CharField(_("ukuran"), max_length=30, choices=DeliverableMetric.choices)
    target = models.PositiveIntegerField(_("target"))

    history = HistoricalRecords()

    class Meta:
        ordering = ["agreement", "pk"]
        verbose_name = _("luaran")
        verbose_name_plural = _("luaran")

    def __str__(self) -> str:
        return f"{self.get_metric_display()} ≥ {self.target}"


# --- Partner accounts ---------------------------------------------------------------------

INVITATION_DAYS = 7


class PartnerInvitation(OfficeScoped):
    """A single-use, expiring link that lets a coordinator create their account.

    Only the SHA-256 of the token is kept; the link itself is shown once to the staff member.
    """

    partner = models.ForeignKey(
        Partner, on_delete=models.CASCADE, related_name="invitations", verbose_name=_("mitra")
    )
    email = models.EmailField(_("email"))
    token_hash = models.CharField(max_length=64, unique=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)
    expires_at = models.DateTimeField()
    accepted_at = models.DateTimeField(null=True, blank=True)
    accepted_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
    )

    class Meta:
        ordering = ["-created_at"]
        verbose_name = _("undangan koordinator")
        verbose_name_plural = _("undangan koordinator")

    def __str__(self) -> str:
        return f"{self.email} → {self.partner}"

    @property
    def is_usable(self) -> bool:
        return self.accepted_at is None and self.expires_at > timezone.now()


# --- Imports ------------------------------------------------------------------------------


class ImportBatch(OfficeScoped, ImportBase):
    """A parsed partner spreadsheet waiting for confirmation; nothing is written before that.

    `rows` are the raw rows as read from the file (list of dicts), emptied once written;
    `preview` the verdict per row.
    """

    preview = models.JSONField(default=list)
    counts = models.JSONField(default=dict)
    result = models.JSONField(default=dict)

    class Meta:
        ordering = ["-created_at"]
        verbose_name = _("impor mitra")
        verbose_name_plural = _("impor mitra")
