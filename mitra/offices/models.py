from __future__ import annotations

from django.db import models
from django.utils.translation import gettext_lazy as _


class ReachSource(models.TextChoices):
    REPORTED = "reported", _("laporan terverifikasi")
    MEASURED = "measured", _("check-in, bila kegiatan memilikinya")


class Office(models.Model):
    """An election commission office: the tenant almost every record belongs to."""

    name = models.CharField(_("nama"), max_length=160)
    short_name = models.CharField(_("nama singkat"), max_length=60, blank=True)
    slug = models.SlugField(unique=True)
    region = models.ForeignKey(
        "regions.Region",
        on_delete=models.PROTECT,
        related_name="offices",
        verbose_name=_("wilayah"),
    )
    logo = models.FileField(_("logo"), upload_to="offices/logo/", blank=True)
    website = models.URLField(_("situs web"), blank=True)
    email = models.EmailField(_("email publik"), blank=True)
    phone = models.CharField(_("telepon publik"), max_length=32, blank=True)
    instagram = models.CharField(_("Instagram"), max_length=60, blank=True)
    address = models.TextField(_("alamat"), blank=True)
    voter_check_url = models.URLField(
        _("tautan cek DPT"),
        default="https://cekdptonline.kpu.go.id/",
        help_text=_("Layanan resmi untuk memeriksa pendaftaran pemilih."),
    )
    data_retention_days = models.PositiveIntegerField(
        _("masa simpan data pribadi (hari)"), default=90
    )
    small_cell_threshold = models.PositiveSmallIntegerField(
        _("ambang sel kecil"),
        default=5,
        help_text=_("Angka publik di bawah ambang ini disembunyikan."),
    )
    # Which attendance counts as reach for an activity that has both a verified report
    # and check-ins. Default: the report, which every counted activity has, so reach means
    # the same for all activities; check-ins miss people who did not scan (and count only
    # those who did), so an office that scans everyone at the door may prefer them.
    reach_source = models.CharField(
        _("jangkauan dihitung dari"),
        max_length=10,
        choices=ReachSource.choices,
        default=ReachSource.REPORTED,
        help_text=_(
            "Untuk kegiatan yang punya laporan dan check-in sekaligus. Laporan: sama untuk "
            "semua kegiatan. Check-in: lebih dapat diuji bila semua peserta dipindai."
        ),
    )
    require_second_factor = models.BooleanField(
        _("wajibkan verifikasi dua langkah untuk admin dan staf"),
        default=True,
        help_text=_("Admin dan staf harus memasang aplikasi autentikator sebelum dapat bekerja."),
    )
    is_demo = models.BooleanField(
        _("data demo"),
        default=False,
        help_text=_("Data sintetis; halaman menampilkan penanda demo."),
    )
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["name"]
        verbose_name = _("kantor")
        verbose_name_plural = _("kantor")

    def __str__(self) -> str:
        return self.name

    @property
    def display_name(self) -> str:
        return self.short_name or self.name


class OfficeScoped(models.Model):
    """Base for records that belong to one office (the tenant key every query filters on)."""

    office = models.ForeignKey(
        Office, on_delete=models.CASCADE, related_name="+", verbose_name=_("kantor")
    )

    class Meta:
        abstract = True
